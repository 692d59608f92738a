/**
 * The presearcher's memo of what each distinct analysed token selects in one rule set: an integer
 * entry per token that some rule can care about, holding the rules anchored on it or on a pattern
 * it matches, and those patterns. Everything lives in typed arrays, so looking a token up and
 * walking its rules follows no object pointers but the key string's.
 *
 * Each selected rule comes with its first required set when that set has a single member (a code
 * and fields, see `encodeRequired`; fields 0 when it has several): the presearcher tests that one
 * from data it has already read, and reads the rule's full required sets only if it passes.
 *
 * Entry ids: a token that is an exact term of some rule gets the term's id (`set.terms`), so the
 * matcher keeps per-article state for terms and tokens in the same arrays and a rule's token test
 * needs no lookup; a token only patterns match gets an id past the terms; any other token gets
 * `NO_ENTRY`, memoised too.
 *
 * Lookup: open addressing with linear probing over `hashToken` values (computed once per token by
 * the caller), the table at most half full. A slot is four integers (hash, entry, and where the
 * key's code units start and how many there are in one character buffer), so a lookup touches one
 * slot and one run of characters, never a string object of the index. Entries are computed on first sight (trie walk of the
 * patterns, index lookups) and kept for the life of the rule set; `full` says when the memo has
 * grown past `MEMO_LIMIT` distinct tokens and the caller should start a fresh index.
 */
import type { CompiledRuleSet } from './compile.js';

export const NO_ENTRY = -1;
const MEMO_LIMIT = 200_000;
const INITIAL_BITS = 12;

/** An `Int32Array` that grows by doubling; `data` may be replaced on `push`. */
class IntList {
  data: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.data = new Int32Array(capacity);
  }

  push(...values: number[]): void {
    for (const value of values) {
      if (this.length === this.data.length) {
        const next = new Int32Array(this.data.length * 2);
        next.set(this.data);
        this.data = next;
      }
      this.data[this.length++] = value;
    }
  }
}

/** Integers per slot: hash, entry, key start in `chars`, key length (0: empty slot). */
const SLOT = 4;

export class TokenIndex {
  /** Ids below this are the rule set's exact terms; more entries may be added past it. */
  readonly termCount: number;
  /** One past the highest entry id handed out. */
  entryCount: number;
  /**
   * Entry id -> offset in `lists` of `[ruleCount, rule, code, fields, rule, code, fields, ...,
   * patternCount, ...patterns]` (-1 until seen), `code` and `fields` being the rule's first
   * required set if it has one member, else fields 0.
   */
  listAt: Int32Array;
  readonly lists = new IntList(1 << 12);
  private slots: Int32Array;
  private mask: number;
  private size = 0;
  private chars = new Uint16Array(1 << 14);
  private charCount = 0;

  constructor(private readonly set: CompiledRuleSet) {
    this.termCount = set.terms.size;
    this.entryCount = this.termCount;
    this.listAt = new Int32Array(Math.max(16, this.termCount)).fill(-1);
    this.slots = new Int32Array(SLOT << INITIAL_BITS);
    this.mask = (1 << INITIAL_BITS) - 1;
  }

  get full(): boolean {
    return this.size >= MEMO_LIMIT;
  }

  /** The entry of `token` (whose `hashToken` is `hash`), or `NO_ENTRY`. */
  lookup(token: string, hash: number): number {
    const { slots, chars, mask } = this;
    const n = token.length;
    if (n === 0) return NO_ENTRY;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = slot * SLOT;
      const length = slots[at + 3] ?? 0;
      if (length === 0) break;
      if (slots[at] !== hash || length !== n) continue;
      const start = slots[at + 2] ?? 0;
      let i = 0;
      while (i < n && chars[start + i] === token.charCodeAt(i)) i++;
      if (i === n) return slots[at + 1] ?? NO_ENTRY;
    }
    const entry = this.createEntry(token);
    this.insert(token, hash, entry);
    return entry;
  }

  private createEntry(token: string): number {
    const { set } = this;
    const patterns: number[] = [];
    set.patterns.forEachMatch(token, (id) => patterns.push(id));
    const rules = [...(set.byKey.get(token) ?? [])];
    for (const id of patterns) rules.push(...(set.byPattern.get(id) ?? []));
    let entry = set.terms.get(token);
    if (entry === undefined) {
      if (patterns.length === 0 && rules.length === 0) return NO_ENTRY;
      entry = this.entryCount++;
      if (entry >= this.listAt.length) {
        const next = new Int32Array(this.listAt.length * 2).fill(-1);
        next.set(this.listAt);
        this.listAt = next;
      }
    }
    this.listAt[entry] = this.lists.length;
    this.lists.push(rules.length);
    for (const r of rules) {
      const at = set.requiredStart[r] ?? 0;
      const single = (set.required[at] ?? 0) > 0 && set.required[at + 1] === 1;
      this.lists.push(r, single ? (set.required[at + 2] ?? 0) : 0, single ? (set.required[at + 3] ?? 0) : 0);
    }
    this.lists.push(patterns.length);
    for (const p of patterns) this.lists.push(p);
    return entry;
  }

  private insert(token: string, hash: number, entry: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    if (this.charCount + token.length > this.chars.length) {
      const next = new Uint16Array(Math.max(this.chars.length * 2, this.charCount + token.length));
      next.set(this.chars);
      this.chars = next;
    }
    const start = this.charCount;
    for (let i = 0; i < token.length; i++) this.chars[start + i] = token.charCodeAt(i);
    this.charCount += token.length;
    this.place(hash, entry, start, token.length);
    this.size++;
  }

  private place(hash: number, entry: number, start: number, length: number): void {
    let slot = hash & this.mask;
    while ((this.slots[slot * SLOT + 3] ?? 0) !== 0) slot = (slot + 1) & this.mask;
    this.slots.set([hash, entry, start, length], slot * SLOT);
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    for (let at = 0; at < old.length; at += SLOT) {
      const length = old[at + 3] ?? 0;
      if (length !== 0) this.place(old[at] ?? 0, old[at + 1] ?? NO_ENTRY, old[at + 2] ?? 0, length);
    }
  }
}
