/**
 * Scenarios 10 and 11: load. Outlets (1,000 long, 100 short) each publish a new item per poll
 * interval and start with 5; they are polled 5 times (3 short); the default rules plus generated
 * ones (10,000 long, 1,000 short) are matched; 20 subscriptions receive the matches: 10 instant
 * webhooks (1 s batch window) and 10 email digests on a 15-second schedule, half on `sanctions`,
 * half on a hundred generated rules each.
 *
 * Measured: the first burst (every outlet's initial items at once) as articles/s; p50/p95 from an
 * item's first serving to its delivery by an instant webhook, in three groups: the startup backlog
 * (what each outlet had published before its first poll — the 5 initial items and whatever
 * appeared while the workers compiled their rules — all served at once, so its latency is the
 * backlog's size over the throughput), items served while the processors were still catching up
 * with that backlog (they queue behind it), and items served once the processors had caught up
 * (the process queue empty once): the steady state, where the 5 s target applies; peak RSS per
 * process; Redis memory
 * per archived article (used_memory growth / articles). Scenario 10 runs one process per role,
 * scenario 11 two per role (as two machines would): there every outlet must be fetched at most
 * once per interval and every story delivered once per subscription, and the burst rate is
 * compared with scenario 10's.
 */
import { afterAll, expect, it } from 'vitest';
import { sleep, waitFor } from '../helpers/processes.js';
import { collectDeliveries, readArchive } from './harness/deliveries.js';
import { ASSERT_TIMING, scale } from './harness/profile.js';
import { withGeneratedRules } from './harness/rules.js';
import { recordResult } from './harness/run-dir.js';
import { percentile } from './harness/settle.js';
import { createWorld, type Endpoints, type Role, type World } from './harness/world.js';

const SOURCES = scale(100, 1000);
const RULES = scale(1000, 10_000);
const POLLS = scale(3, 5);
const INTERVAL_MS = scale(4000, 10_000);
const SUBS = 20;
const worlds: World[] = [];
afterAll(async () => {
  for (const w of worlds) await w.close();
});

function subscriptions(e: Endpoints): string {
  const lines = ['subscriptions:'];
  for (let i = 0; i < SUBS; i++) {
    const rules = i % 2 === 0 ? '[sanctions]' : `[${Array.from({ length: 100 }, (_, k) => `gen-${(i * 100 + k) % RULES}`).join(', ')}]`;
    if (i < SUBS / 2) {
      lines.push(`  - { id: instant-${i}, rules: ${rules}, mode: instant, batchWindow: 1s, channels: [{ type: webhook, url: "${e.webhookUrl}/hook/${i}", secret: "\${BW_WEBHOOK_SECRET}" }] }`);
    } else {
      lines.push(`  - { id: digest-${i}, rules: ${rules}, schedule: { cron: "*/15 * * * * *", timezone: UTC }, channels: [{ type: email, to: [desk-${i}@example.org] }] }`);
    }
  }
  return `${lines.join('\n')}\n`;
}

interface LoadFigures {
  readonly archived: number;
  readonly burstRate: number;
  readonly p50: number;
  readonly p95: number;
  readonly steady: number;
  readonly catchUpP50: number;
  readonly catchUpP95: number;
  readonly catchUp: number;
  readonly caughtUpAfter: number;
  readonly backlogP50: number;
  readonly backlogP95: number;
  readonly backlog: number;
  readonly instantDeliveries: number;
  readonly rss: string;
  readonly redisPerArticle: number;
  readonly duplicateFetches: number;
  readonly duplicateDeliveries: number;
  readonly lostDeliveries: number;
  readonly lostArticles: number;
}

async function runLoad(perRole: number): Promise<LoadFigures> {
  const w = await createWorld({
    name: `load-x${perRole}`,
    farm: { sources: SOURCES, every: INTERVAL_MS, initial: 5 },
    interval: `${INTERVAL_MS}ms`,
    rules: withGeneratedRules(RULES),
    subscriptions,
    logLevel: 'info',
    settings: 'workers: { pollConcurrency: 32, processConcurrency: 16 }\n',
  });
  worlds.push(w);
  const memBefore = Number(/used_memory:(\d+)/.exec(await w.redis.info('memory'))?.[1] ?? 0);
  const roles: Role[] = ['fetcher', 'processor', 'notifier'];
  for (let k = 0; k < perRole; k++) for (const r of roles) w.start([r]);
  // every worker has compiled its rules and is running before the first poll
  expect(await waitFor(() => w.procs.every((p) => p.log().includes('belwatch running')), 180_000)).toBe(true);
  const t0 = Date.now();
  for (let k = 0; k < perRole; k++) w.start(['scheduler']);
  // when the processors have caught up with the startup backlog: the process queue empty once
  let caughtUpAt = Infinity;
  const watchCatchUp = (async () => {
    for (let k = 0; k < 2 * (POLLS * INTERVAL_MS) / 250 && caughtUpAt === Infinity; k++) {
      await sleep(250);
      if ((await w.archivedCount()) >= SOURCES * 5 && (await w.pipelineBacklog()) === 0) caughtUpAt = Date.now();
    }
  })();

  // the first burst: every outlet's initial items
  const burst = SOURCES * 5;
  expect(await waitFor(async () => (await w.archivedCount()) >= burst, 300_000)).toBe(true);
  const burstRate = burst / ((Date.now() - t0) / 1000);
  // the polls that follow, then stop publishing and let everything arrive
  await waitFor(() => Date.now() - t0 >= POLLS * INTERVAL_MS, POLLS * INTERVAL_MS + 1000);
  w.farm.freeze();
  // items published just before the freeze are first served by the next poll: wait for one, then for the archive
  const frozenAt = Date.now();
  await waitFor(async () => Date.now() - frozenAt > INTERVAL_MS && (await w.archivedCount()) >= w.farm.served.size && (await w.pipelineBacklog()) === 0, 300_000);

  const archive = await readArchive(w.redis, w.keys);
  const memAfter = Number(/used_memory:(\d+)/.exec(await w.redis.info('memory'))?.[1] ?? 0);
  const urls = new Set(archive.map((a) => a.url));
  const lostArticles = [...w.farm.served.keys()].filter((u) => !urls.has(u)).length;

  // expected stories per subscription, then wait for the channels
  const subRules = (i: number): Set<string> => new Set(i % 2 === 0 ? ['sanctions'] : Array.from({ length: 100 }, (_, k) => `gen-${(i * 100 + k) % RULES}`));
  const expected = Array.from({ length: SUBS }, (_, i) => {
    const rules = subRules(i);
    return new Set(archive.filter((a) => a.rules.some((r) => rules.has(r))).map((a) => a.clusterId));
  });
  const byUrl = new Map(archive.map((a) => [a.url, a.clusterId]));
  await watchCatchUp;
  const account = async (): Promise<{ delivered: Map<string, number>[]; lost: number; dup: number; latencies: number[]; catchUpLatencies: number[]; backlogLatencies: number[]; instantMsgs: number }> => {
    const deliveries = await collectDeliveries(w);
    const delivered = Array.from({ length: SUBS }, () => new Map<string, number>());
    const firstAt = new Map<string, number>();
    let instantMsgs = 0;
    for (const d of deliveries) {
      let sub = -1;
      if (d.channel === 'webhook') {
        sub = Number(/\/hook\/(\d+)/.exec(d.target)?.[1] ?? -1);
        instantMsgs++;
        for (const u of d.urls) if (!firstAt.has(`${sub} ${u}`)) firstAt.set(`${sub} ${u}`, d.at);
      } else if (d.channel === 'email') {
        sub = Number(/desk-(\d+)@/.exec(d.target)?.[1] ?? -1);
      }
      if (sub < 0) continue;
      for (const cluster of new Set(d.urls.map((u) => byUrl.get(u) ?? u))) delivered[sub]!.set(cluster, (delivered[sub]!.get(cluster) ?? 0) + 1);
    }
    let lost = 0;
    let dup = 0;
    expected.forEach((set, i) => {
      for (const c of set) if (!delivered[i]!.has(c)) lost++;
      for (const n of delivered[i]!.values()) dup += n - 1;
    });
    const servedItems = new Map([...w.farm.served.values()].map((s) => [s.url, s]));
    const latencies: number[] = [];
    const catchUpLatencies: number[] = [];
    const backlogLatencies: number[] = [];
    for (const [k, at] of firstAt) {
      const item = servedItems.get(k.split(' ')[1] ?? '');
      if (!item) continue;
      // served by the outlet's first poll: part of the startup backlog
      const firstPoll = w.farm.requests.get(item.source)?.[0] ?? 0;
      const group = item.firstServed - firstPoll < INTERVAL_MS / 2 ? backlogLatencies : item.firstServed < caughtUpAt ? catchUpLatencies : latencies;
      group.push(at - item.firstServed);
    }
    return { delivered, lost, dup, latencies, catchUpLatencies, backlogLatencies, instantMsgs };
  };
  let acc = await account();
  await waitFor(async () => {
    acc = await account();
    return acc.lost === 0;
  }, 120_000);

  const requests = [...w.farm.requests.values()];
  const duplicateFetches = requests.reduce((n, times) => n + times.filter((t, k) => k > 0 && t - times[k - 1]! < INTERVAL_MS / 2).length, 0);
  const rssByRole = new Map<string, number[]>();
  for (const p of w.procs) rssByRole.set(p.roles.join('+'), [...(rssByRole.get(p.roles.join('+')) ?? []), Math.round(p.peakRssMb())]);
  return {
    archived: archive.length,
    burstRate,
    p50: percentile(acc.latencies, 50),
    p95: percentile(acc.latencies, 95),
    steady: acc.latencies.length,
    catchUpP50: percentile(acc.catchUpLatencies, 50),
    catchUpP95: percentile(acc.catchUpLatencies, 95),
    catchUp: acc.catchUpLatencies.length,
    caughtUpAfter: caughtUpAt - t0,
    backlogP50: percentile(acc.backlogLatencies, 50),
    backlogP95: percentile(acc.backlogLatencies, 95),
    backlog: acc.backlogLatencies.length,
    instantDeliveries: acc.instantMsgs,
    rss: [...rssByRole].map(([r, mbs]) => `${r} ${mbs.join('/')} MB`).join(', '),
    redisPerArticle: (memAfter - memBefore) / Math.max(1, archive.length),
    duplicateFetches,
    duplicateDeliveries: acc.dup,
    lostDeliveries: acc.lost,
    lostArticles,
  };
}

const secs = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'never');

const describeLoad = (f: LoadFigures): [string, string][] => [
  ['sources x polls / rules / subscriptions', `${SOURCES} x ${POLLS} (+5 initial items each) / default + ${RULES} / ${SUBS}`],
  ['articles archived / lost', `${f.archived} / ${f.lostArticles}`],
  ['first burst', `${f.burstRate.toFixed(0)} articles/s`],
  ['first seen -> instant webhook delivery, steady state (after the processors caught up)', `p50 ${secs(f.p50)}, p95 ${secs(f.p95)} (${f.steady} stories)`],
  ['the same, startup backlog (first poll of each outlet)', `p50 ${secs(f.backlogP50)}, p95 ${secs(f.backlogP95)} (${f.backlog} stories)`],
  ['the same, served while the processors caught up with it', `p50 ${secs(f.catchUpP50)}, p95 ${secs(f.catchUpP95)} (${f.catchUp} stories; caught up ${secs(f.caughtUpAfter)} after the first poll; ${f.instantDeliveries} webhook messages in all)`],
  ['peak RSS per process', f.rss],
  ['Redis memory per archived article', `${(f.redisPerArticle / 1024).toFixed(1)} KB`],
  ['duplicate fetches / duplicate deliveries / stories lost', `${f.duplicateFetches} / ${f.duplicateDeliveries} / ${f.lostDeliveries}`],
];

let single: LoadFigures | undefined;

it(`scenario 10: ${SOURCES} sources, ${RULES} generated rules, 20 subscriptions, one process per role`, async () => {
  const f = (single = await runLoad(1));
  const met = f.p95 < 5000 && f.lostArticles === 0 && f.lostDeliveries === 0 && f.duplicateDeliveries === 0;
  recordResult({ id: '10', title: 'Load, one process per role', figures: describeLoad(f), target: 'p95 first seen -> instant delivery < 5 s in the steady state', met });
  expect(f.lostArticles).toBe(0);
  expect(f.lostDeliveries).toBe(0);
  expect(f.duplicateDeliveries).toBe(0);
  if (ASSERT_TIMING) expect(f.p95).toBeLessThan(5000);
});

it('scenario 11: the same load with two processes per role', async () => {
  const f = await runLoad(2);
  const ratio = single ? f.burstRate / single.burstRate : NaN;
  const met = f.duplicateFetches === 0 && f.duplicateDeliveries === 0 && f.lostDeliveries === 0 && f.lostArticles === 0;
  recordResult({
    id: '11',
    title: 'Load, two processes per role',
    figures: [...describeLoad(f), ['burst rate vs one process per role', `${ratio.toFixed(2)}x (2 cores shared by all processes)`]],
    target: 'no duplicate fetches, no duplicate deliveries',
    met,
  });
  expect(f.duplicateFetches).toBe(0);
  expect(f.duplicateDeliveries).toBe(0);
  expect(f.lostDeliveries).toBe(0);
  expect(f.lostArticles).toBe(0);
});
