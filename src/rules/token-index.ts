/**
 * The presearcher's memo of what each distinct analysed token selects in one rule set: the rules
 * anchored on it or on a pattern it matches, and those patterns. Everything lives in typed arrays,
 * so looking a token up and walking its rules follows no object pointers.
 *
 * Records: one per distinct token looked up, in one integer buffer, laid out as
 *   `[entry, keyLength, ...key code units, ruleCount, (rule, code, fields) * ruleCount,
 *     patternCount, ...patterns]`,
 * so the key compared on lookup and the lists walked after it share cache lines. Each rule comes
 * with its first required set when that set has a single member (a code and fields, see
 * `encodeRequired`; fields 0 when it has several): the presearcher tests that one from the record
 * it has already read, and reads the rule's full required sets only if it passes.
 *
 * Entry ids: a token that is an exact term of some rule gets the term's id (`set.terms`), so the
 * matcher keeps per-article state for terms and tokens in the same arrays and a rule's token test
 * needs no lookup; a token only patterns match gets an id past the terms; any other token gets
 * `NO_ENTRY` (its record has no rules and no patterns), memoised like the others.
 *
 * Lookup: open addressing with linear probing over `hashToken` values (computed once per token by
 * the caller), the table at most half full, a slot being the hash and the record's offset plus
 * one (0: empty). The rule set's exact terms get their records when the index is built; any other
 * token's record is computed on first sight (trie walk of the patterns, index lookups). Records are
 * kept for the life of the rule set; `full` says when the memo has grown past `MEMO_LIMIT`
 * distinct tokens and the caller should start a fresh index.
 */
import type { CompiledRuleSet } from './types.js';
import { hashToken } from './token-filter.js';

export const NO_ENTRY = -1;
const MEMO_LIMIT = 200_000;
const INITIAL_BITS = 12;

export class TokenIndex {
  /** One past the highest entry id handed out (ids below `set.terms.size` are the terms'). */
  entryCount: number;
  /** The records; replaced when it grows, so read it after `lookup`. */
  records = new Int32Array(1 << 14);
  private recordsLength = 0;
  private slots: Int32Array;
  private mask: number;
  private size = 0;

  constructor(private readonly set: CompiledRuleSet) {
    this.entryCount = set.terms.size;
    this.slots = new Int32Array(2 << INITIAL_BITS);
    this.mask = (1 << INITIAL_BITS) - 1;
    for (const term of set.terms.keys()) this.lookup(term, hashToken(term));
  }

  get full(): boolean {
    return this.size >= MEMO_LIMIT;
  }

  /** The offset in `records` of `token`'s record (`hash` being its `hashToken`). */
  lookup(token: string, hash: number): number {
    const { slots, mask } = this;
    const n = token.length;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = (slots[2 * slot + 1] ?? 0) - 1;
      if (at < 0) break;
      if (slots[2 * slot] !== hash) continue;
      const { records } = this;
      if (records[at + 1] !== n) continue;
      let i = 0;
      while (i < n && records[at + 2 + i] === token.charCodeAt(i)) i++;
      if (i === n) return at;
    }
    const at = this.createRecord(token);
    this.insert(hash, at);
    return at;
  }

  private createRecord(token: string): number {
    const { set } = this;
    const patterns: number[] = [];
    set.patterns.forEachMatch(token, (id) => patterns.push(id));
    const rules = [...(set.byKey.get(token) ?? [])];
    for (const id of patterns) rules.push(...(set.byPattern.get(id) ?? []));
    let entry = set.terms.get(token);
    if (entry === undefined) entry = patterns.length === 0 && rules.length === 0 ? NO_ENTRY : this.entryCount++;
    const record = [entry, token.length];
    for (let i = 0; i < token.length; i++) record.push(token.charCodeAt(i));
    record.push(rules.length);
    for (const r of rules) {
      const at = set.requiredStart[r] ?? 0;
      const single = (set.required[at] ?? 0) > 0 && set.required[at + 1] === 1;
      record.push(r, single ? (set.required[at + 2] ?? 0) : 0, single ? (set.required[at + 3] ?? 0) : 0);
    }
    record.push(patterns.length, ...patterns);
    const at = this.recordsLength;
    if (at + record.length > this.records.length) {
      const next = new Int32Array(Math.max(this.records.length * 2, at + record.length));
      next.set(this.records);
      this.records = next;
    }
    this.records.set(record, at);
    this.recordsLength += record.length;
    return at;
  }

  private insert(hash: number, at: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    this.place(hash, at);
    this.size++;
  }

  private place(hash: number, at: number): void {
    let slot = hash & this.mask;
    while ((this.slots[2 * slot + 1] ?? 0) !== 0) slot = (slot + 1) & this.mask;
    this.slots[2 * slot] = hash;
    this.slots[2 * slot + 1] = at + 1;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    for (let i = 0; i < old.length; i += 2) {
      const at = (old[i + 1] ?? 0) - 1;
      if (at >= 0) this.place(old[i] ?? 0, at);
    }
  }
}
