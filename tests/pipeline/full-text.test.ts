// fullText sources fetch each article's page for its text: only for articles not seen before,
// so a feed answering 200 on every poll does not cost a page fetch per item per poll.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli.js';
import type { TempConfig } from '../helpers/config-dir.js';
import { rssFeed, startFixtureServer, type FeedItem, type FixtureServer } from '../helpers/fixture-server.js';
import { writePipelineConfig } from '../helpers/pipeline-config.js';
import { openTestRedis, type TestRedis } from '../helpers/redis.js';

let server: FixtureServer;
let redis: TestRedis;
let config: TempConfig;

const item = (n: number): FeedItem => ({
  title: `EU weighs sanctions on Belarus, part ${n}`,
  link: server.url(`/article/${n}`),
  description: `Teaser ${n}.`,
  pubDate: `Thu, 26 Nov 2026 1${n}:00:00 +0000`,
});
const articleHits = (): number => [...server.hits].filter(([p]) => p.startsWith('/article/')).reduce((sum, [, n]) => sum + n, 0);

beforeEach(async () => {
  server = await startFixtureServer();
  redis = await openTestRedis();
  const page = readFileSync(path.resolve(import.meta.dirname, '../fixtures/pages/article-full.html'), 'utf8');
  for (let n = 1; n <= 4; n++) server.routes.set(`/article/${n}`, { body: page, contentType: 'text/html; charset=utf-8' });
  server.routes.set('/feed', { body: rssFeed('J', server.url('/'), [item(1), item(2), item(3)]) });
  config = writePipelineConfig({ prefix: redis.prefix, sources: [{ id: 'jt', url: server.url('/feed') }] });
  const sources = path.join(config.dir, 'sources.yaml');
  writeFileSync(sources, `${readFileSync(sources, 'utf8')}    fullText: true\n`);
});
afterEach(async () => {
  await server.close();
  await redis.cleanup();
  config.cleanup();
});

const poll = async (): Promise<void> => {
  const r = await runCliAsync(['poll', '--once', '--json', '--config', config.dir]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
};

describe('full text', () => {
  it('fetches article pages only for articles not seen before, over two polls', async () => {
    await poll();
    expect(articleHits()).toBe(3);
    server.routes.set('/feed', { body: rssFeed('J', server.url('/'), [item(4), item(1), item(2), item(3)]) });
    await poll();
    expect(server.hits.get('/feed')).toBe(2);
    expect(articleHits()).toBe(4);
    expect(server.hits.get('/article/4')).toBe(1);
  });
});
