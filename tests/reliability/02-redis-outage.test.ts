/**
 * Scenario 2: Redis stopped and killed mid-run.
 *
 * One scheduler and one worker process (fetcher + processor + notifier) run against the farm while
 * the private redis-server (AOF, appendfsync everysec, as in docker-compose) goes through outages:
 * `stop` = SIGTERM (Redis writes its AOF and exits) and a start again on the same port and
 * directory after the pause; `kill` = SIGKILL and a start again at once (up to ~1 s of writes may be
 * lost; the polls and claims that held them are simply done again). Short profile: a 10 s stop and
 * a kill; long profile: 10 s, 120 s and a kill.
 *
 * Per outage: time from Redis accepting connections again until the service completes new work
 * (the first poll recorded in source health, the first article archived, the first webhook
 * delivered), and the log lines each process wrote from the outage's start until it recovered (a
 * bounded number, not one per retry). At the end the farm stops publishing and the service
 * finishes: every item the farm ever served must be archived and every matching story delivered
 * on every channel; both processes must still be the ones started (no exit, no restart), and every
 * source must have been polled again after the last outage.
 */
import { afterAll, expect, it } from 'vitest';
import { ASSERT_TIMING, scale } from './harness/profile.js';
import { recordResult } from './harness/run-dir.js';
import { settle } from './harness/settle.js';
import { createWorld, type Proc, type World } from './harness/world.js';
import { readAllHealth } from '../../src/store/health.js';
import { sleep, waitFor } from '../helpers/processes.js';

interface Outage {
  readonly kind: 'stop' | 'kill';
  /** How long Redis stays down. */
  readonly ms: number;
}

const SOURCES = scale(30, 100);
const OUTAGES: readonly Outage[] = scale(
  [
    { kind: 'stop', ms: 10_000 },
    { kind: 'kill', ms: 0 },
  ],
  [
    { kind: 'stop', ms: 10_000 },
    { kind: 'stop', ms: 120_000 },
    { kind: 'kill', ms: 0 },
  ],
);
/** Target: new work completes within this long after Redis is back. */
const RECOVER_TARGET_MS = 10_000;
/** Log lines one process may write over one outage, whatever its length. */
const LOG_LINES_MAX = 40;

let world: World | undefined;
afterAll(async () => world?.close());

const lines = (p: Proc): number => p.log().split('\n').filter(Boolean).length;

interface Recovery {
  readonly outage: Outage;
  readonly pollMs: number;
  readonly archiveMs: number;
  readonly deliveryMs: number;
  readonly logLines: readonly number[];
}

/** Milliseconds from `since` until `check` holds (NaN when it did not within `ms`). */
async function timeUntil(since: number, check: () => Promise<boolean> | boolean, ms: number): Promise<number> {
  return (await waitFor(check, ms)) ? Date.now() - since : NaN;
}

async function outage(w: World, procs: readonly Proc[], o: Outage): Promise<Recovery> {
  const before = procs.map(lines);
  await w.redisServer.stop(o.kind === 'stop' ? 'SIGTERM' : 'SIGKILL');
  await sleep(o.ms);
  await w.redisServer.start();
  const up = Date.now();
  const archived = await w.archivedCount();
  const hooks = w.webhook.received.length;
  const ids = Array.from({ length: SOURCES }, (_, i) => `s${i}`);
  const [pollMs, archiveMs, deliveryMs] = await Promise.all([
    timeUntil(up, async () => (await readAllHealth(w.redis, w.keys, ids)).some((h) => h.lastAttempt !== null && Date.parse(h.lastAttempt) >= up), 60_000),
    timeUntil(up, async () => (await w.archivedCount()) > archived, 60_000),
    timeUntil(up, () => w.webhook.received.slice(hooks).some((r) => r.at >= up), 60_000),
  ]);
  const logLines = procs.map((p, k) => lines(p) - (before[k] ?? 0));
  return { outage: o, pollMs, archiveMs, deliveryMs, logLines };
}

const label = (o: Outage): string => (o.kind === 'kill' ? 'SIGKILL + restart' : `stopped ${o.ms / 1000} s`);
const secs = (ms: number): string => (Number.isNaN(ms) ? 'never' : `${(ms / 1000).toFixed(1)} s`);

it(`recovers from Redis outages (${OUTAGES.map(label).join(', ')}) without a restart and loses nothing persisted`, async () => {
  const w = (world = await createWorld({
    name: 'redis-outage',
    farm: { sources: SOURCES, every: 3000, initial: 2 },
    logLevel: 'warn',
    settings: 'workers: { pollConcurrency: 16, processConcurrency: 8, lockDuration: 5s, stalledInterval: 3s, shutdownGrace: 2s }\ndelivery: { attempts: 20, backoff: 500ms }\n',
  }));
  const procs = [w.start(['scheduler']), w.start(['fetcher', 'processor', 'notifier'], { label: 'worker' })];
  await sleep(5000);
  const recoveries: Recovery[] = [];
  let lastUp = 0;
  for (const o of OUTAGES) {
    recoveries.push(await outage(w, procs, o));
    lastUp = Date.now();
    await sleep(4000);
  }
  const polledAgain = await waitFor(() => Array.from({ length: SOURCES }, (_, i) => w.farm.requests.get(i) ?? []).every((t) => t.some((at) => at > lastUp)), 20_000);
  const settled = await settle(w, scale(60_000, 180_000));
  const alive = procs.map((p) => p.alive());

  const figures: [string, string][] = [
    ['sources', String(SOURCES)],
    ...recoveries.map((r): [string, string] => [
      `${label(r.outage)}: recovered (first poll / archive / webhook after Redis is back)`,
      `${secs(r.pollMs)} / ${secs(r.archiveMs)} / ${secs(r.deliveryMs)}`,
    ]),
    ...recoveries.map((r): [string, string] => [`${label(r.outage)}: log lines (scheduler / worker)`, r.logLines.join(' / ')]),
    ['processes still running (no restart)', `${alive.filter(Boolean).length} of ${procs.length}`],
    ['items served', String(settled.served)],
    ['articles lost', String(settled.lostArticles.length)],
    ...settled.tallies.map((t): [string, string] => [`${t.channel}: stories delivered / lost`, `${t.delivered} / ${t.lost}`]),
  ];
  const worst = Math.max(...recoveries.flatMap((r) => [r.pollMs, r.archiveMs, r.deliveryMs].map((x) => (Number.isNaN(x) ? Infinity : x))));
  const quiet = recoveries.every((r) => r.logLines.every((n) => n <= LOG_LINES_MAX));
  const correct = settled.complete && settled.lostArticles.length === 0 && settled.tallies.every((t) => t.lost === 0) && alive.every(Boolean) && polledAgain && quiet;
  recordResult({
    id: '2',
    title: 'Redis stopped and SIGKILLed mid-run (AOF)',
    figures,
    target: `no restart, nothing persisted lost, new work within ${RECOVER_TARGET_MS / 1000} s of Redis being back, at most ${LOG_LINES_MAX} log lines per process per outage`,
    met: correct && worst <= RECOVER_TARGET_MS,
  });

  expect(alive, 'processes still running').toEqual(procs.map(() => true));
  expect(polledAgain, 'every source polled again after the last outage').toBe(true);
  expect(settled.lostArticles).toEqual([]);
  for (const t of settled.tallies) {
    expect(t.lostUrls, `${t.channel} lost stories`).toEqual([]);
    expect(t.expected, `${t.channel} had stories to deliver`).toBeGreaterThan(0);
  }
  for (const r of recoveries) {
    for (const n of r.logLines) expect(n, `log lines over ${label(r.outage)}`).toBeLessThanOrEqual(LOG_LINES_MAX);
    // work resumes at all (its speed is a timing target)
    expect(Number.isNaN(r.pollMs) || Number.isNaN(r.archiveMs), `${label(r.outage)}: no work after recovery`).toBe(false);
  }
  if (ASSERT_TIMING) expect(worst).toBeLessThanOrEqual(RECOVER_TARGET_MS);
});
