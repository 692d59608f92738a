/**
 * The notify job in process against real Redis, the file channel in a temp dir and real HTTP
 * receivers: durable windows, downtime, several instances, empty windows, channel failures,
 * instant batching and instantFor: high.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeOnPending } from '../../src/notify/alert-window.js';
import { recordHealthTransition } from '../../src/notify/admin-events.js';
import { claimWindow } from '../../src/notify/claim-window.js';
import { NotifyKeys } from '../../src/notify/keys.js';
import { DeliveryRetryError, runNotifyJob } from '../../src/notify/notify-job.js';
import { readDeliveries } from '../../src/notify/records.js';
import { enqueueDueDigest, startNotifyScheduler } from '../../src/notify/scheduler.js';
import { loadDigest } from '../../src/notify/stored-digest.js';
import { makeOnHealth } from '../../src/pipeline/notify-worker.js';
import { emptyHealth } from '../../src/pipeline/source-health.js';
import type { Digest } from '../../src/digest/model.js';
import { startReceiver, type Receiver } from '../channels/receiver.js';
import type { TempConfig } from '../helpers/config-dir.js';
import { openTestRedis, type TestRedis } from '../helpers/redis.js';
import { article, openHarness, seedMatch, writeNotifyConfig, type NotifyHarness } from './setup.js';

let t: TestRedis;
let cfg: TempConfig;
let h: NotifyHarness;
let receivers: Receiver[] = [];

beforeEach(async () => {
  t = await openTestRedis();
});
afterEach(async () => {
  await h?.close();
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
  await t.cleanup();
  cfg?.cleanup();
});

const DAY = 86_400_000;
/** 08:00 Minsk = 05:00 UTC */
const at = (iso: string): number => Date.parse(iso);
const outbox = (sub: string): string[] => {
  const dir = path.join(cfg.dir, 'outbox', sub);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
};
const readJson = (sub: string, file: string): Digest => (JSON.parse(readFileSync(path.join(cfg.dir, 'outbox', sub, file), 'utf8')) as { digest: Digest }).digest;

function setup(subscriptions: string, startMs: number): void {
  cfg = writeNotifyConfig(t.prefix, subscriptions);
  h = openHarness(t.redis, t.keys, cfg.dir, t.prefix, startMs);
}

const DAILY = `subscriptions:
  - id: daily
    rules: ["*"]
    channels:
      - { type: file, dir: outbox }
`;

describe('digest windows', () => {
  it('after downtime over three scheduled times sends exactly one digest covering the whole gap', async () => {
    const created = at('2026-11-23T12:00:00Z');
    setup(DAILY, created);
    expect(await enqueueDueDigest({ ...h.env, queue: h.queue }, h.config.subscriptions[0]!)).toBeNull();
    for (let d = 0; d < 4; d++) await seedMatch(t.redis, t.keys, ['daily'], 'sanctions', article(`s${d}`, `sanctions day ${d}`), created + d * DAY + 3_600_000);
    // down from the 23rd until the 26th, 09:30 UTC: the 24th, 25th and 26th at 05:00 UTC were missed
    h.setNow(at('2026-11-26T09:30:00Z'));
    const ids = await Promise.all([1, 2, 3].map(() => enqueueDueDigest({ ...h.env, queue: h.queue }, h.config.subscriptions[0]!)));
    expect(new Set(ids)).toEqual(new Set(['daily-2026-11-26T05-00-00Z']));
    const jobs = await h.queue.getJobs(['waiting', 'prioritized', 'delayed']);
    expect(jobs.map((j) => j.id)).toEqual(['daily-2026-11-26T05-00-00Z']);
    expect(jobs[0]!.opts.priority).toBe(10); // behind alerts, which carry none
    const r = await runNotifyJob(h.env, jobs[0]!.data);
    expect(r).toMatchObject({ status: 'delivered', items: 3 });
    const files = outbox('daily');
    expect(files).toEqual(['daily-2026-11-26T05-00-00Z.json']);
    const digest = readJson('daily', files[0]!);
    expect(digest.window).toEqual({ start: new Date(created).toISOString(), end: '2026-11-26T05:00:00.000Z' });
    expect(digest.groups[0]!.entries.map((e) => e.articleId).sort()).toEqual(['s0', 's1', 's2']);
    // the item first seen after the window end waits for the next one
    expect(await t.redis.zrange(t.keys.pending('daily'), 0, -1)).toEqual(['sanctions|s3']);
    expect(await enqueueDueDigest({ ...h.env, queue: h.queue }, h.config.subscriptions[0]!)).toBeNull();
  });

  it('with three schedulers and three claimers (several instances) makes one digest', async () => {
    const created = at('2026-11-25T12:00:00Z');
    setup(DAILY, created);
    expect(await enqueueDueDigest({ ...h.env, queue: h.queue }, h.config.subscriptions[0]!)).toBeNull();
    await seedMatch(t.redis, t.keys, ['daily'], 'sanctions', article('x1', 'sanctions x'), created + 1000);
    h.setNow(at('2026-11-26T05:00:30Z'));
    const schedulers = [1, 2, 3].map(() => startNotifyScheduler({ ...h.env, queue: h.queue, checkEveryMs: 3_600_000 }));
    await Promise.all(schedulers.map((s) => s.checkNow()));
    await Promise.all(schedulers.map((s) => s.close()));
    const jobs = await h.queue.getJobs(['waiting', 'prioritized', 'delayed']);
    expect(jobs).toHaveLength(1);
    const results = await Promise.all([1, 2, 3].map(() => runNotifyJob(h.env, jobs[0]!.data)));
    expect(results.every((r) => r.digestId === 'daily-2026-11-26T05-00-00Z')).toBe(true);
    expect(outbox('daily')).toEqual(['daily-2026-11-26T05-00-00Z.json']);
    expect(readJson('daily', outbox('daily')[0]!).total).toBe(1);
  });

  it('sends nothing for an empty window unless sendEmpty, and advances the window end either way', async () => {
    const created = at('2026-11-25T12:00:00Z');
    setup(`subscriptions:
  - id: quiet
    rules: ["*"]
    channels: [{ type: file, dir: outbox }]
  - id: chatty
    rules: ["*"]
    sendEmpty: true
    channels: [{ type: file, dir: outbox }]
`, created);
    const endMs = at('2026-11-26T05:00:00Z');
    h.setNow(endMs + 1000);
    expect(await runNotifyJob(h.env, { subscriptionId: 'quiet', stream: 'digest', endMs })).toMatchObject({ status: 'empty' });
    expect(await runNotifyJob(h.env, { subscriptionId: 'chatty', stream: 'digest', endMs })).toMatchObject({ status: 'delivered', items: 0 });
    expect(outbox('quiet')).toEqual([]);
    expect(outbox('chatty')).toHaveLength(1);
    expect(readFileSync(path.join(cfg.dir, 'outbox', 'chatty', 'chatty-2026-11-26T05-00-00Z.html'), 'utf8')).toContain('Nothing new');
    const nk = new NotifyKeys(t.keys);
    expect(await t.redis.get(nk.windowEnd('quiet', 'digest'))).toBe(String(endMs));
    expect(await t.redis.zcard(nk.openDigests())).toBe(0);
  });
});

/** Subscription `daily` over `channels` (YAML list lines) and an admin subscription, one match seeded; returns the window end (now is just past it). */
async function setupDailyWithAdmin(channels: string): Promise<number> {
  const created = at('2026-11-25T12:00:00Z');
  setup(`subscriptions:\n  - id: daily\n    rules: ["*"]\n    channels:\n${channels}  - id: ops\n    rules: [summit]\n    admin: true\n    channels: [{ type: file, dir: outbox }]\n`, created);
  await seedMatch(t.redis, t.keys, ['daily'], 'sanctions', article('a1', 'new sanctions'), created + 1000);
  const endMs = at('2026-11-26T05:00:00Z');
  h.setNow(endMs + 1000);
  return endMs;
}

describe('channel failures', () => {
  it('marks a permanent failure failed, retries a retryable one, delivers the rest and alerts the admins', async () => {
    const gone = await startReceiver();
    const flaky = await startReceiver();
    const good = await startReceiver();
    receivers = [gone, flaky, good];
    gone.script({ status: 410 });
    flaky.script({ status: 503 });
    const endMs = await setupDailyWithAdmin(`      - { type: webhook, url: "${gone.url}/hook", secret: "0123456789abcdef-secret" }
      - { type: webhook, url: "${flaky.url}/hook", secret: "0123456789abcdef-secret" }
      - { type: file, dir: outbox }
      - { type: webhook, url: "${good.url}/hook", secret: "0123456789abcdef-secret" }
`);
    const data = { subscriptionId: 'daily', stream: 'digest' as const, endMs };
    await expect(runNotifyJob(h.env, data)).rejects.toBeInstanceOf(DeliveryRetryError);
    const id = 'daily-2026-11-26T05-00-00Z';
    expect((await readDeliveries(t.redis, t.keys, id)).map((r) => r.status)).toEqual(['failed', 'retrying', 'sent', 'sent']);
    expect(await loadDigest(t.redis, t.keys, id)).not.toBeNull();
    expect(await t.redis.zscore(new NotifyKeys(t.keys).openDigests(), id)).not.toBeNull();
    // the retry sends only to the channel that can still succeed
    expect(await runNotifyJob(h.env, data)).toMatchObject({ status: 'delivered' });
    expect((await readDeliveries(t.redis, t.keys, id)).map((r) => r.status)).toEqual(['failed', 'sent', 'sent', 'sent']);
    expect([gone.received.length, flaky.received.length, good.received.length]).toEqual([1, 2, 1]);
    expect(flaky.received.map((r) => r.headers['webhook-id'])).toEqual([`msg_${id}`, `msg_${id}`]);
    expect(await t.redis.zscore(new NotifyKeys(t.keys).openDigests(), id)).toBeNull();
    // one admin alert about the failing channel, batched into an admin window
    const jobs = await h.queue.getJobs(['delayed', 'waiting', 'prioritized']);
    expect(jobs.map((j) => j.data.stream)).toEqual(['admin']);
    h.setNow(jobs[0]!.data.endMs + 1);
    expect(await runNotifyJob(h.env, jobs[0]!.data)).toMatchObject({ status: 'delivered', items: 1 });
    const [file] = outbox('ops');
    expect(readJson('ops', file!).groups[0]!.entries[0]!.title).toContain('webhook channel 1 of daily is failing');
  });
});

describe('secrets in channel errors', () => {
  it("keeps a receiver's echo of the Slack webhook path (segments, percent-encoded) out of delivery records, admin events and the admin digest", async () => {
    const slack = await startReceiver();
    receivers = [slack];
    const token = 'XoXbEchoedToken93Kq1zz';
    const hookPath = `/services/T0ECHO123/B0ECHO456/${token}`;
    slack.script({ status: 404, body: `no_service for ${encodeURIComponent(hookPath)} (team T0ECHO123, token ${token.slice(0, 12)}${token.slice(12)})` });
    const endMs = await setupDailyWithAdmin(`      - { type: slack, webhookUrl: "${slack.url}${hookPath}" }\n`);
    await runNotifyJob(h.env, { subscriptionId: 'daily', stream: 'digest', endMs });
    const [record] = await readDeliveries(t.redis, t.keys, 'daily-2026-11-26T05-00-00Z');
    expect(record).toMatchObject({ status: 'failed' });
    expect(record!.error).toContain('HTTP 404');
    expect(record!.error).toContain('[redacted]');
    const jobs = await h.queue.getJobs(['delayed', 'waiting', 'prioritized']);
    h.setNow(jobs[0]!.data.endMs + 1);
    await runNotifyJob(h.env, jobs[0]!.data);
    const [file] = outbox('ops');
    const stored: string[] = [JSON.stringify(record)];
    for (const key of await t.redis.keys(`${t.prefix}*`)) if ((await t.redis.type(key)) === 'string') stored.push((await t.redis.get(key)) ?? '');
    stored.push(readFileSync(path.join(cfg.dir, 'outbox', 'ops', file!), 'utf8'));
    const all = stored.join('\n');
    expect(all).toContain('is failing');
    for (const leak of [token, 'T0ECHO123', 'B0ECHO456', encodeURIComponent(hookPath)]) expect(all).not.toContain(leak);
  });

  // with 93 characters before it, the echo would straddle a 160-character cut of the SMTP reply: the
  // part before the cut is no whole base64 form of the secret, so it must be scrubbed before any cut
  it.each([0, 93])("keeps an SMTP server's echo of the AUTH PLAIN credentials (base64) out of the delivery record (%i characters before it)", async (pad) => {
    const password = 'smtp-Echo-Pa55w0rd-41';
    let echoed = '';
    const smtp = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      authMethods: ['PLAIN'],
      logger: false,
      onAuth(auth, _session, cb) {
        echoed = Buffer.from(`\0${auth.username}\0${auth.password ?? ''}`).toString('base64');
        cb(Object.assign(new Error(`${'x'.repeat(pad)}${pad ? ' ' : ''}Authentication failed for ${echoed}`), { responseCode: 535 }));
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    try {
      const port = (smtp.server.address() as AddressInfo).port;
      cfg = writeNotifyConfig(t.prefix, `subscriptions:\n  - id: mail\n    rules: ["*"]\n    channels:\n      - { type: email, to: [desk@example.org] }\n`, `smtp:\n  url: "smtp://belwatch:${password}@127.0.0.1:${port}"\n  pool: false\n`);
      const created = at('2026-11-25T12:00:00Z');
      h = openHarness(t.redis, t.keys, cfg.dir, t.prefix, created);
      await seedMatch(t.redis, t.keys, ['mail'], 'sanctions', article('a1', 'new sanctions'), created + 1000);
      const endMs = at('2026-11-26T05:00:00Z');
      h.setNow(endMs + 1000);
      await runNotifyJob(h.env, { subscriptionId: 'mail', stream: 'digest', endMs });
      const [record] = await readDeliveries(t.redis, t.keys, 'mail-2026-11-26T05-00-00Z');
      expect(echoed).not.toBe('');
      expect(record).toMatchObject({ status: 'failed' });
      expect(record!.error).toMatch(/535 .*Authentication failed for .*\[redacted\]/);
      // bytes 10.. of "\0belwatch\0<password>" are the password: no 8 base64 characters of it may survive
      for (let i = 16; i + 8 <= echoed.length - 4; i++) expect(record!.error).not.toContain(echoed.slice(i, i + 8));
      expect(record!.error).not.toContain(password);
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});

describe('instant alerts', () => {
  const SUBS = `subscriptions:
  - id: desk
    rules: [sanctions]
    mode: instant
    batchWindow: 30s
    channels: [{ type: file, dir: outbox }]
  - id: daily
    rules: ["*"]
    instantFor: high
    channels: [{ type: file, dir: outbox }]
`;

  it('sends a burst of matches as one alert', async () => {
    const start = at('2026-11-26T10:00:00Z');
    setup(SUBS, start);
    const onPending = makeOnPending(h.env.alerts, () => h.config);
    for (let i = 0; i < 12; i++) {
      h.setNow(start + i * 1000);
      const a = article(`b${i}`, `sanctions burst ${i}`);
      await seedMatch(t.redis, t.keys, ['desk', 'daily'], 'sanctions', a, start + i * 1000);
      await onPending(['desk', 'daily'], 'sanctions', a);
    }
    const jobs = await h.queue.getJobs(['delayed', 'waiting', 'prioritized']);
    expect(jobs.map((j) => j.id)).toEqual(['desk-alert-2026-11-26T10-00-30Z']);
    expect(jobs[0]!.opts.priority ?? 0).toBe(0); // alerts go before digests
    expect(jobs[0]!.opts.delay).toBeGreaterThan(15_000);
    h.setNow(jobs[0]!.data.endMs + 5);
    expect(await runNotifyJob(h.env, jobs[0]!.data)).toMatchObject({ status: 'delivered', items: 12 });
    const files = outbox('desk');
    expect(files).toEqual(['desk-alert-2026-11-26T10-00-30Z.json']);
    expect(readJson('desk', files[0]!).kind).toBe('alert');
    // normal-priority matches of the digest subscription wait for its digest
    expect(outbox('daily')).toEqual([]);
  });

  it('instantFor high alerts on high-priority matches at once and still puts them in the digest, once each', async () => {
    const start = at('2026-11-26T10:00:00Z');
    setup(SUBS, start);
    const onPending = makeOnPending(h.env.alerts, () => h.config);
    const high = article('h1', 'summit in Minsk');
    const normal = article('n1', 'sanctions again');
    await seedMatch(t.redis, t.keys, ['daily'], 'summit', high, start);
    await onPending(['daily'], 'summit', high);
    await onPending(['daily'], 'summit', high); // a retried process job
    await seedMatch(t.redis, t.keys, ['daily'], 'sanctions', normal, start + 10);
    await onPending(['daily'], 'sanctions', normal);
    const jobs = await h.queue.getJobs(['delayed', 'waiting', 'prioritized']);
    expect(jobs.map((j) => j.id)).toEqual(['daily-alert-2026-11-26T10-01-00Z']);
    h.setNow(jobs[0]!.data.endMs);
    await runNotifyJob(h.env, jobs[0]!.data);
    await runNotifyJob(h.env, jobs[0]!.data);
    const alert = readJson('daily', 'daily-alert-2026-11-26T10-01-00Z.json');
    expect(alert.groups.flatMap((g) => g.entries.map((e) => e.articleId))).toEqual(['h1']);
    const endMs = at('2026-11-27T05:00:00Z');
    h.setNow(endMs);
    await runNotifyJob(h.env, { subscriptionId: 'daily', stream: 'digest', endMs });
    const digest = readJson('daily', 'daily-2026-11-27T05-00-00Z.json');
    expect(digest.groups.flatMap((g) => g.entries.map((e) => e.articleId)).sort()).toEqual(['h1', 'n1']);
    // a later alert window claims nothing already alerted
    const again = await claimWindow(t.redis, t.keys, { sub: { id: 'daily', mode: 'digest' }, stream: 'alert', endMs: endMs + 1, firstStartMs: start, nowMs: endMs, ttlSeconds: 60 });
    expect(again.members).toEqual([]);
  });
});

describe('source health alerts', () => {
  it('alerts the admin subscription once per incident and once on recovery', async () => {
    setup(`subscriptions:
  - id: ops
    rules: [summit]
    admin: true
    batchWindow: 10s
    channels: [{ type: file, dir: outbox }]
`, at('2026-11-26T10:00:00Z'));
    const onHealth = makeOnHealth({ ...h.env.alerts, log: h.env.log, config: () => h.config });
    const source = h.config.sources[0]!;
    const failing = { ...emptyHealth(source.id), polls: 5, consecutiveFailures: 3, lastErrorClass: 'http-status' };
    for (let i = 0; i < 4; i++) await onHealth(source, { ...failing, consecutiveFailures: 3 + i });
    h.setNow(at('2026-11-26T10:30:00Z'));
    await onHealth(source, { ...emptyHealth(source.id), polls: 9, lastItemCount: 5 });
    await onHealth(source, { ...emptyHealth(source.id), polls: 10, lastItemCount: 5 });
    expect(await recordHealthTransition(t.redis, t.keys, source.id, source.name, { healthy: true, reasons: [] }, h.env.now())).toBeNull();
    const jobs = (await h.queue.getJobs(['delayed', 'waiting', 'prioritized'])).sort((a, b) => a.data.endMs - b.data.endMs);
    expect(jobs).toHaveLength(2);
    for (const job of jobs) {
      h.setNow(job.data.endMs);
      await runNotifyJob(h.env, job.data);
    }
    const titles = outbox('ops').map((f) => readJson('ops', f).groups[0]!.entries.map((e) => e.title));
    expect(titles).toEqual([['BelTA is unhealthy: failed 3 times in a row (http-status)'], ['BelTA recovered']]);
  });
});
