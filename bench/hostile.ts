/**
 * bench:hostile — what the hostile document shapes of issue 11 cost (tests/reliability/harness/
 * hostile-docs.ts), and whether the service stays responsive while it polls them.
 *
 * Part 1: each shape at 1 MB and at 4 MiB, parsed once through the parse pool and once on the
 * event loop (as before the pool), each run in a process of its own (bench/hostile-one.ts):
 * wall time from the call to the answer, peak RSS of that process, outcome (`parsed N`, `refused
 * parse-timeout`, ...). An on-thread run is stopped after `--cap` seconds (default 30).
 *
 * Part 2: `belwatch run` (dist/, built by the npm script) polls every shape at 4 MiB from a local
 * HTTP server on 127.0.0.1 every 2 s (the nested article page through a `fullText` feed) plus a
 * healthy feed, while this process asks `/healthz` every 10 ms for `--seconds` (default 30):
 * p50/p99/max latency, and each source's last outcome from its health record. Uses its own Redis
 * key prefix and deletes its keys afterwards.
 *
 *   npm run bench:hostile [-- --cap 30 --seconds 30 --budget 2000 --parse 0|1 --healthz 0|1]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { readHealth } from '../src/store/health.js';
import { Keys } from '../src/store/redis.js';
import { writeConfigDir } from '../tests/helpers/config-dir.js';
import { rssFeed, startFixtureServer } from '../tests/helpers/fixture-server.js';
import { freePort, spawnBelwatch, waitFor } from '../tests/helpers/processes.js';
import { deleteKeys } from '../tests/helpers/redis.js';
import { feedLinkingTo, hostileDocument, HOSTILE_SHAPES, SHAPE_KIND } from '../tests/reliability/harness/hostile-docs.js';

const { values: args } = parseArgs({
  options: { cap: { type: 'string', default: '30' }, seconds: { type: 'string', default: '30' }, budget: { type: 'string', default: '2000' }, parse: { type: 'string', default: '1' }, healthz: { type: 'string', default: '1' } },
});
const CAP_S = Number(args.cap);
const SECONDS = Number(args.seconds);
const BUDGET_MS = Number(args.budget);
/** `--parse 0` skips part 1, `--healthz 0` part 2. */
const PARTS = { parse: args.parse !== '0', healthz: args.healthz !== '0' };
const SIZES = [1_000_000, 4 * 1024 * 1024] as const;
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const HERE = path.dirname(new URL(import.meta.url).pathname);

interface One {
  readonly ms: number;
  readonly outcome: string;
  readonly peakRssMb: number;
}

function measure(shape: string, bytes: number, mode: 'pool' | 'thread'): Promise<One | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'hostile-one.ts'), shape, String(bytes), mode, String(BUDGET_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  // an on-thread parse is stopped at the cap; a pool run answers within the budget (plus the workers' start)
  const timer = setTimeout(() => child.kill('SIGKILL'), mode === 'thread' ? CAP_S * 1000 : 120_000);
  return new Promise((resolve) => {
    child.once('exit', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as One);
      } catch {
        resolve(null);
      }
    });
  });
}

const sizeLabel = (b: number): string => (b === SIZES[0] ? '1 MB' : '4 MiB');
const time = (r: One | null): string => (r ? `${(r.ms / 1000).toFixed(2)} s` : `> ${CAP_S} s (stopped)`);

async function parseTable(): Promise<string[]> {
  const rows = ['| shape | size | on the event loop | peak RSS | in the pool | peak RSS | pool outcome |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const shape of HOSTILE_SHAPES) {
    for (const bytes of SIZES) {
      const thread = await measure(shape, bytes, 'thread');
      const pool = await measure(shape, bytes, 'pool');
      const row = `| ${shape} | ${sizeLabel(bytes)} | ${time(thread)} | ${thread ? `${thread.peakRssMb} MB` : '–'} | ${time(pool)} | ${pool ? `${pool.peakRssMb} MB` : '–'} | ${pool?.outcome ?? 'no answer'} |`;
      console.log(row);
      rows.push(row);
    }
  }
  return rows;
}

const pct = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;

async function healthzUnderHostilePolls(): Promise<string[]> {
  const server = await startFixtureServer();
  const big = 4 * 1024 * 1024;
  const sources: string[] = [];
  for (const shape of HOSTILE_SHAPES) {
    const kind = SHAPE_KIND[shape];
    server.routes.set(`/${shape}`, { body: hostileDocument(shape, big), contentType: kind === 'feed' ? 'application/rss+xml' : 'text/html' });
    if (kind === 'full-text') server.routes.set(`/${shape}/feed`, { body: feedLinkingTo(server.url(`/${shape}`)), contentType: 'application/rss+xml' });
    const url = server.url(kind === 'full-text' ? `/${shape}/feed` : `/${shape}`);
    const extra = kind === 'full-text' ? ', fullText: true' : kind === 'page' ? ', selectors: { item: article, link: a, title: a }' : '';
    sources.push(`  - { id: ${shape}, name: ${shape}, kind: ${kind === 'page' ? 'page' : 'feed'}, url: "${url}", interval: 2s${extra} }\n`);
  }
  const healthyItems = Array.from({ length: 20 }, (_, i) => ({ title: `Healthy story ${i}`, link: `https://healthy.example/${i}`, description: `Story ${i}.`, pubDate: new Date(Date.UTC(2026, 11, 4, 8, i)).toUTCString() }));
  server.routes.set('/healthy', { body: rssFeed('healthy', 'https://healthy.example/', healthyItems) });
  sources.push(`  - { id: healthy, name: healthy, kind: feed, url: "${server.url('/healthy')}", interval: 2s }\n`);
  const prefix = `bwbench-${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const config = writeConfigDir({
    'sources.yaml': `sources:\n${sources.join('')}`,
    'settings.yaml': `redis: { url: "${REDIS_URL}", prefix: ${prefix} }\nhttp: { allowPrivateNetworks: [127.0.0.1/32] }\nserver: { port: ${port}, host: 127.0.0.1 }\nparse: { cpuBudget: ${BUDGET_MS}ms }\nlog: { level: warn }\n`,
  });
  const child = spawnBelwatch(['run', '--config', config.dir]);
  const redis = new Redis(REDIS_URL);
  const healthz = `http://127.0.0.1:${port}/healthz`;
  try {
    const up = await waitFor(async () => (await fetch(healthz).catch(() => null))?.ok === true, 30_000);
    if (!up) throw new Error(`belwatch run did not answer /healthz: ${child.output().slice(-2000)}`);
    const latencies: number[] = [];
    const end = performance.now() + SECONDS * 1000;
    for (let i = 0; i < 1_000_000 && performance.now() < end; i++) {
      const t = performance.now();
      const res = await fetch(healthz);
      await res.text();
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 10));
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const keys = new Keys(prefix);
    const lines = [`/healthz while polling ${HOSTILE_SHAPES.length} hostile 4 MiB sources and a healthy one every 2 s for ${SECONDS} s: ${sorted.length} probes, p50 ${pct(sorted, 50).toFixed(1)} ms, p99 ${pct(sorted, 99).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`, ''];
    lines.push('| source | polls | last outcome |', '| --- | --- | --- |');
    for (const id of [...HOSTILE_SHAPES, 'healthy']) {
      const h = await readHealth(redis, keys, id);
      const outcome = h.polls === 0 ? 'not polled yet (waiting for a worker)' : h.lastErrorClass ? `${h.lastErrorClass}: ${h.lastErrorMessage ?? ''}` : `ok, ${h.lastItemCount ?? 0} items`;
      lines.push(`| ${id} | ${h.polls} | ${outcome} |`);
    }
    return lines;
  } finally {
    await child.stop('SIGTERM');
    await deleteKeys(redis, `{${prefix}}*`);
    await redis.quit();
    await server.close();
    config.cleanup();
  }
}

console.log(`bench:hostile ${new Date().toISOString()}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, parse.cpuBudget ${BUDGET_MS} ms\n`);
if (PARTS.parse) console.log(`\n${(await parseTable()).join('\n')}\n`);
if (PARTS.healthz) console.log((await healthzUnderHostilePolls()).join('\n'));
