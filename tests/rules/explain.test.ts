import { describe, expect, it } from 'vitest';
import { compileRules } from '../../src/rules/compile.js';
import { explainRule } from '../../src/rules/explain.js';
import type { MatchableArticle } from '../../src/rules/match.js';

const ALIASES = {
  lukashenka: ['Lukashenk*', 'Лукашенк*', 'Лукашэнк*', 'Łukašenk*'],
  putin: ['Putin', 'PUTIN', 'Путин'],
};

function article(fields: Partial<MatchableArticle>): MatchableArticle {
  return { title: '', summary: '', content: '', author: null, sourceId: 'src', lang: null, ...fields };
}

function evaluation(query: string, text: string): string[] {
  const set = compileRules([{ id: 'r', name: 'r', priority: 'normal', query }], ALIASES);
  const out = explainRule(set, set.rules[0]!, article({ content: text }));
  return out.slice(out.indexOf('evaluation:\n'), out.indexOf('\nresult:')).split('\n').slice(1).filter(Boolean);
}

describe('rules explain', () => {
  it('shows each folded pattern of an alias once', () => {
    expect(evaluation('@lukashenka NEAR/5 @putin', 'Лукашенко и Путин')).toEqual([
      '  [yes] NEAR/5',
      '    [yes] OR',
      '      [yes] lukashenk*  found at content@0-9',
      '      [no ] lukasenk*',
      '    [yes] OR',
      '      [yes] putin  found at content@12-17',
    ]);
  });

  it('keeps distinct patterns and repeated groups that are not plain terms', () => {
    expect(evaluation('(a b) OR (a b) OR c', 'c')).toEqual([
      '  [yes] OR',
      '    [no ] AND',
      '      [no ] a',
      '      [no ] b',
      '    [no ] AND',
      '      [no ] a',
      '      [no ] b',
      '    [yes] c  found at content@0-1',
    ]);
  });
});
