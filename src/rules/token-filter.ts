/**
 * A Bloom-style filter in front of the presearcher's token table: it tells, from a few bits, that
 * an analysed token cannot matter to any rule of a set, so most of an article's tokens (the
 * frequent words no rule tests) skip the table lookup, whose misses dominate on large rule sets.
 *
 * A token may matter when it is an exact term of some rule, or when some wildcard pattern could
 * match it. The filter holds one bit per exact term (hashed whole), one per pattern's longer
 * literal end (its prefix, or its suffix read backwards, cut to `LITERAL_CAP` characters), and
 * the lengths of those ends, so a token is tested with its own prefixes and suffixes of exactly
 * those lengths. A pattern with no literal end at all (`*`, `*shen*`) disables the filter.
 *
 * False positives only cost a lookup (the table answers "no rule") and false negatives cannot
 * happen: every term and every literal end a match needs was put in. `hashToken` is FNV-1a over
 * UTF-16 code units, the hash the token table uses too, so a token is hashed once.
 */
import type { PatternTable } from './wildcard.js';

const BITS = 19;
const MASK = (1 << BITS) - 1;
/** Literal ends longer than this are filtered on their first (last) `LITERAL_CAP` characters. */
const LITERAL_CAP = 6;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Mixed into the hash of a prefix or suffix, so they do not share bits with whole terms. */
const PREFIX_SEED = 0x5bd1e995;
const SUFFIX_SEED = 0x1b873593;

export function hashToken(token: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), FNV_PRIME);
  return h;
}

function bitOf(h: number): number {
  return (h ^ (h >>> BITS)) & MASK;
}

export class TokenFilter {
  private readonly bits = new Int32Array((MASK + 1) >>> 5);
  /** Bit L set: some pattern is filtered on its literal prefix (suffix) of length L. */
  private readonly prefixLengths: number = 0;
  private readonly suffixLengths: number = 0;
  private readonly admitsAll: boolean = false;

  constructor(terms: Iterable<string>, patterns: PatternTable) {
    for (const t of terms) this.set(hashToken(t));
    for (const { text } of patterns.patterns) {
      const prefix = /^[^*?]*/.exec(text)?.[0] ?? '';
      const suffix = /[^*?]*$/.exec(text)?.[0] ?? '';
      if (prefix.length === 0 && suffix.length === 0) this.admitsAll = true;
      else if (prefix.length >= suffix.length) {
        const length = Math.min(prefix.length, LITERAL_CAP);
        this.prefixLengths |= 1 << length;
        this.set(prefixHash(prefix, length));
      } else {
        const length = Math.min(suffix.length, LITERAL_CAP);
        this.suffixLengths |= 1 << length;
        this.set(suffixHash(suffix, length));
      }
    }
  }

  /** Whether `token`, whose `hashToken` is `hash`, may be a rule's term or match one of its patterns. */
  admits(token: string, hash: number): boolean {
    if (this.admitsAll || this.has(hash)) return true;
    const n = Math.min(token.length, LITERAL_CAP);
    if (this.prefixLengths !== 0) {
      let h = FNV_OFFSET;
      for (let i = 0; i < n; i++) {
        h = Math.imul(h ^ token.charCodeAt(i), FNV_PRIME);
        if ((this.prefixLengths & (1 << (i + 1))) !== 0 && this.has(h ^ PREFIX_SEED)) return true;
      }
    }
    if (this.suffixLengths !== 0) {
      let h = FNV_OFFSET;
      for (let i = 0; i < n; i++) {
        h = Math.imul(h ^ token.charCodeAt(token.length - 1 - i), FNV_PRIME);
        if ((this.suffixLengths & (1 << (i + 1))) !== 0 && this.has(h ^ SUFFIX_SEED)) return true;
      }
    }
    return false;
  }

  private set(h: number): void {
    const b = bitOf(h);
    this.bits[b >>> 5] = (this.bits[b >>> 5] ?? 0) | (1 << (b & 31));
  }

  private has(h: number): boolean {
    const b = bitOf(h);
    return ((this.bits[b >>> 5] ?? 0) & (1 << (b & 31))) !== 0;
  }
}

function prefixHash(literal: string, length: number): number {
  return hashToken(literal.slice(0, length)) ^ PREFIX_SEED;
}

function suffixHash(literal: string, length: number): number {
  return hashToken(literal.slice(literal.length - length).split('').reverse().join('')) ^ SUFFIX_SEED;
}
