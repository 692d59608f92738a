/**
 * The notify job with real remote ends: an SMTP server (smtp-server, parsed with mailparser) and a
 * local HTTP server playing Slack. A retried job never resends what a channel accepted; a Slack
 * digest split into several messages resumes after the last accepted one.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryRetryError, runNotifyJob } from '../../src/notify/notify-job.js';
import { readDeliveries } from '../../src/notify/records.js';
import { startNotifier } from '../../src/pipeline/notify-worker.js';
import { redisOptionsFromUrl } from '../../src/store/redis.js';
import { waitFor } from '../helpers/processes.js';
import { startReceiver, type Receiver } from '../channels/receiver.js';
import type { TempConfig } from '../helpers/config-dir.js';
import { openTestRedis, REDIS_URL, type TestRedis } from '../helpers/redis.js';
import { article, openHarness, seedMatch, writeNotifyConfig, type NotifyHarness } from './setup.js';

let t: TestRedis;
let cfg: TempConfig;
let h: NotifyHarness | undefined;
let smtp: SMTPServer;
let smtpPort: number;
const mails: string[] = [];
let slack: Receiver;

beforeEach(async () => {
  t = await openTestRedis();
  slack = await startReceiver();
  mails.length = 0;
  smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push(Buffer.concat(chunks).toString('utf8'));
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
});
afterEach(async () => {
  await h?.close();
  await slack.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await t.cleanup();
  cfg.cleanup();
});

const END = Date.parse('2026-11-26T05:00:00Z');
const START = END - 86_400_000;

describe('notify job over email and Slack', () => {
  it('mails the digest once with a Message-ID from the digest id, and resumes a split Slack digest where it stopped', async () => {
    cfg = writeNotifyConfig(
      t.prefix,
      `subscriptions:
  - id: daily
    name: Daily watch
    rules: ["*"]
    channels:
      - { type: email, to: [analyst@example.org] }
      - { type: slack, webhookUrl: "${slack.url}/services/T0/B0/secret" }
`,
      `smtp:\n  url: smtp://127.0.0.1:${smtpPort}\n  pool: false\n`,
    );
    h = openHarness(t.redis, t.keys, cfg.dir, t.prefix, START);
    await t.redis.set(`${t.keys.base}:sub-created:daily`, String(START));
    for (let i = 0; i < 40; i++) {
      await seedMatch(t.redis, t.keys, ['daily'], i % 2 ? 'sanctions' : 'summit', article(`m${i}`, `Story ${i} about sanctions <script>x</script>`, { url: `https://belta.example.org/m${i}` }), START + i * 1000);
    }
    h.setNow(END + 1000);
    // Slack takes the first message, then fails with a 500
    slack.script({ status: 200, body: 'ok' }, { status: 500, body: 'oops' });
    const data = { subscriptionId: 'daily', stream: 'digest' as const, endMs: END };
    await expect(runNotifyJob(h.env, data)).rejects.toBeInstanceOf(DeliveryRetryError);
    const records = await readDeliveries(t.redis, t.keys, 'daily-2026-11-26T05-00-00Z');
    expect(records.map((r) => [r.status, r.fromPart])).toEqual([
      ['sent', undefined],
      ['retrying', 1],
    ]);
    const firstTry = slack.received.length;
    expect(firstTry).toBe(2);

    expect(await runNotifyJob(h.env, data)).toMatchObject({ status: 'delivered', items: 40 });
    expect(mails).toHaveLength(1);
    const mail = await simpleParser(mails[0]!);
    expect(mail.messageId).toBe('<daily-2026-11-26T05-00-00Z@belwatch>');
    expect(mail.subject).toContain('belwatch: 40 new on Summits, Sanctions');
    expect(mail.html).not.toContain('<script>');
    expect(mail.text).toContain('Story 39');
    // the resumed Slack send skipped message 1 and re-sent message 2 onwards, in order
    const parts = slack.received.slice(firstTry).map((r) => JSON.stringify(JSON.parse(r.body)));
    expect(parts.length).toBeGreaterThanOrEqual(1);
    expect(parts[0]).toBe(JSON.stringify(JSON.parse(slack.received[1]!.body)));
    expect(parts.some((p) => p === JSON.stringify(JSON.parse(slack.received[0]!.body)))).toBe(false);
  }, 30_000);

  it('waits for the Retry-After of a 429 instead of the backoff', async () => {
    cfg = writeNotifyConfig(t.prefix, `subscriptions:\n  - id: daily\n    rules: ["*"]\n    channels:\n      - { type: webhook, url: "${slack.url}/hook", secret: "0123456789abcdef-secret" }\n`);
    h = openHarness(t.redis, t.keys, cfg.dir, t.prefix, START);
    await t.redis.set(`${t.keys.base}:sub-created:daily`, String(START));
    await seedMatch(t.redis, t.keys, ['daily'], 'sanctions', article('w1', 'sanctions w1'), START + 1000);
    h.setNow(END + 1000);
    slack.script({ status: 429, headers: { 'retry-after': '120' } });
    const job = await h.queue.add('notify', { subscriptionId: 'daily', stream: 'digest', endMs: END }, { jobId: 'daily-2026-11-26T05-00-00Z' });
    const worker = startNotifier(h.env, { connection: redisOptionsFromUrl(REDIS_URL), prefix: t.prefix, concurrency: 1, lockDuration: 5000, stalledInterval: 5000 });
    try {
      expect(await waitFor(async () => (await job.getState()) === 'delayed', 10_000)).toBe(true);
      const delayed = await h.queue.getJob(job.id!);
      expect(delayed!.timestamp + delayed!.delay - Date.now()).toBeGreaterThan(100_000);
      expect(slack.received).toHaveLength(1);
      expect((await readDeliveries(t.redis, t.keys, job.id!)).map((r) => r.status)).toEqual(['retrying']);
    } finally {
      await worker.close();
    }
  });
});
