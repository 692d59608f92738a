/**
 * A Bloom filter in front of the presearcher's token table: it tells, from a few bits, that an
 * analysed token cannot matter to any rule of a set, so most of an article's tokens (the frequent
 * words no rule tests) skip the table lookup, whose cache misses dominate on large rule sets.
 *
 * A token may matter when it is an exact term of some rule, or when some wildcard pattern could
 * match it. The filter holds each exact term (hashed whole) and, for each pattern, its literal
 * prefix cut to `PREFIX_CAP` code units together with as much of its literal suffix as brings the
 * two to `LITERAL_TARGET` (`sanction*`: "sanct" and nothing; `pu?in`: "pu" and "in"; `*enka`:
 * nothing and "enka"), with the set of (prefix length, suffix length) pairs in use: few pairs, so
 * few tests per token. A token is tested whole, then with its own prefix and suffix of each pair's
 * lengths, when it is long enough to hold both. A pattern with no literal end at all (`*`,
 * `*shen*`) makes the filter admit every token.
 *
 * False positives only cost a lookup (the table answers "no rule"); false negatives cannot happen,
 * since every key a match implies was put in. Each key sets two bits of one 32-bit word (a blocked
 * Bloom filter: one memory access a test). `hashToken` is FNV-1a over
 * UTF-16 code units, the hash the token table uses too, so a token is hashed once.
 */
import type { PatternTable } from './wildcard.js';

/** log2 of the number of 32-bit words. */
const WORD_BITS = 15;
const WORD_MASK = (1 << WORD_BITS) - 1;
/** A pattern's literal prefix is filtered on at most this many code units... */
const PREFIX_CAP = 5;
/** ...and its literal suffix on as many as make the two this long (a suffix alone: this many). */
const LITERAL_TARGET = 4;
const LITERAL_CAP = Math.max(PREFIX_CAP, LITERAL_TARGET);
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Mixed into the key of a pattern, so it does not share bits with whole terms. */
const PATTERN_SEED = 0x5bd1e995;

export function hashToken(token: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), FNV_PRIME);
  return h;
}

/** The key of a prefix hash and a suffix hash (`FNV_OFFSET` standing for an empty end). */
function pairKey(prefix: number, suffix: number): number {
  return Math.imul(prefix ^ PATTERN_SEED, 0x9e3779b1) ^ suffix;
}

/** FNV-1a of the first `n` code units of `s` (forwards), or of its last `n` (backwards). */
function endHash(s: string, n: number, fromEnd: boolean): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(fromEnd ? s.length - 1 - i : i), FNV_PRIME);
  return h;
}

export class TokenFilter {
  private readonly words = new Int32Array(WORD_MASK + 1);
  /** The (prefix length, suffix length) pairs that some pattern is filtered on, flat. */
  private readonly pairs: number[] = [];
  private readonly admitsAll: boolean = false;
  /** Scratch: a token's prefix and suffix hashes by length. */
  private readonly prefixHashes = new Int32Array(LITERAL_CAP + 1);
  private readonly suffixHashes = new Int32Array(LITERAL_CAP + 1);

  constructor(terms: Iterable<string>, patterns: PatternTable) {
    for (const t of terms) this.set(hashToken(t));
    const pairs = new Set<number>();
    for (const { text } of patterns.patterns) {
      const prefix = /^[^*?]*/.exec(text)?.[0] ?? '';
      const suffix = /[^*?]*$/.exec(text)?.[0] ?? '';
      if (prefix.length === 0 && suffix.length === 0) this.admitsAll = true;
      const p = Math.min(prefix.length, PREFIX_CAP);
      const s = Math.min(suffix.length, Math.max(0, LITERAL_TARGET - p));
      pairs.add(p * (LITERAL_CAP + 1) + s);
      this.set(pairKey(endHash(prefix, p, false), endHash(suffix, s, true)));
    }
    for (const pair of pairs) this.pairs.push(Math.floor(pair / (LITERAL_CAP + 1)), pair % (LITERAL_CAP + 1));
  }

  /** Whether `token`, whose `hashToken` is `hash`, may be a rule's term or match one of its patterns. */
  admits(token: string, hash: number): boolean {
    if (this.admitsAll || this.has(hash)) return true;
    const { pairs, prefixHashes, suffixHashes } = this;
    if (pairs.length === 0) return false;
    const n = token.length;
    const cap = Math.min(n, LITERAL_CAP);
    let p = FNV_OFFSET;
    let s = FNV_OFFSET;
    prefixHashes[0] = p;
    suffixHashes[0] = s;
    for (let i = 0; i < cap; i++) {
      p = Math.imul(p ^ token.charCodeAt(i), FNV_PRIME);
      s = Math.imul(s ^ token.charCodeAt(n - 1 - i), FNV_PRIME);
      prefixHashes[i + 1] = p;
      suffixHashes[i + 1] = s;
    }
    for (let k = 0; k < pairs.length; k += 2) {
      const a = pairs[k] ?? 0;
      const b = pairs[k + 1] ?? 0;
      if (a + b <= n && this.has(pairKey(prefixHashes[a] ?? 0, suffixHashes[b] ?? 0))) return true;
    }
    return false;
  }

  private set(h: number): void {
    this.words[h & WORD_MASK] = (this.words[h & WORD_MASK] ?? 0) | bitsOf(h);
  }

  private has(h: number): boolean {
    const bits = bitsOf(h);
    return ((this.words[h & WORD_MASK] ?? 0) & bits) === bits;
  }
}

/** Two bits of a word, chosen by hash bits the word index does not use. */
function bitsOf(h: number): number {
  return (1 << ((h >>> 17) & 31)) | (1 << ((h >>> 22) & 31));
}
