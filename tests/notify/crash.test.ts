/**
 * Crash tests: `belwatch run --role notifier` as a child process, SIGKILLed by its own fault hook
 * (`BELWATCH_FAULT=<step>:1`, see src/notify/fault.ts) at each step of a delivery — before send,
 * after send before mark, after mark — for ROUNDS rounds per step; a fresh notifier worker then
 * recovers the stalled job. Channels: a webhook (first, so the kill hits it) and the file channel.
 *
 * Expected: zero lost digests at every step; duplicates only at `after-send` (the remote accepted,
 * the mark was never written), and every duplicate carries the same webhook-id. Each step runs in
 * LANES lanes side by side (one Redis prefix, queue and receiver each) to keep the wall time down:
 * a round mostly waits (process start, the dead worker's lock expiring).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { makeStreamDigestId } from '../../src/notify/claim-window.js';
import type { FaultStep } from '../../src/notify/fault.js';
import { readDeliveries } from '../../src/notify/records.js';
import { startNotifier } from '../../src/pipeline/notify-worker.js';
import { redisOptionsFromUrl } from '../../src/store/redis.js';
import { startReceiver, type Receiver } from '../channels/receiver.js';
import { spawnBelwatch, waitFor } from '../helpers/processes.js';
import { openTestRedis, REDIS_URL, type TestRedis } from '../helpers/redis.js';
import { article, openHarness, seedMatch, writeNotifyConfig } from './setup.js';

const ROUNDS = Number(process.env['BELWATCH_CRASH_ROUNDS'] ?? 20);
const LANES = 2;
const T0 = Date.parse('2026-11-26T05:00:00Z');
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
});

interface StepCounts {
  readonly step: FaultStep;
  rounds: number;
  killed: number;
  lost: number;
  duplicated: number;
  mixedIds: number;
}

async function crashLoop(step: FaultStep, rounds: number): Promise<StepCounts> {
  const t: TestRedis = await openTestRedis();
  const hook: Receiver = await startReceiver();
  const cfg = writeNotifyConfig(
    t.prefix,
    `subscriptions:
  - id: crash
    rules: ["*"]
    channels:
      - { type: webhook, url: "${hook.url}/hook", secret: "0123456789abcdef-secret" }
      - { type: file, dir: outbox }
`,
    'workers:\n  lockDuration: 1s\n  stalledInterval: 1s\n  shutdownGrace: 1s\n',
  );
  const h = openHarness(t.redis, t.keys, cfg.dir, t.prefix, T0);
  cleanups.push(async () => {
    await h.close();
    await hook.close();
    await t.cleanup();
    cfg.cleanup();
  });
  const counts: StepCounts = { step, rounds: 0, killed: 0, lost: 0, duplicated: 0, mixedIds: 0 };
  for (let round = 1; round <= rounds; round++) {
    const endMs = T0 + round * 60_000;
    const id = makeStreamDigestId('crash', 'digest', endMs);
    await seedMatch(t.redis, t.keys, ['crash'], 'sanctions', article(`r${round}`, `sanctions round ${round}`), endMs - 1000);
    await h.queue.add('notify', { subscriptionId: 'crash', stream: 'digest', endMs }, { jobId: id });
    const child = spawnBelwatch(['run', '--role', 'notifier', '--config', cfg.dir], { BELWATCH_FAULT: `${step}:1` });
    const timer = setTimeout(() => child.proc.kill('SIGKILL'), 90_000); // a fallback only: the fault hook kills it
    await child.exited();
    clearTimeout(timer);
    if (child.proc.signalCode === 'SIGKILL') counts.killed++;

    // recovery: a fresh notifier takes the stalled job over once the dead one's lock expires
    const worker: Worker = startNotifier(h.env, { connection: redisOptionsFromUrl(REDIS_URL), prefix: t.prefix, concurrency: 1, lockDuration: 1000, stalledInterval: 300 });
    const done = await waitFor(async () => {
      const records = await readDeliveries(t.redis, t.keys, id);
      return records.length === 2 && records.every((r) => r.status === 'sent');
    }, 15_000);
    await worker.close();
    counts.rounds++;
    const copies = hook.received.filter((r) => r.headers['webhook-id'] === `msg_${id}`);
    const fileThere = existsSync(path.join(cfg.dir, 'outbox', 'crash', `${id}.json`));
    if (!done || copies.length === 0 || !fileThere) counts.lost++;
    if (copies.length > 1) counts.duplicated++;
  }
  const ids = new Set(hook.received.map((r) => r.headers['webhook-id']));
  counts.mixedIds = hook.received.length - hook.received.filter((r) => typeof r.headers['webhook-id'] === 'string').length;
  expect(ids.size).toBe(rounds);
  return counts;
}

describe('notifier killed with SIGKILL', () => {
  it(`loses no digest at any step and duplicates only between send and mark (${ROUNDS} rounds per step)`, async () => {
    const steps = ['before-send', 'after-send', 'after-mark'] as const;
    const lanes = await Promise.all(steps.flatMap((s) => Array.from({ length: LANES }, (_, i) => crashLoop(s, Math.ceil((ROUNDS - i) / LANES)))));
    const results = steps.map((step) => {
      const mine = lanes.filter((l) => l.step === step);
      const sum = (f: (c: StepCounts) => number): number => mine.reduce((n, c) => n + f(c), 0);
      return { step, rounds: sum((c) => c.rounds), killed: sum((c) => c.killed), lost: sum((c) => c.lost), duplicated: sum((c) => c.duplicated), mixedIds: sum((c) => c.mixedIds) };
    });
    for (const r of results) process.stdout.write(`crash loop ${r.step}: rounds=${r.rounds} killed=${r.killed} lost=${r.lost} duplicated=${r.duplicated}\n`);
    for (const r of results) {
      expect(r.rounds).toBe(ROUNDS);
      expect(r.killed, r.step).toBe(ROUNDS);
      expect(r.lost, r.step).toBe(0);
      expect(r.mixedIds).toBe(0);
    }
    const [before, after, mark] = results;
    expect(before!.duplicated).toBe(0);
    expect(mark!.duplicated).toBe(0);
    expect(after!.duplicated).toBe(ROUNDS);
  }, 300_000);
});
