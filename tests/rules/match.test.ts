import { describe, expect, it } from 'vitest';
import { compileRules } from '../../src/rules/compile.js';
import { matchArticle, matchArticleNaive, presearch, type MatchableArticle } from '../../src/rules/match.js';

const ALIASES = {
  putin: ['Putin*', 'Путин*', 'Пуцін*', 'Pucin*'],
  lukashenka: ['Lukashenk*', 'Лукашенк*', 'Лукашэнк*', 'Łukašenk*'],
  union: ['Union State', 'Союзное государство'],
};

function article(fields: Partial<MatchableArticle>): MatchableArticle {
  return { title: '', summary: '', content: '', author: null, sourceId: 'src', lang: null, ...fields };
}

function matches(query: string, fields: Partial<MatchableArticle>): boolean {
  const set = compileRules([{ id: 'r', name: 'r', priority: 'normal', query }], ALIASES);
  const fast = matchArticle(set, article(fields));
  expect(matchArticleNaive(set, article(fields))).toEqual(fast);
  return fast.length === 1;
}

describe('matching', () => {
  it.each([
    ['a term matches an equal token', 'putin', { title: 'Putin spoke' }, true],
    ['a term does not match a longer token', 'putin', { title: 'Putinism' }, false],
    ['a term matches across scripts', 'Лукашенко', { title: 'Lukashenko in Sochi' }, true],
    ['the spec: lukashenka matches Лукашэнка', 'lukashenka', { title: 'Лукашэнка ў Сочы' }, true],
    ['the spec: lukasenka matches Łukašenka', 'lukasenka', { title: 'Łukašenka u Sočy' }, true],
    ["the spec: Lukashenka's contains lukashenka", 'lukashenka', { title: "Lukashenka's visit" }, true],
    ['a term that analyses to several tokens is a phrase', 'Belarus-Russia', { title: 'the Belarus Russia talks' }, true],
    ['... and needs them in order', 'Belarus-Russia', { title: 'Russia, Belarus talks' }, false],
    ['* matches a run of characters', 'sanction*', { title: 'new sanctions' }, true],
    ['* matches no character', 'sanction*', { title: 'a sanction' }, true],
    ['* matches a Cyrillic inflection', 'Путин*', { title: 'встреча с Путиным' }, true],
    ['wildcards are anchored to the whole token', 'sanction*', { title: 'desanctioning' }, false],
    ['? matches exactly one character', 'pu?in', { title: 'Pucin' }, true],
    ['? does not match two characters', 'pu?in', { title: 'Putsin' }, false],
    ['? does not match zero characters', 'pu?in', { title: 'Puin' }, false],
    ['a leading wildcard', '*enka', { title: 'Lukashenka' }, true],
    ['a wildcard on both sides', '*shen*', { title: 'Lukashenka' }, true],
    ['a phrase matches consecutive tokens', '"phone call"', { content: 'a phone call with' }, true],
    ['a phrase does not match separated tokens', '"phone call"', { content: 'a phone and a call' }, false],
    ['a phrase with a wildcard inside', '"Union Stat*"', { content: 'the Union States' }, true],
    ['a phrase never spans two fields', '"russia talks"', { title: 'Belarus and Russia', summary: 'Talks began' }, false],
    ['AND across fields', 'belarus AND talks', { title: 'Belarus and Russia', summary: 'Talks began' }, true],
    ['implicit AND', 'belarus talks', { title: 'Belarus', content: 'no' }, false],
    ['OR', 'iran OR belarus', { title: 'Belarus' }, true],
    ['NOT', 'belarus NOT iran', { title: 'Belarus', content: 'Iran' }, false],
    ['a NOT b without b', 'belarus NOT iran', { title: 'Belarus' }, true],
    ['NEAR/0 is adjacent', 'lukashenka NEAR/0 putin', { title: 'Lukashenka Putin' }, true],
    ['NEAR/0 refuses one token between', 'lukashenka NEAR/0 putin', { title: 'Lukashenka and Putin' }, false],
    ['NEAR/n allows n tokens between', 'lukashenka NEAR/2 putin', { title: 'Lukashenka met with Putin' }, true],
    ['NEAR/n refuses n+1 tokens between', 'lukashenka NEAR/2 putin', { title: 'Lukashenka met today with Putin' }, false],
    ['NEAR in either order', 'lukashenka NEAR/1 putin', { title: 'Putin and Lukashenka' }, true],
    ['ONEAR in order', 'lukashenka ONEAR/1 putin', { title: 'Lukashenka and Putin' }, true],
    ['ONEAR not in the other order', 'lukashenka ONEAR/1 putin', { title: 'Putin and Lukashenka' }, false],
    ['NEAR never spans fields', 'lukashenka NEAR/5 putin', { title: 'Lukashenka', summary: 'Putin' }, false],
    ['NEAR distance from the nearer end of a phrase (after)', '"Union State" NEAR/1 treaty', { content: 'Union State a treaty' }, true],
    ['NEAR distance from the nearer end of a phrase (before)', '"Union State" NEAR/1 treaty', { content: 'treaty a Union State' }, true],
    ['NEAR counts from the nearer end, not the far one', '"big Union State" NEAR/0 treaty', { content: 'treaty big Union State' }, true],
    ['NEAR with an OR-group', '(lukashenka OR minsk) NEAR/1 putin', { title: 'Minsk and Putin' }, true],
    ['NEAR with aliases', '@lukashenka NEAR/3 @putin', { title: 'Лукашенко встретился с Путиным' }, true],
    ['an alias matches any spelling', '@putin', { title: 'Пуціну' }, true],
    ['an alias entry of several words is a phrase', '@union', { content: 'the Союзного государства budget' }, false],
    ['an alias entry of several words matches as a phrase', '@union', { content: 'the Союзное государство budget' }, true],
    ['title: restricts to the title', 'title:putin', { summary: 'Putin' }, false],
    ['title: finds the title', 'title:putin', { title: 'Putin' }, true],
    ['summary: restricts to the summary', 'summary:putin', { summary: 'Putin' }, true],
    ['content: restricts to the content', 'content:putin', { title: 'Putin' }, false],
    ['author: searches the author', 'author:svaboda', { author: 'Radio Svaboda' }, true],
    ['unscoped operands do not search the author', 'svaboda', { author: 'Radio Svaboda' }, false],
    ['unscoped operands search the content', 'putin', { content: 'Putin' }, true],
    ['a field prefix on a group', 'title:(iran OR putin)', { title: 'Putin' }, true],
    ['source:ID matches the source id', 'putin source:src', { title: 'Putin' }, true],
    ['source:ID refuses another source', 'putin source:belta', { title: 'Putin' }, false],
    ['lang:CODE matches the language', 'putin lang:ru', { title: 'Путин', lang: 'ru' }, true],
    ['lang:be also accepts be-Latn', 'putin lang:be', { title: 'Putin', lang: 'be-Latn' }, true],
    ['lang:be-latn refuses plain be', 'putin lang:be-latn', { title: 'Pucin', lang: 'be' }, false],
    ['lang:b is not a prefix of be', 'putin lang:b', { title: 'Pucin', lang: 'be' }, false],
    ['a rule anchored only on its source', 'source:src', { title: 'anything' }, true],
    ['lower-case operators are words', 'belarus and russia', { title: 'Belarus and Russia' }, true],
    ['lower-case not is a word that must occur', 'belarus not russia', { title: 'Belarus, Russia' }, false],
  ])('%s: %s', (_name, query, fields, expected) => {
    expect(matches(query, fields)).toBe(expected);
  });

  it('reports highlight spans per field as UTF-16 offsets into the original text, merged', () => {
    const set = compileRules([{ id: 'meet', name: 'm', priority: 'normal', query: '@lukashenka NEAR/3 @putin AND (talks OR "phone call")' }], ALIASES);
    const a = article({ title: '😀 Лукашенко и Путин: talks', content: 'A phone call. Then more talks.' });
    const [m] = matchArticle(set, a);
    expect(m?.ruleId).toBe('meet');
    const slice = (field: 'title' | 'content'): string[] => (m?.highlights[field] ?? []).map((s) => a[field].slice(s.start, s.end));
    expect(slice('title')).toEqual(['Лукашенко', 'Путин', 'talks']);
    expect(slice('content')).toEqual(['phone call', 'talks']);
    expect(m?.highlights.summary).toBeUndefined();
    expect(m?.terms).toEqual(['lukashenk*', 'putin*', 'talks', 'phone call']);
  });

  it('does not highlight what a NOT excluded or a NEAR operand too far away', () => {
    const set = compileRules([{ id: 'r', name: 'r', priority: 'normal', query: '(putin NEAR/1 xi) NOT book' }], {});
    const a = article({ content: 'Putin saw Xi. Much later in the day Putin spoke.' });
    const [m] = matchArticle(set, a);
    expect((m?.highlights.content ?? []).map((s) => a.content.slice(s.start, s.end))).toEqual(['Putin', 'Xi']);
  });

  it('returns matches in rule order and agrees with testing every rule', () => {
    const rules = ['putin', 'sanction*', '"Union State"', 'NOT x y', 'title:belarus', '*enka NEAR/2 putin*'].map((query, i) => ({
      id: `r${i}`,
      name: 'r',
      priority: 'normal' as const,
      query,
    }));
    const set = compileRules(rules, {});
    const a = article({ title: 'Belarus: Lukashenka and Putin', content: 'Union State, sanctions, y' });
    const fast = matchArticle(set, a);
    expect(fast.map((m) => m.ruleId)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    expect(matchArticleNaive(set, a)).toEqual(fast);
  });
});

describe('presearch index', () => {
  it('agrees with testing every rule on generated articles and rules, while verifying few of them', async () => {
    const { buildAliases, buildArticle, buildRules, buildVocabulary, seededRandom } = await import('../../bench/match-corpus.js');
    const rnd = seededRandom(7);
    const vocab = buildVocabulary(rnd, 3_000);
    const set = compileRules(buildRules(seededRandom(8), vocab, 20, 400), buildAliases(rnd, vocab, 20));
    let candidates = 0;
    let matched = 0;
    for (let i = 0; i < 60; i++) {
      const a = buildArticle(rnd, vocab, i, 1_500);
      const fast = matchArticle(set, a);
      expect(fast, a.id).toEqual(matchArticleNaive(set, a));
      matched += fast.length;
      candidates += presearch(set, a).candidates.length;
    }
    expect(matched).toBeGreaterThan(0);
    expect(candidates / 60).toBeLessThan(set.rules.length / 5);
  });

  /** The ids of the rules (id -> query) that presearch leaves as candidates for an article. */
  function candidates(queries: Record<string, string>): (fields: Partial<MatchableArticle>) => string[] {
    const set = compileRules(
      Object.entries(queries).map(([id, query]) => ({ id, name: id, priority: 'normal' as const, query })),
      {},
    );
    return (fields) => presearch(set, article(fields)).candidates.map((r) => set.rules[r]!.id).sort();
  }

  it('drops a candidate whose other required terms are absent before verifying it', () => {
    const ids = candidates({ both: 'lukashenka AND xi', near: 'putin NEAR/3 sanction*', either: 'lukashenka OR xi' });
    expect(ids({ title: 'Lukashenka in Minsk' })).toEqual(['either']);
    expect(ids({ title: 'Lukashenka meets Xi' })).toEqual(['both', 'either']);
    expect(ids({ title: 'Putin on sanctions' })).toEqual(['near']);
    expect(ids({ title: 'Putin in Minsk' })).toEqual([]);
  });

  it('drops a candidate whose required term occurs only outside its fields, or whose source: or lang: the article lacks', () => {
    const ids = candidates({ title: 'title:lukashenka AND xi', lang: 'lukashenka AND lang:be', source: 'lukashenka AND (source:belta OR xi)' });
    expect(ids({ content: 'Lukashenka met Xi' })).toEqual(['source']);
    expect(ids({ title: 'Lukashenka', content: 'met Xi', lang: 'be-Latn' })).toEqual(['lang', 'source', 'title']);
    expect(ids({ content: 'Lukashenka', lang: 'ru', sourceId: 'BelTA' })).toEqual(['source']);
    expect(ids({ content: 'Lukashenka', lang: 'ru', sourceId: 'svaboda' })).toEqual([]);
  });
});
