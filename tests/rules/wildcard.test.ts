import { describe, expect, it } from 'vitest';
import { PatternTable } from '../../src/rules/wildcard.js';

/** The reference semantics: the pattern as an anchored regular expression over code points. */
function reference(pattern: string, token: string): boolean {
  const src = Array.from(pattern)
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${src}$`, 'su').test(token);
}

function matches(pattern: string, token: string): boolean {
  const table = new PatternTable();
  const id = table.add(pattern);
  return table.test(id, token);
}

describe('wildcard patterns', () => {
  it.each([
    ['sanction*', 'sanctions', true],
    ['sanction*', 'sanction', true],
    ['sanction*', 'sanctio', false],
    ['*enka', 'lukashenka', true],
    ['pu?in', 'putin', true],
    ['pu?in', 'puin', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'acb', false],
    ['a*ab', 'ab', false],
    ['a*a', 'a', false],
    ['*', '', true],
    ['?', '😀', true],
    ['??', '😀', false],
    ['*?😀*b', 'x😀😀b', true],
    ['*aab*', 'aaab', true],
    ['a*?a?*a', 'aaaa', false],
    ['a*?a?*a', 'aaaaa', true],
  ])('%s against %s is %s', (pattern, token, expected) => {
    expect(matches(pattern, token)).toBe(expected);
    expect(reference(pattern, token)).toBe(expected);
  });

  it('agrees with the anchored regular expression on 5,000 random patterns and tokens', () => {
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pick = (alphabet: readonly string[], length: number): string => Array.from({ length }, () => alphabet[next(alphabet.length)]).join('');
    for (let i = 0; i < 5_000; i++) {
      const pattern = pick(['a', 'b', '*', '?', '😀'], 1 + next(7));
      const token = pick(['a', 'b', '😀'], next(9));
      expect([pattern, token, matches(pattern, token)]).toEqual([pattern, token, reference(pattern, token)]);
    }
  });

  it('tests 160,000-character tokens against patterns with two and three inner literals in linear time', () => {
    const table = new PatternTable();
    const ids = ['a*b*c*d', '*b*c*d*', 'a?*b*c?d'].map((p) => table.add(p));
    // shapes that make a backtracking `^a.*b.*c.*d$` quadratic (every b) or cubic (every b, then every c)
    const tokens = [`a${'b'.repeat(160_000)}x`, `a${'bc'.repeat(80_000)}`, `a${'bbbccc'.repeat(26_667)}`];
    const started = performance.now();
    for (const token of tokens) for (const id of ids) expect(table.test(id, token)).toBe(false);
    const found: number[] = [];
    table.forEachMatch(`${tokens[1]}d`, (id) => found.push(id));
    const elapsed = performance.now() - started;
    expect(found).toEqual([ids[0], ids[1]]);
    // the regular expression took 0.3 s at 10,000 characters for the first shape and grows with the square
    expect(elapsed).toBeLessThan(500);
  });
});
