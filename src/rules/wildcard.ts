/**
 * Wildcard patterns (`*` any run of characters, also none; `?` exactly one character), anchored
 * to the whole analysed token, and the index that finds every pattern a token matches without
 * testing every pattern.
 *
 * Each distinct pattern is stored once. A pattern goes into a trie (over UTF-16 code units) under
 * its longer literal end: under its prefix (`sanction*`, `pu?in`; the prefix on a tie) in one
 * trie, under its reversed suffix (`*enka`, `be?arusian`) in another, so walking a token down each
 * trie visits only the patterns whose literal end the token has. A pattern that is just that end
 * and one `*` (`sanction*`, `*enka`) matches every token that reaches it; any other is tested with
 * its regular expression. Only patterns with no literal prefix or suffix (`*`, `?`, `*shen*`) are
 * tested against every token; there are at most as many of those as such distinct patterns are
 * written, not one per rule.
 *
 * Testing a pattern is linear in the token's length: the pattern is split at `*` into segments;
 * the first must match at the start, the last at the end, and each middle one is found at its
 * leftmost place after the one before (a segment's `?` matches one character wherever it lands,
 * so the leftmost place never loses a match a later one would find). A regular expression for
 * `a*b*c*d` backtracks: a 160,000-character token took 10.8 s. Characters are code points, as
 * `?` means one character: a token with surrogate pairs is compared as an array of code points.
 */

interface TrieNode {
  readonly children: Map<number, TrieNode>;
  readonly patterns: number[];
}

export interface WildcardPattern {
  readonly text: string;
  /** True when the pattern is its trie key and one `*` (`sanction*`, `*enka`): a trie hit needs no test. */
  readonly plain: boolean;
  /** The pattern split at `*`, each segment as code points (`?` kept); one segment when there is no `*`. */
  readonly segments: readonly (readonly string[])[];
}

/** Anything indexable by character: a string without surrogates, or an array of code points. */
type Chars = ArrayLike<string>;

const SURROGATE = /[\ud800-\udfff]/;

function segmentAt(seg: readonly string[], chars: Chars, at: number): boolean {
  for (let k = 0; k < seg.length; k++) {
    const p = seg[k];
    if (p !== '?' && p !== chars[at + k]) return false;
  }
  return true;
}

/** True when `token` matches the whole of the pattern whose `*`-separated segments are given. */
export function matchSegments(segments: readonly (readonly string[])[], token: string): boolean {
  const chars: Chars = SURROGATE.test(token) ? Array.from(token) : token;
  const n = chars.length;
  const first = segments[0] ?? [];
  if (segments.length === 1) return n === first.length && segmentAt(first, chars, 0);
  const last = segments[segments.length - 1] ?? [];
  const end = n - last.length;
  if (first.length > end || !segmentAt(first, chars, 0) || !segmentAt(last, chars, end)) return false;
  let at = first.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const seg = segments[i] ?? [];
    if (seg.length === 0) continue;
    while (at + seg.length <= end && !segmentAt(seg, chars, at)) at++;
    if (at + seg.length > end) return false;
    at += seg.length;
  }
  return true;
}

function newNode(): TrieNode {
  return { children: new Map(), patterns: [] };
}

/** Inserts `id` under `key`, read forwards or (`reversed`) backwards. */
function insert(root: TrieNode, key: string, reversed: boolean, id: number): void {
  let node = root;
  for (let i = 0; i < key.length; i++) {
    const ch = key.charCodeAt(reversed ? key.length - 1 - i : i);
    let child = node.children.get(ch);
    if (!child) {
      child = newNode();
      node.children.set(ch, child);
    }
    node = child;
  }
  node.patterns.push(id);
}

export function isWildcard(token: string): boolean {
  return token.includes('*') || token.includes('?');
}

function toSegments(pattern: string): string[][] {
  return pattern.split('*').map((seg) => Array.from(seg));
}

export class PatternTable {
  readonly patterns: WildcardPattern[] = [];
  private readonly ids = new Map<string, number>();
  private readonly prefixes = newNode();
  private readonly suffixes = newNode();
  private readonly unanchored: number[] = [];

  /** The id of `pattern` (an analysed token containing `*` or `?`), adding it if new. */
  add(pattern: string): number {
    const known = this.ids.get(pattern);
    if (known !== undefined) return known;
    const id = this.patterns.length;
    const prefix = /^[^*?]*/.exec(pattern)?.[0] ?? '';
    const suffix = /[^*?]*$/.exec(pattern)?.[0] ?? '';
    const byPrefix = prefix.length > 0 && prefix.length >= suffix.length;
    const plain = byPrefix ? pattern === `${prefix}*` : pattern === `*${suffix}`;
    this.patterns.push({ text: pattern, plain, segments: toSegments(pattern) });
    this.ids.set(pattern, id);
    if (byPrefix) insert(this.prefixes, prefix, false, id);
    else if (suffix.length > 0) insert(this.suffixes, suffix, true, id);
    else this.unanchored.push(id);
    return id;
  }

  test(id: number, token: string): boolean {
    const p = this.patterns[id];
    return p !== undefined && matchSegments(p.segments, token);
  }

  private foundAt(node: TrieNode, token: string, found: (id: number) => void): void {
    for (const id of node.patterns) if (this.patterns[id]?.plain === true || this.test(id, token)) found(id);
  }

  /** Calls `found` with the id of every pattern that matches `token`. */
  forEachMatch(token: string, found: (id: number) => void): void {
    let node: TrieNode | undefined = this.prefixes;
    for (let i = 0; i < token.length && node; i++) {
      node = node.children.get(token.charCodeAt(i));
      if (node) this.foundAt(node, token, found);
    }
    node = this.suffixes;
    for (let i = token.length - 1; i >= 0 && node; i--) {
      node = node.children.get(token.charCodeAt(i));
      if (node) this.foundAt(node, token, found);
    }
    for (const id of this.unanchored) if (this.test(id, token)) found(id);
  }
}
