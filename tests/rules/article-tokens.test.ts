import { describe, expect, it } from 'vitest';
import { ArticleTokens } from '../../src/rules/article-tokens.js';

describe('article token state', () => {
  it('forgets everything from before an epoch wrap-around, candidates included', () => {
    // epochs run 1, 2, 3 and restart at 1: what article 1 wrote must not read as article 4's
    const tokens = new ArticleTokens(1, 2, 4);
    tokens.begin(2, 4);
    expect(tokens.select(0)).toBe(true);
    expect(tokens.select(0)).toBe(false);
    expect(tokens.add(0, 1, 7)).toBe(true);
    expect(tokens.add(0, 2, 9)).toBe(false);
    tokens.link(0, 0);
    expect(tokens.fieldsOf(0)).toBe(0b110);
    expect(tokens.positionsOf(0)).toEqual([7, 9]);
    expect(tokens.patternFields(0)).toBe(0b110);

    tokens.begin(2, 4);
    expect(tokens.fieldsOf(0)).toBe(0);
    tokens.begin(2, 4);
    tokens.begin(2, 4); // wraps to epoch 1 again
    expect(tokens.fieldsOf(0)).toBe(0);
    expect(tokens.positionsOf(0)).toBeUndefined();
    expect(tokens.patternFields(0)).toBe(0);
    expect(tokens.select(0)).toBe(true);
    expect(tokens.select(1)).toBe(true);
    expect(tokens.add(0, 0, 3)).toBe(true);
    expect(tokens.positionsOf(0)).toEqual([3]);
  });
});
