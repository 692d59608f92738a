import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listPending } from '../../src/store/pending.js';
import { clusterMembers } from '../../src/dedupe/cluster-store.js';
import { runCliAsync } from '../helpers/cli.js';
import { rssFeed, startFixtureServer, type FeedItem, type FixtureServer } from '../helpers/fixture-server.js';
import { writePipelineConfig } from '../helpers/pipeline-config.js';
import { openTestRedis, type TestRedis } from '../helpers/redis.js';
import type { TempConfig } from '../helpers/config-dir.js';

const MEETING: FeedItem = {
  title: 'Lukashenka and Putin Meet in Sochi Amid Union State Talks',
  link: 'https://jamestown.org/program/lukashenka-and-putin-meet-in-sochi/?utm_source=rss',
  description:
    'Alyaksandr Lukashenka flew to Sochi on Friday for talks with Vladimir Putin, their fourth meeting this year, as Minsk and Moscow argue over gas prices, loans and the roadmaps of the Union State integration programme.',
  pubDate: 'Fri, 27 Nov 2026 06:00:00 +0000',
};
const SANCTIONS: FeedItem = {
  title: 'EU Prepares New Sanctions Against Belarusian Potash',
  link: 'https://jamestown.org/program/eu-prepares-new-sanctions/',
  description: 'The European Union is preparing a new package of sanctions against Belarus targeting potash exports and state banks, diplomats in Brussels said.',
  pubDate: 'Thu, 26 Nov 2026 10:00:00 +0000',
};
const CULTURE: FeedItem = {
  title: 'A Festival of Belarusian Film Opens in Vilnius',
  link: 'https://jamestown.org/program/film-festival/',
  description: 'Exiled directors show their work at a festival in Lithuania.',
  pubDate: 'Wed, 25 Nov 2026 10:00:00 +0000',
};

interface PollJson {
  sources: number;
  fetched: number;
  notModified: number;
  new: number;
  duplicates: number;
  clustered: number;
  matched: number;
  errors: { source: string; class: string }[];
}

let server: FixtureServer;
let redis: TestRedis;
let config: TempConfig;

async function poll(): Promise<PollJson> {
  const r = await runCliAsync(['poll', '--once', '--json', '--config', config.dir]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as PollJson;
}

beforeEach(async () => {
  server = await startFixtureServer();
  redis = await openTestRedis();
  server.routes.set('/edm/feed/', { body: rssFeed('Eurasia Daily Monitor', 'https://jamestown.org/programs/edm/', [MEETING, SANCTIONS, CULTURE]) });
  server.routes.set('/broken/feed/', { status: 500, body: 'boom' });
  config = writePipelineConfig({
    prefix: redis.prefix,
    sources: [
      { id: 'edm', url: server.url('/edm/feed/') },
      { id: 'forstrategy', url: server.url('/fs/feed/') },
      { id: 'broken', url: server.url('/broken/feed/') },
    ],
  });
  server.routes.set('/fs/feed/', { body: rssFeed('forstrategy', 'https://forstrategy.org/en', []) });
});

afterEach(async () => {
  await server.close();
  await redis.cleanup();
  config.cleanup();
});

describe('belwatch poll --once', () => {
  it('archives, matches and hands off new articles; a second poll adds nothing', async () => {
    const first = await poll();
    expect(first).toMatchObject({ sources: 3, fetched: 2, new: 3, duplicates: 0, clustered: 0, matched: 2 });
    expect(first.errors).toEqual([{ source: 'broken', class: 'http-status', message: expect.any(String) as string }]);

    const archived = await redis.redis.zcard(redis.keys.archiveByTime());
    expect(archived).toBe(3);
    const daily = await listPending(redis.redis, redis.keys, 'daily');
    expect(daily.map((e) => e.ruleId).sort()).toEqual(['lukashenka-putin', 'sanctions']);
    const desk = await listPending(redis.redis, redis.keys, 'sanctions-desk');
    expect(desk.map((e) => e.ruleId)).toEqual(['sanctions']);

    const health = await runCliAsync(['sources', 'health', '--json', '--config', config.dir]);
    const rows = health.stdout.trim().split('\n').map((l) => JSON.parse(l) as { sourceId: string; consecutiveFailures: number; lastErrorClass: string | null; itemsSeen: number; healthy: boolean });
    expect(rows.find((r) => r.sourceId === 'broken')).toMatchObject({ consecutiveFailures: 1, lastErrorClass: 'http-status', healthy: true });
    expect(rows.find((r) => r.sourceId === 'edm')).toMatchObject({ consecutiveFailures: 0, itemsSeen: 3, healthy: true });
    expect(rows.find((r) => r.sourceId === 'forstrategy')).toMatchObject({ healthy: false });
    const table = await runCliAsync(['sources', '--config', config.dir]);
    expect(table.stdout).toMatch(/^forstrategy\s+UNHEALTHY: answers 200 with no items/m);

    const second = await poll();
    expect(second).toMatchObject({ new: 0, duplicates: 3, clustered: 0, matched: 0 });
    expect(await redis.redis.zcard(redis.keys.archiveByTime())).toBe(3);
    expect(await listPending(redis.redis, redis.keys, 'daily')).toHaveLength(2);
  });

  it('keeps a token in a failing source URL path and query out of the health record and poll --json', async () => {
    const token = 'Tok3nInPath0042xyz';
    server.routes.set(`/private/${token}/feed/`, { status: 404, body: `no feed at /private/${token}/feed/` });
    config.cleanup();
    config = writePipelineConfig({ prefix: redis.prefix, sources: [{ id: 'private', url: server.url(`/private/${token}/feed/?key=QueryS3cret77`) }] });
    const r = await runCliAsync(['poll', '--once', '--json', '--config', config.dir]);
    expect(r.code).toBe(3); // every source failed
    const report = JSON.parse(r.stdout) as { errors: { source: string; message: string }[] };
    expect(report.errors[0]!.message).toMatch(/^HTTP 404 from http:\/\/127\.0\.0\.1:\d+\/\*\*\*$/);
    const health = (await redis.redis.get(redis.keys.health('private'))) ?? '';
    expect(health).toContain('HTTP 404');
    for (const text of [r.stdout, r.stderr, health]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain('QueryS3cret77');
    }
  });

  it('does not re-alert on a changed guid, an edited title, re-ordering or re-publication', async () => {
    await poll();
    const edited: FeedItem = { ...MEETING, guid: 'https://jamestown.org/?p=99999', title: `${MEETING.title} (updated)` };
    const republished: FeedItem = { ...SANCTIONS, pubDate: 'Fri, 27 Nov 2026 09:00:00 +0000' };
    server.routes.set('/edm/feed/', { body: rssFeed('Eurasia Daily Monitor', 'https://jamestown.org/programs/edm/', [CULTURE, republished, edited]) });
    const again = await poll();
    expect(again).toMatchObject({ new: 0, clustered: 0, matched: 0, duplicates: 3 });
    expect(await listPending(redis.redis, redis.keys, 'daily')).toHaveLength(2);
  });

  it('joins a cross-outlet republication to the story cluster without alerting again', async () => {
    await poll();
    server.routes.set('/fs/feed/', {
      body: rssFeed('forstrategy', 'https://forstrategy.org/en', [
        {
          ...MEETING,
          title: 'Lukashenka and Putin Meet in Sochi Amid Union State Talks',
          link: 'https://forstrategy.org/en/republished/lukashenka-putin-sochi',
          description: `${MEETING.description} This article was first published by the Jamestown Foundation.`,
          pubDate: 'Fri, 27 Nov 2026 11:00:00 +0000',
        },
      ]),
    });
    const again = await poll();
    expect(again).toMatchObject({ new: 0, clustered: 1, matched: 0 });
    const pending = await listPending(redis.redis, redis.keys, 'daily');
    expect(pending).toHaveLength(2);
    const meeting = pending.find((p) => p.ruleId === 'lukashenka-putin')!;
    const members = await clusterMembers(redis.redis, redis.keys, meeting.articleId);
    expect(members).toHaveLength(2);
  });

  it('exits 3 when every source failed, and 0 when one of them answered', async () => {
    server.routes.set('/edm/feed/', { status: 503, body: 'down' });
    server.routes.set('/fs/feed/', { status: 404, body: 'gone' });
    const failed = await runCliAsync(['poll', '--once', '--config', config.dir]);
    expect(failed.stderr).toBe('');
    expect(failed.code).toBe(3);
    expect(failed.stdout).toMatch(/^3 sources: 0 fetched, 0 not modified, 3 failed;/m);
    const json = await runCliAsync(['poll', '--once', '--json', '--config', config.dir]);
    expect(json.code).toBe(3);
    expect((JSON.parse(json.stdout) as PollJson).errors).toHaveLength(3);
    server.routes.set('/fs/feed/', { body: rssFeed('forstrategy', 'https://forstrategy.org/en', []) });
    expect((await runCliAsync(['poll', '--once', '--config', config.dir])).code).toBe(0);
  });

  it('lets analysts search the archive and backtest a rule', async () => {
    await poll();
    const search = await runCliAsync(['search', '--config', config.dir, '--json', 'Sochi OR potash']);
    expect(search.code).toBe(0);
    const hits = search.stdout.trim().split('\n').map((l) => JSON.parse(l) as { article: { title: string } });
    expect(hits.map((h) => h.article.title).sort()).toEqual([SANCTIONS.title, MEETING.title].sort());
    // Human output: the zone named (the subscriptions' Europe/Minsk), newest first, no rule tag.
    const human = await runCliAsync(['search', '--config', config.dir, 'Sochi OR potash OR festival']);
    expect(human.stdout.split('\n')).toEqual([
      'dates in Europe/Minsk',
      `27 Nov 2026, 09:00  edm                 ${MEETING.title}  <https://jamestown.org/program/lukashenka-and-putin-meet-in-sochi/>`,
      `26 Nov 2026, 13:00  edm                 ${SANCTIONS.title}  <${SANCTIONS.link}>`,
      `25 Nov 2026, 13:00  edm                 ${CULTURE.title}  <${CULTURE.link}>`,
      '3 matched of 3 archived articles',
      '',
    ]);
    const utc = await runCliAsync(['search', '--config', config.dir, '--tz', 'UTC', 'Sochi']);
    expect(utc.stdout).toMatch(/^dates in UTC\n27 Nov 2026, 06:00 {2}edm /);
    expect((await runCliAsync(['search', '--config', config.dir, '--tz', 'Mars/Olympus', 'Sochi'])).code).toBe(2);

    const backtest = await runCliAsync(['rules', 'test', 'sanctions', '--config', config.dir]);
    expect(backtest.code).toBe(0);
    expect(backtest.stdout).toContain(SANCTIONS.title);
    expect(backtest.stdout).toMatch(/1 matched of 3 archived articles\n$/);

    const edited = await runCliAsync(['rules', 'test', 'sanctions', '--config', config.dir, '--query', 'festival OR film']);
    expect(edited.stdout).toContain(CULTURE.title);
    const broken = await runCliAsync(['search', '--config', config.dir, 'sanction* AND (']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^belwatch: query, column \d+: .+\n$/);
  });
});
