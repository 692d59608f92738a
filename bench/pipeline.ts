/**
 * bench:pipeline — the whole pipeline on this machine: 1,000 sources served from a local HTTP
 * server, 20 new items each, fetched, parsed, deduplicated, matched against the default rules
 * plus 1,000 generated ones, archived. Measured in the same run: BullMQ's no-op job throughput on
 * the same Redis (the floor any queue-based pipeline stands on), and a second cycle in which
 * every source answers 304. Prints articles/s, the ratio to the no-op baseline, cycle times and
 * peak RSS per worker process. The pipeline runs as it is deployed: `--workers` processes of
 * `belwatch run --role fetcher --role processor` (default 2, one per core; needs `npm run build`).
 * Uses its own key prefix and deletes its keys afterwards.
 *
 *   npm run bench:pipeline [-- --sources 1000 --items 20 --rules 1000 --workers 2]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE, type PollJobData } from '../src/pipeline/queues.js';
import { keyPrefix, redisOptionsFromUrl } from '../src/store/redis.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SOURCES = arg('sources', 1000);
const ITEMS = arg('items', 20);
const RULES = arg('rules', 1000);
/** Worker processes (`belwatch run --role fetcher --role processor`), as one would run on this 2-core machine. */
const WORKERS = arg('workers', 2);
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `bwbench-${randomBytes(4).toString('hex')}`;

// Topic words the rules look for, plus 3,000 generated filler words drawn with a Zipf-like skew,
// so texts share common words the way news does without being near-duplicates of each other.
const TOPIC = 'minsk moscow kremlin sanctions potash union state integration summit talks energy gas loan treaty army border exercise election opposition prisoner media economy refinery export import bank ruble customs visa migrant lithuania poland ukraine nuclear missile railway grain tariff'.split(' ');
const SYLLABLES = 'ka lo mi ne ru sa to vi za pe dor lin mar gen bel tur nos pra vel ost'.split(' ');
const FILLER = Array.from({ length: 3000 }, (_, i) => {
  let w = '';
  for (let n = i + 1, k = 0; k < 3; k++, n = Math.floor(n / SYLLABLES.length) + k * 7) w += SYLLABLES[n % SYLLABLES.length];
  return `${w}${i}`;
});
let seed = 42;
const rand = (): number => {
  seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
  return seed / 2 ** 32;
};
const word = (): string => (rand() < 0.1 ? TOPIC[Math.floor(rand() * TOPIC.length)] : FILLER[Math.floor(FILLER.length * rand() ** 2)]) ?? 'minsk';
const pick = (i: number, k: number): string => TOPIC[(i * 7919 + k * 104_729) % TOPIC.length] ?? 'minsk';

function feed(source: number): string {
  const items = Array.from({ length: ITEMS }, (_, j) => {
    const words = Array.from({ length: 120 }, word).join(' ');
    return `<item><title>Report ${source}-${j}: ${word()} ${word()} and ${word()}</title><link>https://outlet${source}.example/a/${j}</link><guid>https://outlet${source}.example/a/${j}</guid><pubDate>Fri, 27 Nov 2026 08:${String(j % 60).padStart(2, '0')}:00 +0000</pubDate><description>${words}</description></item>`;
  }).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Outlet ${source}</title><link>https://outlet${source}.example/</link>${items}</channel></rss>`;
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5000);
    if (batch.length > 0) await redis.unlink(...batch);
    cursor = next;
  } while (cursor !== '0');
}

async function noopBaseline(jobs: number, concurrency: number): Promise<number> {
  const connection = redisOptionsFromUrl(REDIS_URL);
  const q = new Queue('noop', { connection, prefix: keyPrefix(prefix) });
  let done = 0;
  let resolveDone: () => void = () => undefined;
  const finished = new Promise<void>((r) => (resolveDone = r));
  const w = new Worker('noop', () => Promise.resolve(undefined), { connection, prefix: keyPrefix(prefix), concurrency, autorun: false });
  w.on('completed', () => {
    if (++done === jobs) resolveDone();
  });
  for (let i = 0; i < jobs; i += 1000) await q.addBulk(Array.from({ length: Math.min(1000, jobs - i) }, (_, k) => ({ name: 'n', data: { i: i + k } })));
  const t0 = performance.now();
  void w.run();
  await finished;
  const secs = (performance.now() - t0) / 1000;
  await w.close();
  await q.close();
  return jobs / secs;
}

async function main(): Promise<void> {
  const bodies = Array.from({ length: SOURCES }, (_, i) => feed(i));
  const server = createServer((req, res) => {
    const i = Number((req.url ?? '').split('/')[2]);
    const etag = `"v1-${i}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }).end(bodies[i] ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const dir = mkdtempSync(path.join(os.tmpdir(), 'belwatch-bench-'));
  const sources = Array.from({ length: SOURCES }, (_, i) => `  - { id: s${i}, name: Outlet ${i}, kind: feed, url: "${origin}/feed/${i}", interval: 1d, lang: en }\n`).join('');
  writeFileSync(path.join(dir, 'sources.yaml'), `sources:\n${sources}`);
  const defaults = readFileSync(path.resolve(import.meta.dirname, '../config/rules.yaml'), 'utf8');
  const generated = Array.from({ length: RULES }, (_, i) => `  - { id: gen-${i}, name: Generated ${i}, query: '${pick(i, 1)} AND ${pick(i, 2)}* NOT ${pick(i, 3)}' }\n`).join('');
  writeFileSync(path.join(dir, 'rules.yaml'), `${defaults}\n${generated}`);
  writeFileSync(path.join(dir, 'subscriptions.yaml'), 'subscriptions:\n  - { id: daily, rules: ["*"], channels: [{ type: file, dir: outbox }] }\n');
  writeFileSync(
    path.join(dir, 'settings.yaml'),
    `redis: { url: "${REDIS_URL}", prefix: ${prefix} }\nhttp: { allowPrivateNetworks: [127.0.0.1/32], perHostConcurrency: 64 }\nworkers: { pollConcurrency: 32, processConcurrency: 16 }\nlog: { level: error }\n`,
  );

  const redis = new Redis(REDIS_URL);
  try {
    const baseline = await noopBaseline(SOURCES * ITEMS, 16);
    const connection = redisOptionsFromUrl(REDIS_URL);
    const pollQueue = new Queue<PollJobData>(QUEUE.poll, { connection, prefix: keyPrefix(prefix) });
    const processQueue = new Queue(QUEUE.process, { connection, prefix: keyPrefix(prefix) });
    const cli = path.resolve(import.meta.dirname, '../dist/cli/main.js');
    const workers = Array.from({ length: WORKERS }, () =>
      spawn(process.execPath, [...(process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean), cli, 'run', '--role', 'fetcher', '--role', 'processor', '--config', dir], { stdio: ['ignore', 'ignore', 'inherit'] }),
    );
    const peakRss = new Map<number, number>();
    const sampleRss = (): void => {
      for (const w of workers) {
        try {
          const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${w.pid}/status`, 'utf8'))?.[1] ?? 0);
          peakRss.set(w.pid ?? 0, Math.max(peakRss.get(w.pid ?? 0) ?? 0, kb));
        } catch {
          // exited
        }
      }
    };
    await new Promise((r) => setTimeout(r, 3000));
    const archiveKey = `${keyPrefix(prefix)}:archive:by-time`;
    const cycle = async (label: string, expectArchived: number): Promise<number> => {
      const t0 = performance.now();
      await pollQueue.addBulk(Array.from({ length: SOURCES }, (_, i) => ({ name: 'poll', data: { sourceId: `s${i}`, force: true } })));
      for (let spin = 0; spin < 36_000; spin++) {
        sampleRss();
        const counts = await pollQueue.getJobCounts('waiting', 'active', 'delayed');
        const pcounts = await processQueue.getJobCounts('waiting', 'active', 'delayed');
        const busy = Object.values(counts).reduce((a, b) => a + b, 0) + Object.values(pcounts).reduce((a, b) => a + b, 0);
        if (busy === 0 && (await redis.zcard(archiveKey)) >= expectArchived) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const secs = (performance.now() - t0) / 1000;
      console.log(`${label}: ${secs.toFixed(2)} s`);
      return secs;
    };
    const full = await cycle(`full cycle (${SOURCES} sources x ${ITEMS} new items)`, SOURCES * ITEMS);
    const archived = await redis.zcard(archiveKey);
    const notModified = await cycle(`304-only cycle (${SOURCES} sources)`, archived);
    sampleRss();
    await Promise.all(workers.map((w) => new Promise((r) => (w.once('exit', r), w.kill('SIGTERM')))));
    await pollQueue.close();
    await processQueue.close();
    const articlesPerSec = archived / full;
    const rssMb = Math.max(...peakRss.values()) / 1024;
    console.log(`articles archived: ${archived}`);
    console.log(`end-to-end: ${articlesPerSec.toFixed(0)} articles/s; BullMQ no-op baseline: ${baseline.toFixed(0)} jobs/s; ratio ${(articlesPerSec / baseline).toFixed(3)}`);
    console.log(`full cycle ${full.toFixed(1)} s (target < 60 s); 304 cycle ${notModified.toFixed(1)} s (target < 10 s); peak RSS ${rssMb.toFixed(0)} MB per worker process, ${WORKERS} processes (target < 400 MB)`);
  } finally {
    await deleteKeys(redis, `${keyPrefix(prefix)}*`);
    await redis.quit();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
