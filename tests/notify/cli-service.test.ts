/**
 * The notifier as users meet it: `belwatch digest` / `belwatch deliveries` against real Redis, and
 * `belwatch run` (every role) turning polled feed items into a scheduled digest in the outbox.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import type { TempConfig } from '../helpers/config-dir.js';
import { rssFeed, startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { writePipelineConfig } from '../helpers/pipeline-config.js';
import { spawnBelwatch, waitFor, type Child } from '../helpers/processes.js';
import { openTestRedis, type TestRedis } from '../helpers/redis.js';
import { article, seedMatch, writeNotifyConfig } from './setup.js';

let t: TestRedis;
let cfg: TempConfig | undefined;
const children: Child[] = [];
beforeEach(async () => {
  t = await openTestRedis();
});
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.stop('SIGKILL')));
  await t.cleanup();
  cfg?.cleanup();
});

describe('belwatch digest and deliveries', () => {
  it('previews without moving anything, then sends and lists the delivery', async () => {
    cfg = writeNotifyConfig(t.prefix, `subscriptions:\n  - id: daily\n    name: Daily watch\n    rules: ["*"]\n    channels: [{ type: file, dir: outbox }]\n`);
    const now = Date.now();
    await seedMatch(t.redis, t.keys, ['daily'], 'sanctions', article('p1', 'EU <b>sanctions</b> extended'), now - 60_000);
    await seedMatch(t.redis, t.keys, ['daily'], 'summit', article('p2', 'Summit in Minsk'), now - 30_000);
    await t.redis.set(`${t.keys.base}:sub-created:daily`, String(now - 3_600_000));
    const preview = path.join(cfg.dir, 'preview.html');

    const dry = runCli(['digest', '--config', cfg.dir, '--subscription', 'daily', '--now', '--dry-run', '--html', preview]);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('belwatch: 2 new on Summits, Sanctions');
    expect(dry.stdout).toContain('EU <b>sanctions</b> extended');
    expect(readFileSync(preview, 'utf8')).toContain('EU &lt;b&gt;sanctions&lt;/b&gt; extended');
    expect(await t.redis.zcard(t.keys.pending('daily'))).toBe(2);
    expect(existsSync(path.join(cfg.dir, 'outbox'))).toBe(false);

    const sent = runCli(['digest', '--config', cfg.dir, '--subscription', 'daily', '--now']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toMatch(/daily-.*: 2 items\n {2}channel 1 file: sent -> /);
    expect(await t.redis.zcard(t.keys.pending('daily'))).toBe(0);
    expect(readdirSync(path.join(cfg.dir, 'outbox', 'daily')).filter((f) => f.endsWith('.eml'))).toHaveLength(1);

    const list = runCli(['deliveries', '--config', cfg.dir, '--json']);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as { subscription: string; items: number; open: boolean; deliveries: { status: string; type: string }[] }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ subscription: 'daily', items: 2, open: false, deliveries: [{ type: 'file', status: 'sent' }] });
    const text = runCli(['deliveries', '--config', cfg.dir, '--subscription', 'daily']);
    expect(text.stdout).toMatch(/ 1 file +sent +1 attempt/);
    expect(runCli(['deliveries', '--config', cfg.dir, '--subscription', 'nope']).code).toBe(2);
  });
});

/** Every key under the test's prefix with its type, value (DUMP) and whether it expires. */
async function snapshotKeys(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let cursor = '0';
  for (let i = 0; i < 1_000; i++) {
    const [next, batch] = await t.redis.scan(cursor, 'MATCH', `${t.keys.base}*`, 'COUNT', 500);
    for (const key of batch) {
      const [dump, ttl] = await Promise.all([t.redis.dumpBuffer(key), t.redis.pttl(key)]);
      out[key] = `${dump?.toString('base64') ?? 'gone'} ttl:${ttl > 0 ? 'set' : ttl}`;
    }
    cursor = next;
    if (cursor === '0') break;
  }
  return out;
}

describe('belwatch digest --dry-run', () => {
  it('changes no key under the prefix, writes no file unless --html, and shows the window the items fall in', async () => {
    cfg = writeNotifyConfig(t.prefix, `subscriptions:\n  - id: daily\n    name: Daily watch\n    rules: ["*"]\n    schedule: { cron: "0 8 * * *", timezone: UTC }\n    channels: [{ type: file, dir: outbox }]\n`);
    const now = Date.now();
    // Never scheduled, never sent: no creation time, no window end (a real run would record both).
    await seedMatch(t.redis, t.keys, ['daily'], 'sanctions', article('p1', 'EU sanctions extended'), now - 2 * 3_600_000);
    await seedMatch(t.redis, t.keys, ['daily'], 'summit', article('p2', 'Summit in Minsk'), now - 3_600_000);
    const before = await snapshotKeys();
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'belwatch-cwd-'));
    try {
      const dry = runCli(['digest', '--config', cfg.dir, '--subscription', 'daily', '--now', '--dry-run'], { cwd });
      expect(dry.stderr).toBe('');
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('Summit in Minsk');
      expect(dry.stdout).toContain('(dry run: nothing moved, recorded or sent)');
      expect(readdirSync(cwd)).toEqual([]);
      const window = /(\d{1,2} \w{3} \d{4}, \d\d:\d\d) – (\d{1,2} \w{3} \d{4}, \d\d:\d\d) \(UTC\)/.exec(dry.stdout);
      const fmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });
      expect(window?.[1]).toBe(fmt.format(new Date(now - 2 * 3_600_000)));
      expect(window?.[2]).not.toBe(window?.[1]);

      const html = path.join(cwd, 'digest.html');
      const withHtml = runCli(['digest', '--config', cfg.dir, '--subscription', 'daily', '--now', '--dry-run', '--html', html], { cwd });
      expect(withHtml.code, withHtml.stderr).toBe(0);
      expect(readdirSync(cwd)).toEqual(['digest.html']);
      expect(readFileSync(html, 'utf8')).toContain('Summit in Minsk');
      expect(await snapshotKeys()).toEqual(before);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('refuses --html without --dry-run', () => {
    cfg = writeNotifyConfig(t.prefix, `subscriptions:\n  - id: daily\n    rules: ["*"]\n    channels: [{ type: file, dir: outbox }]\n`);
    const r = runCli(['digest', '--config', cfg.dir, '--subscription', 'daily', '--now', '--html', 'x.html']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('belwatch: --html goes with --dry-run (a sent digest is in its channels)\n');
  });
});

describe('belwatch digest --now when a channel fails', () => {
  it('says how many items the claimed digest holds and that the notifier retries, and exits 1', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve)); // nothing listens there now: connection refused
    const outbox = mkdtempSync(path.join(os.tmpdir(), 'belwatch-outbox-'));
    cfg = writeNotifyConfig(
      t.prefix,
      `subscriptions:\n  - id: daily\n    name: Daily watch\n    rules: ["*"]\n    channels:\n      - { type: file, dir: ${JSON.stringify(outbox)} }\n      - { type: webhook, url: "http://127.0.0.1:${port}/hook", secret: "whsec-for-this-test-0123456789" }\n`,
    );
    const now = Date.now();
    await seedMatch(t.redis, t.keys, ['daily'], 'sanctions', article('p1', 'EU sanctions extended'), now - 60_000);
    await t.redis.set(`${t.keys.base}:sub-created:daily`, String(now - 3_600_000));
    const sent = runCli(['digest', '--config', cfg.dir, '--subscription', 'daily', '--now']);
    rmSync(outbox, { recursive: true, force: true });
    expect(sent.code).toBe(1);
    expect(sent.stdout).toMatch(/^daily-\S+: 1 item; 1 channel left to the notifier's retries\n/);
    expect(sent.stdout).toMatch(/channel 1 file: sent/);
    expect(sent.stdout).toMatch(/channel 2 webhook: retrying \(.*ECONNREFUSED/);
    expect(sent.stdout).not.toContain('?');
  });
});

describe('belwatch run with the notifier', () => {
  let server: FixtureServer;
  beforeEach(async () => {
    server = await startFixtureServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('polls, matches and delivers the scheduled digest to the file channel once per window', async () => {
    const items = [1, 2, 3].map((i) => ({ title: `New sanctions against Belarus, part ${i}`, link: `https://a.example/${i}`, description: `The EU adopted sanctions on Minsk, round ${i} of ${'x'.repeat(i)}.`, pubDate: new Date().toUTCString() }));
    server.routes.set('/feed', { body: rssFeed('a', 'https://a.example/', items) });
    cfg = writePipelineConfig({
      prefix: t.prefix,
      sources: [{ id: 'alpha', url: server.url('/feed'), interval: '1h' }],
      subscriptions: `subscriptions:\n  - id: fast\n    rules: ["*"]\n    schedule: { cron: "*/4 * * * * *", timezone: Europe/Berlin }\n    channels: [{ type: file, dir: outbox }]\n`,
    });
    rmSync(path.join(cfg.dir, 'outbox'), { recursive: true, force: true });
    children.push(spawnBelwatch(['run', '--config', cfg.dir]));
    const outbox = path.join(cfg.dir, 'outbox', 'fast');
    const digests = (): { total: number }[] =>
      existsSync(outbox) ? readdirSync(outbox).filter((f) => f.endsWith('.json')).map((f) => (JSON.parse(readFileSync(path.join(outbox, f), 'utf8')) as { digest: { total: number } }).digest) : [];
    expect(await waitFor(() => digests().reduce((n, d) => n + d.total, 0) >= 3, 25_000), children[0]!.output().slice(-2000)).toBe(true);
    expect(digests().reduce((n, d) => n + d.total, 0)).toBe(3);
    expect(await children[0]!.stop('SIGTERM')).toBe(0);
  });
});
