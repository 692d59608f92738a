import { describe, expect, it } from 'vitest';
import { RuleError } from '../../src/errors.js';
import { compileRules } from '../../src/rules/compile.js';
import { parseQuery } from '../../src/rules/parse.js';
import { formatTree, QuerySyntaxError } from '../../src/rules/syntax.js';

const tree = (q: string): string => formatTree(parseQuery(q)).trim().replace(/\n\s*/g, ' | ');

function compileError(query: string, aliases: Record<string, string[]> = {}): { offset: number; message: string } {
  try {
    compileRules([{ id: 'r', name: 'r', priority: 'normal', query }], aliases);
  } catch (e) {
    if (e instanceof RuleError) return e.problems[0]!;
    throw e;
  }
  throw new Error(`query ${query} compiled`);
}

describe('query parser', () => {
  it.each([
    ['adjacent operands are ANDed', 'a b', 'AND | term a | term b'],
    ['a NOT b is a AND NOT b', 'a NOT b', 'AND | term a | NOT | term b'],
    ['AND binds tighter than OR', 'a OR b AND c', 'OR | term a | AND | term b | term c'],
    ['implicit AND binds tighter than OR', 'a OR b c', 'OR | term a | AND | term b | term c'],
    ['NOT binds tighter than AND', 'NOT a b', 'AND | NOT | term a | term b'],
    ['NEAR binds tighter than NOT', 'NOT a NEAR/2 b', 'NOT | NEAR/2 | term a | term b'],
    ['field prefix binds tighter than NEAR', 'title:a NEAR/0 b', 'NEAR/0 | in title: | term a | term b'],
    ['ONEAR', 'a ONEAR/3 b', 'ONEAR/3 | term a | term b'],
    ['parentheses group', '(a OR b) c', 'AND | OR | term a | term b | term c'],
    ['NEAR takes parenthesised OR-groups, phrases and aliases', '(a OR "b c") NEAR/5 @x', 'NEAR/5 | OR | term a | phrase "b c" | alias @x'],
    ['lower-case operators are words', 'a and b or not c near d', 'AND | term a | term and | term b | term or | term not | term c | term near | term d'],
    ['field prefix on a group and a phrase', 'title:(a OR b) summary:"c d"', 'AND | in title: | OR | term a | term b | in summary: | phrase "c d"'],
    ['source and lang', 'source:belta lang:be-Latn x', 'AND | source = belta | lang = be-latn | term x'],
    ['words stay as written', 'Путин* Belarus-Russia', 'AND | term Путин* | term Belarus-Russia'],
  ])('%s: %s', (_name, query, expected) => {
    expect(tree(query)).toBe(expected);
  });

  it.each([
    ['unbalanced parenthesis: ( never closed', 'a AND (b OR c', 6, /unbalanced parenthesis/],
    ['unbalanced parenthesis: ) without (', 'a OR b) c', 6, /unbalanced parenthesis/],
    ['unbalanced parenthesis: ) first', ') a', 0, /unbalanced parenthesis/],
    ['unbalanced quote', 'a "b c', 2, /unbalanced quote/],
    ['dangling AND at the end', 'a AND', 2, /dangling operator "AND"/],
    ['dangling OR at the start', 'OR a', 0, /dangling operator "OR"/],
    ['two operators in a row', 'a OR AND b', 2, /dangling operator "OR"/],
    ['dangling NOT', 'a NOT', 2, /dangling operator "NOT"/],
    ['dangling NEAR', 'a NEAR/3', 2, /dangling operator "NEAR\/3"/],
    ['dangling operator before )', '(a OR) b', 3, /dangling operator "OR"/],
    ['NEAR without a distance', 'a NEAR b', 2, /NEAR needs a distance/],
    ['NEAR with a bad distance', 'a ONEAR/x b', 2, /ONEAR needs a distance/],
    ['unknown field', 'a titel:b', 2, /unknown field "titel:"/],
    ['field prefix with nothing after it', 'a title:', 2, /dangling operator "title:"/],
    ['source without a value', 'a source: b', 2, /source: needs a value/],
    ['bad NEAR operand: AND group', '(a b) NEAR/3 c', 1, /bad NEAR\/3 operand/],
    ['bad NEAR operand: chained NEAR', 'a NEAR/2 b NEAR/2 c', 0, /bad NEAR\/2 operand.*another NEAR/],
    ['bad NEAR operand: NOT', 'a NEAR/2 NOT b', 9, /bad NEAR\/2 operand/],
    ['bad NEAR operand: source', 'source:x NEAR/2 b', 0, /bad NEAR\/2 operand/],
    ['empty query', '', 0, /empty query/],
    ['empty query: white space', '   \n ', 0, /empty query/],
    ['empty parentheses', 'a ()', 2, /empty parentheses/],
    ['empty phrase', 'a ""', 2, /empty phrase/],
    ['a word with no letters', 'a – b', 2, /no letters or digits/],
    ['1,600 nested parentheses', `${'('.repeat(1600)}a${')'.repeat(1600)}`, 64, /nested too deeply: at most 64 levels/],
    ['20,000 NOTs', `a ${'NOT '.repeat(20_000)}b`, 2 + 64 * 4, /nested too deeply: at most 64 levels/],
    ['20,000 field prefixes in one word', `${'title:'.repeat(20_000)}a`, 64 * 6, /nested too deeply: at most 64 levels/],
    ['65 levels mixing parentheses, NOT and fields', `${'(NOT title:'.repeat(22)}a${')'.repeat(22)}`, 21 * 11 + 1, /nested too deeply/],
  ])('refuses %s: %s', (_name, query, offset, message) => {
    let error: unknown;
    try {
      parseQuery(query);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QuerySyntaxError);
    expect((error as QuerySyntaxError).offset).toBe(offset);
    expect((error as QuerySyntaxError).message).toMatch(message);
  });
});

describe('query nesting bound', () => {
  it('accepts 64 levels and compiles them', () => {
    const query = `${'('.repeat(63)}NOT a${')'.repeat(63)} b`;
    expect(() => compileRules([{ id: 'r', name: 'r', priority: 'normal', query }], {})).not.toThrow();
  });

  it('refuses 65 levels as a rule problem at the opening parenthesis, not a stack overflow', () => {
    const p = compileError(`x ${'('.repeat(65)}a${')'.repeat(65)}`);
    expect(p).toEqual({ ruleId: 'r', offset: 2 + 64, message: 'nested too deeply: at most 64 levels of parentheses, NOT and field prefixes' });
  });
});

describe('rule compiler', () => {
  it.each([
    ['unknown alias', 'a OR @nobody', 5, /unknown alias @nobody/],
    ['only a negation', 'NOT iran', 0, /without any positive term/],
    ['a negation ORed with a term', 'NOT a OR b', 0, /without any positive term/],
    ['a negation ORed inside an AND of negations', 'NOT a AND (b OR NOT c)', 0, /without any positive term/],
    ['a field inside another field', 'title:(content:a)', 7, /inside another field/],
  ])('refuses %s: %s', (_name, query, offset, message) => {
    const p = compileError(query, { known: ['x'] });
    expect(p.offset).toBe(offset);
    expect(p.message).toMatch(message);
  });

  it('accepts a negation beside a required term', () => {
    expect(() => compileRules([{ id: 'r', name: 'r', priority: 'normal', query: 'a AND (b OR NOT c)' }], {})).not.toThrow();
  });

  it('reports every broken rule at once, with its id, as BW_RULE', () => {
    const rules = [
      { id: 'one', name: 'x', priority: 'normal' as const, query: 'a AND' },
      { id: 'ok', name: 'x', priority: 'normal' as const, query: 'a' },
      { id: 'two', name: 'x', priority: 'normal' as const, query: 'NOT b' },
    ];
    let error: unknown;
    try {
      compileRules(rules, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleError);
    expect((error as RuleError).code).toBe('BW_RULE');
    expect((error as RuleError).problems.map((p) => p.ruleId)).toEqual(['one', 'two']);
    expect((error as RuleError).message.split('\n')[0]).toBe('rule one: dangling operator "AND": nothing to its right (at offset 2)');
  });
});
