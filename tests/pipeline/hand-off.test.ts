import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitArticle } from '../../src/pipeline/hand-off.js';
import { readArchived } from '../../src/store/archive.js';
import { listPending } from '../../src/store/pending.js';
import type { Article, RuleMatch } from '../../src/types.js';
import { makeArticle } from '../helpers/articles.js';
import { openTestRedis, type TestRedis } from '../helpers/redis.js';

let t: TestRedis;
beforeEach(async () => {
  t = await openTestRedis();
});
afterEach(async () => {
  await t.cleanup();
});

const article = (id: string): Article => makeArticle(id);
const match = (ruleId: string): RuleMatch => ({ ruleId, highlights: { title: [{ start: 0, end: 5 }] }, terms: ['title'] });
const subs = new Map([
  ['sanctions', ['daily', 'desk']],
  ['integration', ['daily']],
]);

describe('commitArticle', () => {
  it('archives, hands each rule to its subscriptions and marks the id done, in one step', async () => {
    const handed = await commitArticle(t.redis, t.keys, { article: article('a1'), firstSeen: 1000, clusterId: 'a1', matches: [match('sanctions'), match('integration')] }, subs, 3600);
    expect(handed).toEqual(['sanctions', 'integration']);
    expect((await listPending(t.redis, t.keys, 'daily')).map((e) => `${e.ruleId}|${e.articleId}`).sort()).toEqual(['integration|a1', 'sanctions|a1']);
    expect(await listPending(t.redis, t.keys, 'desk')).toEqual([{ ruleId: 'sanctions', articleId: 'a1', firstSeen: 1000 }]);
    expect(await t.redis.get(t.keys.seen('a1'))).toBe('done');
    const [archived] = await readArchived(t.redis, t.keys, ['a1']);
    expect(archived?.matches.map((m) => m.ruleId)).toEqual(['sanctions', 'integration']);
  });

  it('hands a story off once per rule: another copy in the cluster does not, the same article retried does', async () => {
    await commitArticle(t.redis, t.keys, { article: article('a1'), firstSeen: 1000, clusterId: 'a1', matches: [match('sanctions')] }, subs, 3600);
    const copy = await commitArticle(t.redis, t.keys, { article: article('a2'), firstSeen: 2000, clusterId: 'a1', matches: [match('sanctions'), match('integration')] }, subs, 3600);
    expect(copy).toEqual(['integration']);
    const retry = await commitArticle(t.redis, t.keys, { article: article('a1'), firstSeen: 1000, clusterId: 'a1', matches: [match('sanctions')] }, subs, 3600);
    expect(retry).toEqual(['sanctions']);
    expect(await listPending(t.redis, t.keys, 'desk')).toHaveLength(1);
    expect((await listPending(t.redis, t.keys, 'daily')).map((e) => `${e.ruleId}|${e.articleId}`).sort()).toEqual(['integration|a2', 'sanctions|a1']);
  });

  it('archives an article that matched nothing', async () => {
    expect(await commitArticle(t.redis, t.keys, { article: article('a3'), firstSeen: 5, clusterId: 'a3', matches: [] }, subs, 3600)).toEqual([]);
    expect(await t.redis.zscore(t.keys.archiveByTime(), 'a3')).toBe('5');
  });
});
