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
 */

interface TrieNode {
  readonly children: Map<number, TrieNode>;
  readonly patterns: number[];
}

export interface WildcardPattern {
  readonly text: string;
  /** True when the pattern is its trie key and one `*` (`sanction*`, `*enka`): a trie hit needs no test. */
  readonly plain: boolean;
  readonly regex: RegExp;
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

function toRegex(pattern: string): RegExp {
  let src = '';
  for (const ch of pattern) {
    if (ch === '*') src += '.*';
    else if (ch === '?') src += '.';
    else src += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${src}$`, 'su');
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
    this.patterns.push({ text: pattern, plain, regex: toRegex(pattern) });
    this.ids.set(pattern, id);
    if (byPrefix) insert(this.prefixes, prefix, false, id);
    else if (suffix.length > 0) insert(this.suffixes, suffix, true, id);
    else this.unanchored.push(id);
    return id;
  }

  test(id: number, token: string): boolean {
    const p = this.patterns[id];
    return p !== undefined && p.regex.test(token);
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
