/**
 * Scenario 12 (file 09: it runs after the fuzz scenario): hostile documents (issue 11) cannot take
 * the service's time. One `belwatch run` (all roles) polls, every second, outlets that serve each
 * hostile shape of harness/hostile-docs.ts
 * (`identical-items`, `doctype`, `rss-open`, `comment-attr`, `long-token` as feeds; `svg-title` as a
 * `page-change` source; `nested-article` as the article page of a `fullText` feed) at `DOC_BYTES`, next to
 * healthy outlets, while this process asks `/healthz` every 20 ms.
 *
 * Checked: the process stays up with no uncaught exception; each hostile source ends in source
 * health with its outcome (parsed within the budget, or refused: `parse-timeout`, `parse-error`,
 * `not-a-feed` ...) within `RECORD_MS` after the run (they wait for each other in the parse
 * queue: each may hold a worker for a whole budget; asserted in the long profile, reported in the
 * short one, where a loaded CI machine may not get through them all); the healthy outlets keep being polled and archived
 * as often as without the hostile ones (every outlet at least `MIN_POLLS`); `/healthz` p99 under
 * `HEALTHZ_P99_MS`. The 100 ms target is asserted in the long profile (4 MiB documents, 60 s); the
 * short one (1 MB, 15 s) asserts a p99 under 1 s, which a parse on the event loop misses by far
 * (1 MB of `<item/>` took 1.5 s there).
 */
import { afterAll, expect, it } from 'vitest';
import { readHealth } from '../../src/store/health.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { sleep, waitFor } from '../helpers/processes.js';
import { feedLinkingTo, hostileDocument, HOSTILE_SHAPES, SHAPE_KIND, type HostileShape } from './harness/hostile-docs.js';
import { ASSERT_TIMING, scale } from './harness/profile.js';
import { recordResult } from './harness/run-dir.js';
import { createWorld, type World } from './harness/world.js';

const DOC_BYTES = scale(1_000_000, 4 * 1024 * 1024);
const LIVE_MS = scale(15_000, 60_000);
/** After LIVE_MS, how long the scenario waits for hostile sources still in the parse queue. */
const RECORD_MS = scale(20_000, 60_000);
const HEALTHY = scale(6, 20);
const MIN_POLLS = scale(5, 15);
const HEALTHZ_P99_MS = ASSERT_TIMING ? 100 : 1000;

const FEED_SHAPES = HOSTILE_SHAPES.filter((s) => SHAPE_KIND[s] === 'feed');
const sourceId = (shape: HostileShape): string => `hostile-${shape}`;

let world: World | undefined;
let pages: FixtureServer | undefined;
afterAll(async () => {
  await world?.close();
  await pages?.close();
});

const pct = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;

it('hostile documents: every shape parsed or refused off the event loop, healthy sources polled on time, /healthz fast', async () => {
  const docs = new Map(HOSTILE_SHAPES.map((s) => [s, hostileDocument(s, DOC_BYTES)]));
  const p = (pages = await startFixtureServer());
  p.routes.set('/svg-title', { body: docs.get('svg-title') ?? '', contentType: 'text/html' });
  p.routes.set('/nested-article', { body: docs.get('nested-article') ?? '', contentType: 'text/html' });
  p.routes.set('/nested-article/feed', { body: feedLinkingTo(p.url('/nested-article')), contentType: 'application/rss+xml' });
  // outlets 0 .. HEALTHY-1 are healthy, the next ones serve one feed shape each
  const w = (world = await createWorld({
    name: 'hostile-docs',
    logLevel: 'info',
    interval: '1s',
    farm: {
      sources: HEALTHY + FEED_SHAPES.length,
      behaviour: (i) => (i < HEALTHY ? 'healthy' : 'custom'),
      custom: (i) => ({ body: docs.get(FEED_SHAPES[i - HEALTHY] ?? 'doctype') ?? '', contentType: 'application/rss+xml' }),
    },
    extraSources: [
      { id: sourceId('svg-title'), url: p.url('/svg-title'), kind: 'page-change' },
      { id: sourceId('nested-article'), url: p.url('/nested-article/feed'), fullText: true },
    ],
  }));
  const proc = w.start(['scheduler', 'fetcher', 'processor', 'notifier'], { label: 'all' });
  let port = 0;
  expect(await waitFor(() => ((port = Number(/"port":(\d+),"msg":"http server listening"/.exec(proc.log())?.[1] ?? 0)), port > 0), 30_000), 'the service listens').toBe(true);

  const ids = [...FEED_SHAPES.map((s, k) => [s, `s${HEALTHY + k}`] as const), ['svg-title', sourceId('svg-title')] as const, ['nested-article', sourceId('nested-article')] as const];
  const allRecorded = async (): Promise<boolean> => (await Promise.all(ids.map(([, id]) => readHealth(w.redis, w.keys, id)))).every((h) => h.polls > 0);
  const latencies: number[] = [];
  const started = Date.now();
  // probe for LIVE_MS, and on until every hostile source has its first outcome (at most RECORD_MS more)
  for (let i = 0; i < 100_000 && Date.now() < started + LIVE_MS + RECORD_MS; i++) {
    if (Date.now() > started + LIVE_MS && i % 25 === 0 && (await allRecorded())) break;
    const t = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    await res.text();
    latencies.push(performance.now() - t);
    await sleep(20);
  }
  const probedMs = Date.now() - started;
  const sorted = [...latencies].sort((a, b) => a - b);
  const healthyPolls = Array.from({ length: HEALTHY }, (_, i) => w.farm.requests.get(i)?.length ?? 0);
  const alive = proc.alive();
  const uncaught = /uncaught|unhandled/i.test(proc.log());
  const archived = await w.archivedCount();

  const outcomes: [string, string][] = [];
  let unpolled = 0;
  for (const [shape, id] of ids) {
    const h = await readHealth(w.redis, w.keys, id);
    if (h.polls === 0) unpolled++;
    const outcome = h.polls === 0 ? 'not polled yet' : h.lastErrorClass ? `${h.lastErrorClass}: ${(h.lastErrorMessage ?? '').slice(0, 120)}` : `ok, ${h.lastItemCount ?? 0} items`;
    outcomes.push([`${shape} (${h.polls} polls)`, outcome]);
  }
  const p99 = pct(sorted, 99);
  const figures: [string, string][] = [
    ['documents, run', `${HOSTILE_SHAPES.length} shapes of ${(DOC_BYTES / 1e6).toFixed(1)} MB polled every 1 s, ${HEALTHY} healthy outlets, ${(probedMs / 1000).toFixed(0)} s (until every hostile source had an outcome)`],
    ['/healthz probes, p50 / p99 / max', `${sorted.length}, ${pct(sorted, 50).toFixed(1)} / ${p99.toFixed(1)} / ${(sorted.at(-1) ?? 0).toFixed(1)} ms`],
    ['healthy outlets: polls (min per outlet), articles archived', `${healthyPolls.reduce((a, b) => a + b, 0)} (${Math.min(...healthyPolls)}), ${archived}`],
    ...outcomes,
    ['process alive, uncaught', `${alive ? 'yes' : 'no'}, ${uncaught ? 'yes' : '0'}`],
  ];
  const met = alive && !uncaught && (unpolled === 0 || !ASSERT_TIMING) && Math.min(...healthyPolls) >= MIN_POLLS && p99 < HEALTHZ_P99_MS;
  recordResult({ id: '12', title: 'Hostile documents: parse pool with a CPU budget', figures, target: `/healthz p99 < ${HEALTHZ_P99_MS} ms, healthy outlets polled on time, every hostile source recorded`, met });

  expect(alive, 'the service kept running').toBe(true);
  expect(uncaught).toBe(false);
  // on a loaded machine each hostile document holds a worker for up to five budgets of wall time
  if (ASSERT_TIMING) expect(unpolled, 'every hostile source was polled and recorded').toBe(0);
  expect(Math.min(...healthyPolls), 'every healthy outlet kept being polled').toBeGreaterThanOrEqual(MIN_POLLS);
  expect(archived).toBeGreaterThan(0);
  expect(p99, `/healthz p99 (p50 ${pct(sorted, 50).toFixed(1)} ms)`).toBeLessThan(HEALTHZ_P99_MS);
});
