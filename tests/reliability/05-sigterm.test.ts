/**
 * Scenario 5: SIGTERM during heavy work.
 *
 * Two worker processes (fetcher + processor + notifier) are busy with a first cycle over outlets
 * that each already carry 20 items, matched against the default rules plus generated ones, while
 * a few outlets drip their feed a byte a second (a fetch that cannot finish within the grace
 * period: `http.timeout` is longer than `workers.shutdownGrace`). Both get SIGTERM at once.
 * Measured: each process's time from the signal to its exit, against the configured grace; then,
 * at once, the jobs still marked active in the poll, process and notify queues (a job left
 * active by a dead process is a stalled job: must be 0). Fresh workers then finish the run and
 * nothing served may be missing from the archive or the channels.
 */
import { Queue } from 'bullmq';
import { afterAll, expect, it } from 'vitest';
import { QUEUE } from '../../src/pipeline/queues.js';
import { keyPrefix } from '../../src/store/redis.js';
import { sleep, waitFor } from '../helpers/processes.js';
import { scale } from './harness/profile.js';
import { withGeneratedRules } from './harness/rules.js';
import { recordResult } from './harness/run-dir.js';
import { settle } from './harness/settle.js';
import { createWorld, type World } from './harness/world.js';

const SOURCES = scale(100, 300);
const GRACE_MS = 3000;
let world: World | undefined;
afterAll(async () => world?.close());

it('SIGTERM during heavy work: exits within the grace period and leaves no job stalled', async () => {
  const w = (world = await createWorld({
    name: 'sigterm',
    farm: { sources: SOURCES, every: 60_000, initial: 20, behaviour: (i) => (i % 20 === 7 ? 'drip' : 'healthy') },
    rules: withGeneratedRules(scale(1000, 5000)),
    interval: '5s',
    httpTimeout: '20s',
    settings: `workers: { pollConcurrency: 16, processConcurrency: 8, lockDuration: 10s, stalledInterval: 5s, shutdownGrace: ${GRACE_MS}ms }\n`,
  }));
  w.start(['scheduler']);
  const workers = [w.start(['fetcher', 'processor', 'notifier'], { label: 'worker' }), w.start(['fetcher', 'processor', 'notifier'], { label: 'worker' })];
  // heavy work under way: some articles archived, many still to go
  expect(await waitFor(async () => (await w.archivedCount()) >= 200, 60_000)).toBe(true);
  const archivedAtSignal = await w.archivedCount();
  const backlogAtSignal = await w.pipelineBacklog();

  const t0 = Date.now();
  const exits = await Promise.all(
    workers.map(async (p) => {
      const code = await p.stop('SIGTERM', 30_000);
      return { code, ms: Date.now() - t0 };
    }),
  );
  const queues = [QUEUE.poll, QUEUE.process, QUEUE.notify].map((q) => new Queue(q, { connection: w.redis, prefix: keyPrefix(w.prefix) }));
  const active = (await Promise.all(queues.map((q) => q.getActiveCount()))).reduce((a, b) => a + b, 0);
  for (const q of queues) await q.close();

  // the rest of the run, with fresh workers: nothing may be missing
  w.start(['fetcher', 'processor', 'notifier'], { label: 'worker' });
  w.start(['fetcher', 'processor', 'notifier'], { label: 'worker' });
  await sleep(1000);
  const settled = await settle(w, scale(120_000, 300_000));
  const stalledLogged = workers.map((p) => p.log()).join('').match(/did not hand back/g)?.length ?? 0;

  const slowest = Math.max(...exits.map((e) => e.ms));
  const met = exits.every((e) => e.code === 0 && e.ms <= GRACE_MS) && active === 0 && settled.lostArticles.length === 0 && settled.tallies.every((t) => t.lost === 0);
  recordResult({
    id: '5',
    title: 'SIGTERM during heavy work',
    figures: [
      ['work at the signal', `${archivedAtSignal} archived, ${backlogAtSignal} jobs queued or running, ${SOURCES / 20} fetches dripping`],
      ['exit after SIGTERM', exits.map((e) => `${(e.ms / 1000).toFixed(2)} s (code ${e.code})`).join(', ')],
      ['configured grace', `${GRACE_MS / 1000} s`],
      ['jobs left active (stalled)', String(active)],
      ['articles lost / stories lost', `${settled.lostArticles.length} / ${settled.tallies.reduce((n, t) => n + t.lost, 0)}`],
    ],
    target: 'exit within the grace period, 0 jobs stalled, nothing lost',
    met,
  });
  expect(exits.map((e) => e.code)).toEqual([0, 0]);
  expect(slowest).toBeLessThanOrEqual(GRACE_MS);
  expect(active).toBe(0);
  expect(stalledLogged).toBe(0);
  expect(settled.lostArticles).toEqual([]);
  for (const t of settled.tallies) expect(t.lostUrls, t.channel).toEqual([]);
});
