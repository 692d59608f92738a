/**
 * Memory of each role at start with 10,000 watch rules: starts `belwatch run --role ROLE` (the built
 * CLI, dist/, or `BELWATCH_CLI`) once per role against one generated config (rules from
 * match-corpus.ts, one source, real Redis at $REDIS_URL or 127.0.0.1:6379 under a fresh prefix),
 * waits for "belwatch running", lets it settle 2 s, and reads the process's resident set (VmRSS)
 * and its peak (VmHWM) from /proc. Only processors should pay for the compiled rules.
 *
 *   npm run bench:roles        (builds first; RULES=N to change the count)
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { buildAliases, buildRules, buildVocabulary, seededRandom } from './match-corpus.js';

const RULES = Number(process.env['RULES'] ?? 10_000);
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const CLI = process.env['BELWATCH_CLI'] ?? path.resolve(import.meta.dirname, '../dist/cli/main.js');
const ROLES = ['processor', 'notifier', 'scheduler', 'fetcher'] as const;

const rnd = seededRandom(20_260_401);
const vocab = buildVocabulary(rnd, 40_000);
const aliases = buildAliases(rnd, vocab, 200);
const rules = buildRules(seededRandom(RULES), vocab, 200, RULES);
const prefix = `bwbench-${randomBytes(4).toString('hex')}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'belwatch-rss-'));
writeFileSync(path.join(dir, 'rules.yaml'), stringify({ aliases, rules }));
writeFileSync(path.join(dir, 'sources.yaml'), stringify({ sources: [{ id: 'edm', name: 'EDM', kind: 'feed', url: 'https://jamestown.org/programs/edm/feed/', interval: '6h' }] }));
writeFileSync(
  path.join(dir, 'subscriptions.yaml'),
  stringify({ subscriptions: [{ id: 'daily', rules: ['*'], mode: 'digest', schedule: { cron: '0 8 * * *', timezone: 'Europe/Minsk' }, channels: [{ type: 'file', dir: path.join(dir, 'outbox') }] }] }),
);
writeFileSync(path.join(dir, 'settings.yaml'), stringify({ redis: { url: REDIS_URL, prefix }, server: { port: 0, host: '127.0.0.1' }, log: { level: 'info' } }));

function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function measure(role: string): Promise<{ rss: number; peak: number; startMs: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, 'run', '--role', role, '--config', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (let i = 0; i < 1200 && !out.includes('belwatch running'); i++) {
      if (child.exitCode !== null) throw new Error(`${role} exited: ${out.slice(-500)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!out.includes('belwatch running')) throw new Error(`${role} did not start in 120 s`);
    const startMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 2_000));
    return { ...memory(child.pid!), startMs };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

try {
  console.log(`${RULES} rules, ${CLI}`);
  console.log('role        RSS MB   peak MB   start s');
  for (const role of ROLES) {
    const m = await measure(role);
    console.log(`${role.padEnd(10)} ${m.rss.toFixed(0).padStart(7)} ${m.peak.toFixed(0).padStart(9)} ${(m.startMs / 1000).toFixed(2).padStart(9)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  let cursor = '0';
  for (let i = 0; i < 10_000; i++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  await redis.quit();
}
