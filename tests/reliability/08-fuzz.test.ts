/**
 * Scenario 8: generated and mutated feeds and pages through `belwatch parse` and through a live poll.
 *
 * Parse: `DOCS` mutants (1,000 short, 10,000 long) of the fixtures and the feedparser corpus
 * (`harness/mutate.ts`, deterministic from `BELWATCH_FUZZ_SEED`), 70 % read as feeds, 20 % as a
 * `page` source and 10 % as a `page-change` source, written to a temporary directory batch by
 * batch and parsed by `belwatch parse --jsonl` (one process per batch, two at a time, files removed
 * after their batch). Every process must exit 0 or 1 (never 13 — a promise that never settled —, a
 * signal, or a timeout), print no stack trace, and print one JSON line per input, in order. Refusals
 * are counted by kind; "cannot read" refusals are exceptions that escaped a parser and were caught
 * only by the last-resort handler of `parseSourceBytes`: counted and listed. Page mutants nest as
 * deep as feed mutants (up to 50,000 levels): pages nested deeper than 2,000 are refused before
 * parse5 sees them (its time grows with the square of the depth; this scenario found it).
 *
 * Live poll: `belwatch run` polls 'custom' farm outlets every second, each request answered with
 * the next mutant (random content type, sometimes gzip, sometimes a broken gzip), and every fourth
 * (the first included) with a valid RSS feed whose sanctions items carry mutated text, so matching, clustering and every
 * channel see it too. Checked: the process never exits, its log has no uncaught exception and no
 * fatal line, every outlet keeps being polled (a poll that never finishes would stop its outlet),
 * and the pipeline drains at the end.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, expect, it } from 'vitest';
import { CLI, hasStackTrace } from '../helpers/cli.js';
import { sleep, waitFor } from '../helpers/processes.js';
import type { CustomResponse } from './harness/feed-farm.js';
import { loadSeeds, mutant, prng, type MutantOptions, type SeedDoc } from './harness/mutate.js';
import { scale } from './harness/profile.js';
import { recordResult, runDir } from './harness/run-dir.js';
import { DEFAULT_RULES, createWorld, type World } from './harness/world.js';

const SEED = Number(process.env['BELWATCH_FUZZ_SEED'] ?? 20261127);
const DOCS = scale(1000, 10_000);
const BATCH = scale(250, 500);
const MAX_BYTES = scale(64 * 1024, 4 * 1024 * 1024);
const BATCH_DEADLINE_MS = scale(120_000, 900_000);
const LIVE_SOURCES = scale(16, 40);
const LIVE_MS = scale(15_000, 120_000);
/** Polls every outlet must have had: failing polls back off (1 s, 2 s, 4 s, ...). */
const MIN_POLLS = scale(2, 5);
/** Deepest nesting in page mutants (see the module comment). */

type Kind = 'feed' | 'page' | 'page-change';
const SOURCE_OF: Record<Kind, string | null> = { feed: null, page: 'fz-page', 'page-change': 'fz-change' };
const kindOf = (n: number): Kind => (n % 10 < 7 ? 'feed' : n % 10 < 9 ? 'page' : 'page-change');

let world: World | undefined;
let inputs: string | undefined;
afterAll(async () => {
  await world?.close();
  if (inputs) rmSync(inputs, { recursive: true, force: true });
});

interface BatchResult {
  readonly kind: Kind;
  readonly docs: readonly number[];
  readonly code: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly lines: readonly { file: string; ok: boolean; error?: string }[];
  readonly stderr: string;
  readonly slowest: { ms: number; doc: number };
}

function runBatch(kind: Kind, docs: readonly number[], files: readonly string[], configDir: string): Promise<BatchResult> {
  const source = SOURCE_OF[kind];
  const args = [CLI, '--config', configDir, 'parse', '--jsonl', ...(source ? ['--source', source] : []), ...files];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: { file: string; ok: boolean; error?: string }[] = [];
  let stderr = '';
  let pending = '';
  // the first line also waited for the process to start: gaps are measured from it on
  let last = 0;
  let slowest = { ms: 0, doc: -1 };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      const now = Date.now();
      if (last > 0 && now - last > slowest.ms) slowest = { ms: now - last, doc: docs[lines.length] ?? -1 };
      last = now;
      try {
        const j = JSON.parse(line) as { file: string; ok: boolean; error?: string };
        lines.push({ file: j.file, ok: j.ok, ...(j.error === undefined ? {} : { error: j.error }) });
      } catch {
        lines.push({ file: '', ok: false, error: `unreadable output line: ${line.slice(0, 80)}` });
      }
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, BATCH_DEADLINE_MS);
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ kind, docs, code, signal, timedOut, lines, stderr, slowest });
    });
  });
}

function writeParseConfig(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'sources.yaml'),
    `sources:
  - id: fz-page
    name: Fuzzed listing
    kind: page
    url: https://pages.example/list
    lang: en
    selectors: { item: ".views-row, article, li", link: "a[href]", title: "a", date: "time", summary: "p" }
  - id: fz-change
    name: Fuzzed report
    kind: page-change
    url: https://pages.example/report
    lang: en
`,
  );
  writeFileSync(path.join(dir, 'rules.yaml'), DEFAULT_RULES);
  writeFileSync(path.join(dir, 'subscriptions.yaml'), 'subscriptions: []\n');
}

const xmlText = (b: Buffer): string =>
  b
    .toString('latin1')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');

const CONTENT_TYPES = ['application/rss+xml; charset=utf-8', 'application/atom+xml', 'application/feed+json', 'text/xml; charset=windows-1251', 'text/html; charset=utf-8', 'application/octet-stream', 'text/plain; charset=x-bogus', 'application/xml; charset=utf-16'];

/** The live farm's answer to the n-th request of outlet i. */
function liveResponse(seeds: readonly SeedDoc[], i: number, n: number): CustomResponse {
  const r = prng((SEED + 1 + i * 7919 + n * 104_729) >>> 0);
  const m = mutant(seeds, SEED + 1, i * 1_000_000 + n, { maxBytes: 256 * 1024 });
  if (n % 4 === 1) {
    const items = [0, 1, 2]
      .map((k) => {
        const text = xmlText(m.bytes.subarray(k * 300, k * 300 + 600));
        const url = `https://fuzz${i}.example/n/${n}/${k}`;
        return `<item><title>Sanctions against Belarus ${i}-${n}-${k}: ${text.slice(0, 200)}</title><link>${url}</link><guid>${url}</guid><description>Minsk sanctions ${text}</description></item>`;
      })
      .join('');
    return { body: `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Fuzz ${i}</title><link>https://fuzz${i}.example/</link><description>x</description>${items}</channel></rss>`, contentType: 'application/rss+xml; charset=utf-8' };
  }
  const contentType = CONTENT_TYPES[Math.floor(r() * CONTENT_TYPES.length)]!;
  if (n % 7 === 3) return { body: gzipSync(m.bytes), contentType, headers: { 'content-encoding': 'gzip' } };
  if (n % 11 === 5) return { body: m.bytes, contentType, headers: { 'content-encoding': 'gzip' } };
  return { body: m.bytes, contentType };
}

it(`parses ${DOCS} mutated feeds and pages and survives a live poll of mutants with no crash`, async () => {
  const { seeds, fromCorpus } = loadSeeds();
  const pageSeeds = seeds.filter((s) => s.name.startsWith('pages/'));
  const work = path.join(runDir(), `fuzz-${randomBytes(3).toString('hex')}`);
  const configDir = path.join(work, 'config');
  writeParseConfig(configDir);
  const inputDir = (inputs = mkdtempSync(path.join(os.tmpdir(), 'belwatch-fuzz-')));

  // --- parse, batch by batch
  const byKind = new Map<Kind, number[]>();
  for (let n = 0; n < DOCS; n++) byKind.set(kindOf(n), [...(byKind.get(kindOf(n)) ?? []), n]);
  const batches: [Kind, number[]][] = [];
  for (const [kind, docs] of byKind) for (let k = 0; k < docs.length; k += BATCH) batches.push([kind, docs.slice(k, k + BATCH)]);
  const steps = new Map<number, string>();
  let bytesParsed = 0;
  const results: BatchResult[] = [];
  const t0 = Date.now();
  const work1 = async (): Promise<void> => {
    for (let b = batches.shift(); b; b = batches.shift()) {
      const [kind, docs] = b;
      const files = docs.map((n) => {
        const opts: MutantOptions = { maxBytes: MAX_BYTES };
        const m = mutant(kind === 'feed' ? seeds : [...pageSeeds, ...pageSeeds, ...pageSeeds, ...seeds.slice(0, 10)], SEED, n, opts);
        steps.set(n, `${m.seedName} ${m.steps.join('+')}`);
        bytesParsed += m.bytes.length;
        const f = path.join(inputDir, `doc-${n}`);
        writeFileSync(f, m.bytes);
        return f;
      });
      results.push(await runBatch(kind, docs, files, configDir));
      for (const f of files) rmSync(f, { force: true });
      await sleep(0);
    }
  };
  await Promise.all([work1(), work1()]);
  const parseSecs = (Date.now() - t0) / 1000;

  const crashes: string[] = [];
  const outOfOrder: string[] = [];
  let ok = 0;
  const refusedBy = new Map<string, number>();
  const lastResort: string[] = [];
  let slowest = { ms: 0, doc: -1 };
  for (const r of results) {
    const expected = r.docs.map((n) => path.join(inputDir, `doc-${n}`));
    if (r.timedOut || r.signal !== null || (r.code !== 0 && r.code !== 1) || r.lines.length !== r.docs.length) {
      const stuck = r.docs[r.lines.length];
      crashes.push(`${r.kind} batch from doc ${r.docs[0]}: exit ${r.code ?? r.signal}${r.timedOut ? ' (timed out)' : ''}, ${r.lines.length}/${r.docs.length} lines; next doc ${stuck} (${stuck === undefined ? '-' : steps.get(stuck)})`);
    }
    if (hasStackTrace(r.stderr) || /uncaught|unhandled/i.test(r.stderr)) crashes.push(`${r.kind} batch from doc ${r.docs[0]}: stderr ${r.stderr.slice(0, 200)}`);
    r.lines.forEach((l, k) => {
      if (l.file !== expected[k]) outOfOrder.push(`${l.file} at ${k}`);
      if (l.ok) ok++;
      else {
        const kind = /^([a-z-]+):/.exec(l.error ?? '')?.[1] ?? 'other';
        refusedBy.set(kind, (refusedBy.get(kind) ?? 0) + 1);
        if (/: cannot read: /.test(l.error ?? '')) lastResort.push(`doc ${r.docs[k]} (${steps.get(r.docs[k]!)}): ${l.error?.slice(0, 120)}`);
      }
    });
    if (r.slowest.ms > slowest.ms) slowest = r.slowest;
  }
  writeFileSync(path.join(work, 'parse-summary.json'), JSON.stringify({ seed: SEED, docs: DOCS, crashes, outOfOrder, lastResort, slowest, slowestDoc: steps.get(slowest.doc) }, null, 2));

  // --- live poll of mutants
  const w = (world = await createWorld({
    name: 'fuzz-live',
    logLevel: 'info',
    interval: '1s',
    farm: { sources: LIVE_SOURCES, behaviour: () => 'custom', custom: (i, n) => liveResponse(seeds, i, n) },
    settings: 'workers: { pollConcurrency: 8, processConcurrency: 4 }\n',
  }));
  const proc = w.start(['scheduler', 'fetcher', 'processor', 'notifier'], { label: 'all' });
  await sleep(LIVE_MS);
  const polls = Array.from({ length: LIVE_SOURCES }, (_, i) => w.farm.requests.get(i)?.length ?? 0);
  w.farm.freeze();
  const drained = await waitFor(async () => (await w.pipelineBacklog()) === 0, 30_000);
  const alive = proc.alive();
  const log = proc.log();
  const entries = log
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      try {
        return JSON.parse(l) as { level?: number; msg?: string; outcome?: string; errorClass?: string };
      } catch {
        return { level: 0, msg: l };
      }
    });
  const uncaught = /uncaught|unhandled/i.test(log);
  const fatal = entries.filter((e) => (e.level ?? 0) >= 60).length;
  const unparsed = entries.filter((e) => e.level === 0).length;
  // a successful poll logs `polled` with its outcome, a failed one `poll failed` with its error class
  const outcomes = new Map<string, number>();
  for (const e of entries) {
    if (e.msg === 'polled') outcomes.set(e.outcome ?? '?', (outcomes.get(e.outcome ?? '?') ?? 0) + 1);
    else if ((e.msg ?? '').startsWith('poll failed')) outcomes.set(e.errorClass ?? 'error', (outcomes.get(e.errorClass ?? 'error') ?? 0) + 1);
  }
  const archived = await w.archivedCount();
  const deliveries = w.webhook.received.length + w.slack.received.length + w.mail.mails.length;

  const fmt = (m: Map<string, number>): string => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
  const figures: [string, string][] = [
    ['seed / seeds (feedparser corpus)', `${SEED} / ${seeds.length} (${fromCorpus})`],
    ['documents parsed (feed / page / page-change), MB', `${DOCS} (${byKind.get('feed')?.length ?? 0} / ${byKind.get('page')?.length ?? 0} / ${byKind.get('page-change')?.length ?? 0}), ${(bytesParsed / 1e6).toFixed(0)} MB in ${parseSecs.toFixed(0)} s`],
    ['parsed / refused by kind', `${ok} / ${fmt(refusedBy)}`],
    ['process crashes, hangs or stack traces (parse)', String(crashes.length)],
    ['exceptions caught only by the last-resort handler', String(lastResort.length)],
    ['slowest input', `${(slowest.ms / 1000).toFixed(1)} s (doc ${slowest.doc}: ${steps.get(slowest.doc) ?? '-'})`],
    ['live: outlets, polls served (min per outlet), run', `${LIVE_SOURCES}, ${polls.reduce((a, b) => a + b, 0)} (${Math.min(...polls)}), ${LIVE_MS / 1000} s`],
    ['live: poll outcomes', fmt(outcomes)],
    ['live: articles archived, deliveries', `${archived}, ${deliveries}`],
    ['live: process alive, uncaught, fatal log lines, pipeline drained', `${alive ? 'yes' : 'no'}, ${uncaught ? 'yes' : '0'}, ${fatal}, ${drained ? 'yes' : 'no'}`],
  ];
  const met = crashes.length === 0 && outOfOrder.length === 0 && alive && !uncaught && fatal === 0 && drained && Math.min(...polls) >= MIN_POLLS;
  recordResult({ id: '8', title: `Fuzz: ${DOCS} mutated feeds and pages through parse, and a live poll`, figures, target: '0 uncaught exceptions, 0 process crashes', met });

  expect(crashes).toEqual([]);
  expect(outOfOrder).toEqual([]);
  expect(ok + [...refusedBy.values()].reduce((a, b) => a + b, 0)).toBe(DOCS);
  expect(alive, 'the live service kept running').toBe(true);
  expect(uncaught).toBe(false);
  expect(fatal).toBe(0);
  expect(unparsed, 'every log line is JSON').toBe(0);
  expect(Math.min(...polls), 'every outlet kept being polled').toBeGreaterThanOrEqual(MIN_POLLS);
  expect(drained, 'no poll or process job left running').toBe(true);
});
