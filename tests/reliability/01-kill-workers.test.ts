/**
 * Scenario 1: worker processes SIGKILLed at random moments while sources are polled and digests
 * and alerts are delivered.
 *
 * One scheduler and two worker processes (fetcher + processor + notifier each) run against the
 * farm (50 outlets short, 200 long, a new item per outlet every 3 s, polled every 2 s). Every round
 * waits a random 0.3–3 s, SIGKILLs one worker at random and starts a replacement. Then the farm
 * stops publishing and the service finishes. Counted: served items missing from the archive
 * (must be 0), matching stories missing from each channel (must be 0), and extra copies per
 * channel, which may only come from the inherent step (a kill after the remote accepted, before
 * the mark): for webhooks and email every extra copy must carry the first copy's webhook-id /
 * Message-ID, and no channel may have more extra copies than one resent message per kill.
 */
import { afterAll, expect, it } from 'vitest';
import { scale } from './harness/profile.js';
import { recordResult } from './harness/run-dir.js';
import { settle } from './harness/settle.js';
import { createWorld, type Proc, type World } from './harness/world.js';
import { sleep } from '../helpers/processes.js';

const SOURCES = scale(50, 200);
const ROUNDS = scale(8, 50);
let world: World | undefined;
afterAll(async () => world?.close());

let seed = 1;
const rand = (): number => {
  seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
  return seed / 2 ** 32;
};

it(`loses nothing when workers are SIGKILLed ${ROUNDS} times`, async () => {
  const w = (world = await createWorld({
    name: 'kill-workers',
    farm: { sources: SOURCES, every: 3000, initial: 2 },
    settings: 'workers: { pollConcurrency: 16, processConcurrency: 8, lockDuration: 4s, stalledInterval: 2s, shutdownGrace: 2s }\ndelivery: { attempts: 20, backoff: 500ms }\n',
  }));
  w.start(['scheduler']);
  const workers: Proc[] = [w.start(['fetcher', 'processor', 'notifier'], { label: 'worker' }), w.start(['fetcher', 'processor', 'notifier'], { label: 'worker' })];
  await sleep(4000);
  let kills = 0;
  const t0 = Date.now();
  for (let round = 0; round < ROUNDS; round++) {
    await sleep(300 + rand() * 2700);
    const k = Math.floor(rand() * workers.length);
    const victim = workers[k]!;
    await victim.stop('SIGKILL');
    kills++;
    workers[k] = w.start(['fetcher', 'processor', 'notifier'], { label: 'worker' });
  }
  const runSecs = (Date.now() - t0) / 1000;
  const settled = await settle(w, scale(120_000, 240_000));
  const byChannel = Object.fromEntries(settled.tallies.map((t) => [t.channel, t]));
  const figures: [string, string][] = [
    ['sources', String(SOURCES)],
    ['rounds (SIGKILLs)', `${kills} in ${runSecs.toFixed(0)} s`],
    ['items served', String(settled.served)],
    ['articles lost', String(settled.lostArticles.length)],
    ...settled.tallies.map((t): [string, string] => [`${t.channel}: stories delivered / lost / extra copies (same id)`, `${t.delivered} / ${t.lost} / ${t.duplicates} (${t.sameIdDuplicates})`]),
  ];
  const idOk = ['webhook', 'email'].every((c) => byChannel[c]!.duplicates === byChannel[c]!.sameIdDuplicates);
  const met = settled.complete && settled.lostArticles.length === 0 && settled.tallies.every((t) => t.lost === 0 && t.duplicates <= kills * Math.max(1, ...settled.deliveries.filter((d) => d.channel === t.channel).map((d) => d.urls.length))) && idOk;
  recordResult({ id: '1', title: 'SIGKILL of workers during polling and delivery', figures, target: 'articles lost 0, digests lost 0, duplicates only at the inherent step (same id, at most one message per kill)', met });

  expect(settled.lostArticles).toEqual([]);
  for (const t of settled.tallies) {
    expect(t.lostUrls, `${t.channel} lost stories`).toEqual([]);
    expect(t.expected, `${t.channel} had stories to deliver`).toBeGreaterThan(0);
    // a kill at the inherent step resends one message, which may carry several stories
    const perMessage = Math.max(1, ...settled.deliveries.filter((d) => d.channel === t.channel).map((d) => d.urls.length));
    expect(t.duplicates, `${t.channel} extra copies`).toBeLessThanOrEqual(kills * perMessage);
  }
  expect(byChannel['webhook']!.duplicates).toBe(byChannel['webhook']!.sameIdDuplicates);
  expect(byChannel['email']!.duplicates).toBe(byChannel['email']!.sameIdDuplicates);
});
