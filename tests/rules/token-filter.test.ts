import { describe, expect, it } from 'vitest';
import { hashToken, TokenFilter } from '../../src/rules/token-filter.js';
import { PatternTable } from '../../src/rules/wildcard.js';

function filterOf(terms: string[], patterns: string[]): TokenFilter {
  const table = new PatternTable();
  for (const p of patterns) table.add(p);
  return new TokenFilter(terms, table);
}

const admits = (filter: TokenFilter, token: string): boolean => filter.admits(token, hashToken(token));

describe('token filter', () => {
  it.each([
    ['an exact term', ['putin'], [], 'putin'],
    ['a prefix pattern', [], ['sanction*'], 'sanctions'],
    ['a prefix pattern, on a prefix longer than the filter keeps', [], ['lukashenk*'], 'lukashenkas'],
    ['a suffix pattern', [], ['*enka'], 'lukashenka'],
    ['a pattern with both ends', [], ['pu?in'], 'putin'],
    ['a pattern whose ends meet', [], ['ab*ba'], 'abba'],
    ['any token, given a pattern without literal ends', [], ['*shen*'], 'anything'],
    ['a one-character wildcard on a token with an astral character', [], ['a?b'], 'a\u{1d400}b'],
  ])('admits %s', (_name, terms, patterns, token) => {
    expect(admits(filterOf(terms, patterns), token)).toBe(true);
  });

  it('never refuses a token that is a term or that a pattern matches (generated)', () => {
    let seed = 1;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return (seed >>> 8) % n;
    };
    const word = (min: number): string => Array.from({ length: min + rnd(6) }, () => 'abкм'[rnd(4)]).join('');
    const terms = Array.from({ length: 100 }, () => word(1));
    const patterns = Array.from({ length: 100 }, () => {
      const w = word(3);
      const at = rnd(w.length + 1);
      return `${w.slice(0, at)}${rnd(2) === 0 ? '*' : '?'}${w.slice(at + rnd(2))}`;
    });
    const filter = filterOf(terms, patterns);
    const table = new PatternTable();
    for (const p of patterns) table.add(p);
    let mattering = 0;
    let refused = 0;
    for (let i = 0; i < 20_000; i++) {
      const token = word(1);
      let matters = terms.includes(token);
      table.forEachMatch(token, () => (matters = true));
      if (matters) {
        mattering++;
        expect(admits(filter, token), token).toBe(true);
      } else if (!admits(filter, token)) refused++;
    }
    expect(mattering).toBeGreaterThan(1_000);
    expect(refused).toBeGreaterThan(1_000);
  });
});
