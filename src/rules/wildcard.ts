/**
 * Wildcard patterns (`*` any run of characters, also none; `?` exactly one character), anchored
 * to the whole analysed token, and the index that finds every pattern a token matches without
 * testing every pattern.
 *
 * Each distinct pattern is stored once. A pattern with a literal prefix (`sanction*`, `pu?in`)
 * goes into a character trie under that prefix: walking a token down the trie visits only the
 * patterns whose prefix the token starts with. A pattern that starts with a wildcard but ends with
 * literal characters (`*enka`) goes into a second trie of reversed suffixes. Only patterns with no
 * literal prefix or suffix (`*`, `?`, `*shen*`) are tested against every token; there are at most
 * as many of those as such distinct patterns are written, not one per rule.
 */

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  readonly patterns: number[];
}

export interface WildcardPattern {
  readonly text: string;
  /** True when the pattern is a literal prefix followed by one `*`: a trie hit needs no test. */
  readonly plainPrefix: boolean;
  readonly regex: RegExp;
}

function newNode(): TrieNode {
  return { children: new Map(), patterns: [] };
}

function insert(root: TrieNode, key: string, id: number): void {
  let node = root;
  for (let i = 0; i < key.length; i++) {
    const ch = key[i] ?? '';
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
    this.patterns.push({ text: pattern, plainPrefix: pattern === `${prefix}*`, regex: toRegex(pattern) });
    this.ids.set(pattern, id);
    if (prefix.length > 0) insert(this.prefixes, prefix, id);
    else if (suffix.length > 0) insert(this.suffixes, suffix.split('').reverse().join(''), id);
    else this.unanchored.push(id);
    return id;
  }

  test(id: number, token: string): boolean {
    const p = this.patterns[id];
    return p !== undefined && p.regex.test(token);
  }

  /** Calls `found` with the id of every pattern that matches `token`. */
  forEachMatch(token: string, found: (id: number) => void): void {
    let node: TrieNode | undefined = this.prefixes;
    for (let i = 0; i < token.length && node; i++) {
      node = node.children.get(token[i] ?? '');
      if (node) for (const id of node.patterns) if (this.patterns[id]?.plainPrefix === true || this.test(id, token)) found(id);
    }
    node = this.suffixes;
    for (let i = token.length - 1; i >= 0 && node; i--) {
      node = node.children.get(token[i] ?? '');
      if (node) for (const id of node.patterns) if (this.test(id, token)) found(id);
    }
    for (const id of this.unanchored) if (this.test(id, token)) found(id);
  }
}
