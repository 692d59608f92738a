/**
 * The presearcher's memo of what each distinct analysed token selects in one rule set: an integer
 * entry per token that some rule can care about, holding the rules anchored on it or on a pattern
 * it matches, and those patterns. Everything lives in typed arrays, so looking a token up and
 * walking its rules follows no object pointers but the key string's.
 *
 * Entry ids: a token that is an exact term of some rule gets the term's id (`set.terms`), so the
 * matcher keeps per-article state for terms and tokens in the same arrays and a rule's token test
 * needs no lookup; a token only patterns match gets an id past the terms; any other token gets
 * `NO_ENTRY`, memoised too.
 *
 * Lookup: open addressing with linear probing over `hashToken` values (computed once per token by
 * the caller), the table at most half full. Entries are computed on first sight (trie walk of the
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

  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
}

export class TokenIndex {
  /** Ids below this are the rule set's exact terms; more entries may be added past it. */
  readonly termCount: number;
  /** One past the highest entry id handed out. */
  entryCount: number;
  /** Entry id -> offset in `lists` of `[ruleCount, ...rules, patternCount, ...patterns]` (-1 until seen). */
  listAt: Int32Array;
  readonly lists = new IntList(1 << 12);
  private hashes: Int32Array;
  private keys: (string | undefined)[];
  private values: Int32Array;
  private mask: number;
  private size = 0;

  constructor(private readonly set: CompiledRuleSet) {
    this.termCount = set.terms.size;
    this.entryCount = this.termCount;
    this.listAt = new Int32Array(Math.max(16, this.termCount)).fill(-1);
    const n = 1 << INITIAL_BITS;
    this.hashes = new Int32Array(n);
    this.keys = new Array<string | undefined>(n).fill(undefined);
    this.values = new Int32Array(n);
    this.mask = n - 1;
  }

  get full(): boolean {
    return this.size >= MEMO_LIMIT;
  }

  /** The entry of `token` (whose `hashToken` is `hash`), or `NO_ENTRY`. */
  lookup(token: string, hash: number): number {
    const { hashes, keys, mask } = this;
    let slot = hash & mask;
    for (;;) {
      const key = keys[slot];
      if (key === undefined) break;
      if (hashes[slot] === hash && key === token) return this.values[slot] ?? NO_ENTRY;
      slot = (slot + 1) & mask;
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
    for (const r of rules) this.lists.push(r);
    this.lists.push(patterns.length);
    for (const p of patterns) this.lists.push(p);
    return entry;
  }

  private insert(token: string, hash: number, entry: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    this.place(token, hash, entry);
    this.size++;
  }

  private place(token: string, hash: number, entry: number): void {
    let slot = hash & this.mask;
    while (this.keys[slot] !== undefined) slot = (slot + 1) & this.mask;
    this.hashes[slot] = hash;
    this.keys[slot] = token;
    this.values[slot] = entry;
  }

  private grow(): void {
    const { hashes, keys, values } = this;
    const n = (this.mask + 1) * 2;
    this.hashes = new Int32Array(n);
    this.keys = new Array<string | undefined>(n).fill(undefined);
    this.values = new Int32Array(n);
    this.mask = n - 1;
    keys.forEach((key, i) => {
      if (key !== undefined) this.place(key, hashes[i] ?? 0, values[i] ?? NO_ENTRY);
    });
  }
}
