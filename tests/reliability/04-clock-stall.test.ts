/**
 * Scenario 4: the service machine's wall clock jumps (+1 h, back, −1 h, back) and one worker's
 * event loop stalls for longer than its job locks (90 s long profile, 20 s short), while alerts
 * and a 15-second digest are being delivered.
 *
 * All belwatch processes (a scheduler and two workers) share one shifted clock (see
 * harness/clock.ts: `Date` jumps, monotonic time does not, Redis's clock stays true). The stall
 * is SIGSTOP … SIGCONT of one worker: its event loop, timers, lock renewals and sockets all wait,
 * as in a long synchronous pause, and then it carries on with whatever it was doing.
 *
 * Counted per channel: stories never delivered (a missed digest or alert), stories delivered more
 * than once (a duplicate, whatever the message id), and the delay from an item's first serving to
 * its delivery — a window skipped by a clock jump would show as an hour.
 */
import { afterAll, expect, it } from 'vitest';
import { sleep, waitFor } from '../helpers/processes.js';
import { installClockShift } from './harness/clock.js';
import { scale } from './harness/profile.js';
import { recordResult } from './harness/run-dir.js';
import { percentile, settle } from './harness/settle.js';
import { createWorld, type World } from './harness/world.js';

const PHASE_MS = scale(8000, 45_000);
const STALL_MS = scale(15_000, 90_000);
const HOUR = 3_600_000;
let world: World | undefined;
afterAll(async () => {
  for (const p of world?.procs ?? []) if (p.alive()) p.child.kill('SIGCONT');
  await world?.close();
});

it('clock jumps of ±1 h and a long event-loop stall: no missed and no duplicate digest', async () => {
  const w = (world = await createWorld({
    name: 'clock-stall',
    farm: { sources: 20, every: 2000, initial: 1 },
    settings: `workers: { lockDuration: ${scale('5s', '30s')}, stalledInterval: ${scale('2s', '10s')}, shutdownGrace: 2s }\ndelivery: { attempts: 20, backoff: 1s }\n`,
  }));
  const clock = installClockShift(w.dir);
  const shifted = { nodeArgs: clock.nodeArgs, env: clock.env };
  w.start(['scheduler'], shifted);
  const stallee = w.start(['fetcher', 'processor', 'notifier'], { ...shifted, label: 'worker' });
  w.start(['fetcher', 'processor', 'notifier'], { ...shifted, label: 'worker' });

  const steps: [string, number][] = [
    ['true time', 0],
    ['+1 h', HOUR],
    ['back', 0],
    ['-1 h', -HOUR],
    ['back', 0],
  ];
  // the service is up (first polls answered) before the clock moves
  expect(await waitFor(() => w.farm.served.size > 0, 60_000)).toBe(true);
  const marks: number[] = [];
  for (const [, offset] of steps) {
    clock.set(offset);
    marks.push(Date.now());
    await sleep(PHASE_MS);
  }
  marks.push(Date.now());
  stallee.child.kill('SIGSTOP');
  await sleep(STALL_MS);
  stallee.child.kill('SIGCONT');
  marks.push(Date.now());
  await sleep(PHASE_MS);
  marks.push(Date.now());
  const requests = [...w.farm.requests.values()].flat();
  const pollsPerPhase = marks.slice(1).map((end, k) => requests.filter((t) => t >= marks[k]! && t < end).length);

  const settled = await settle(w, scale(150_000, 300_000));
  const firstServed = new Map([...w.farm.served.values()].map((s) => [s.url, s.firstServed]));
  const delays = (channel: string): number[] => {
    const first = new Map<string, number>();
    for (const d of settled.deliveries) if (d.channel === channel) for (const u of d.urls) if (!first.has(u)) first.set(u, d.at);
    return [...first].map(([u, at]) => at - (firstServed.get(u) ?? at));
  };
  const emailIds = new Set(settled.deliveries.filter((d) => d.channel === 'email').map((d) => d.id));
  const figures: [string, string][] = [
    ['clock steps', `${steps.map(([l]) => l).join(', ')}; ${PHASE_MS / 1000} s each`],
    ['stall', `${STALL_MS / 1000} s (worker lock ${scale('5', '30')} s)`],
    ['polls per phase (20 sources, 2 s interval)', `${pollsPerPhase.join(', ')} (${[...steps.map(([l]) => l), 'stall', 'after'].join(', ')})`],
    ['items published / served / archived', `${w.farm.publishedTotal()} / ${settled.served} / ${settled.archive.length}`],
    ['email digests (15 s schedule)', `${emailIds.size} distinct`],
    ...settled.tallies.map((t): [string, string] => {
      const d = delays(t.channel);
      return [`${t.channel}: stories / missed / duplicated; delay p50 / max`, `${t.expected} / ${t.lost} / ${t.duplicates}; ${(percentile(d, 50) / 1000).toFixed(1)} s / ${(Math.max(...d) / 1000).toFixed(1)} s`];
    }),
  ];
  const maxDelay = Math.max(...['webhook', 'slack', 'email'].flatMap(delays));
  const met = settled.lostArticles.length === 0 && settled.tallies.every((t) => t.lost === 0 && t.duplicates === 0) && maxDelay < STALL_MS + 120_000;
  recordResult({ id: '4', title: 'Clock jumps of ±1 h and a long event-loop stall', figures, target: 'no missed and no duplicate digest or alert', met });

  expect(settled.lostArticles).toEqual([]);
  for (const t of settled.tallies) {
    expect(t.lostUrls, `${t.channel} missed`).toEqual([]);
    expect(t.duplicates, `${t.channel} duplicated`).toBe(0);
  }
  // an item held back by a skipped window would wait an hour
  expect(maxDelay).toBeLessThan(STALL_MS + 120_000);
});
