/**
 * The parse pool: documents parse in worker threads exactly as on the event loop, within a CPU
 * budget enforced from the main thread; over it they are refused as `parse-timeout` and the
 * worker is replaced.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { settingsFileSchema } from '../../src/config/schema.js';
import { closeParsePool, extractFullTextInPool, parseSourceInPool, type ParsePoolSettings } from '../../src/sources/parse-pool.js';
import { SmallestFirstGate } from '../../src/sources/parse-queue.js';
import { parseSourceBytes, type ParseInput } from '../../src/sources/parse-source.js';
import { statTicks } from '../../src/sources/thread-cpu.js';
import { rssFeed } from '../helpers/fixture-server.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const fetchedAt = new Date('2026-12-04T10:00:00Z');
const feedInput = (bytes: Buffer): ParseInput => ({ bytes, url: 'https://outlet.example/feed', fetchedAt, source: { id: 'outlet', kind: 'feed', lang: 'en' } });
const settings = (over: Partial<ParsePoolSettings> = {}): ParsePoolSettings => ({ ...settingsFileSchema.parse({}).parse, ...over });

/** A valid feed of `n` items: about 730 bytes and 0.08 ms of CPU per item on a quiet machine. */
function bigFeed(n: number): Buffer {
  const items = Array.from({ length: n }, (_, i) => ({
    title: `Item ${i} on sanctions`,
    link: `https://big.example/a/${i}`,
    description: `Text of item ${i} `.repeat(10),
    pubDate: new Date(Date.UTC(2026, 10, 1, 0, i)).toUTCString(),
  }));
  return Buffer.from(rssFeed('big', 'https://big.example/', items));
}

/** Runs `work` while measuring the event loop's longest stall (a 5 ms timer's lateness). */
async function withLoopWatch<T>(work: () => Promise<T>): Promise<{ result: T; maxStallMs: number }> {
  let last = performance.now();
  let maxStallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxStallMs = Math.max(maxStallMs, now - last - 5);
    last = now;
  }, 5);
  try {
    return { result: await work(), maxStallMs };
  } finally {
    clearInterval(timer);
  }
}

afterAll(() => closeParsePool());

describe('parse pool', () => {
  it('parses a feed in a worker to the same articles as on the event loop', async () => {
    const bytes = readFileSync(path.join(FIXTURES, 'feeds/rferl-pangea.xml'));
    const onThread = await parseSourceBytes(feedInput(Buffer.from(bytes)));
    const pooled = await parseSourceInPool(feedInput(Buffer.from(bytes)), settings());
    expect(pooled.ok).toBe(true);
    expect(pooled).toEqual(onThread);
  });

  it('refuses a document over the CPU budget as parse-timeout, and the event loop stays free meanwhile', async () => {
    const bytes = bigFeed(5000);
    const started = performance.now();
    const { result, maxStallMs } = await withLoopWatch(() => parseSourceInPool(feedInput(bytes), settings({ cpuBudget: 100 })));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('BW_PARSE');
    expect(result.error.kind).toBe('parse-timeout');
    expect(result.error.message).toMatch(/^document refused: parsing (used|took) [\d.]+ s.*over .*0\.10 s budget \(parse\.cpuBudget\)/);
    // on the event loop this feed takes some 400 ms of CPU in one piece
    expect(maxStallMs).toBeLessThan(150);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('starts a fresh worker after a refusal: the next document parses', async () => {
    const refused = await parseSourceInPool(feedInput(bigFeed(5000)), settings({ cpuBudget: 100 }));
    expect(refused.ok).toBe(false);
    const next = await parseSourceInPool(feedInput(bigFeed(3)), settings({ cpuBudget: 100 }));
    expect(next.ok && next.articles.map((a) => a.title)).toEqual(['Item 0 on sanctions', 'Item 1 on sanctions', 'Item 2 on sanctions']);
  });

  it('does not count the time a document waits for a worker against its budget, and a small document does not wait behind big ones', async () => {
    const one = settings({ workers: 1, cpuBudget: 2_000 });
    const finished: string[] = [];
    const parse = (label: string, items: number) => parseSourceInPool(feedInput(bigFeed(items)), one).then((r) => (finished.push(label), r));
    const results = await Promise.all([parse('big 1', 1500), parse('big 2', 1500), parse('big 3', 1500), parse('small', 3)]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true]);
    // the first big one was running when the small one came: the small one took the express thread
    expect(finished).toEqual(['small', 'big 1', 'big 2', 'big 3']);
  });

  it('extracts an article page\'s text in a worker, and gives none for a page over the budget', async () => {
    const text = 'The foreign ministry in Minsk said on Tuesday that talks on sanctions would resume next month. '.repeat(6);
    const page = Buffer.from(`<!doctype html><html><head><title>Talks</title></head><body><nav>Home</nav><article><h1>Talks</h1><p>${text}</p></article></body></html>`);
    expect(await extractFullTextInPool(page, 'text/html; charset=utf-8', settings())).toBe(text.trim());
    const heavy = Buffer.from(`<!doctype html><html><body>${'<div><p>Minsk talks on sanctions resume. </p>'.repeat(60_000)}<article><p>${text}</p></article></body></html>`);
    expect(await extractFullTextInPool(heavy, 'text/html', settings({ cpuBudget: 50 }))).toBeNull();
  });

  it('refuses a document that needs more memory than parse.workerHeapMb as parse-error, and the process lives on', async () => {
    const r = await parseSourceInPool(feedInput(bigFeed(40_000)), settings({ workerHeapMb: 64, cpuBudget: 60_000 }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('parse-error');
    expect(r.error.message).toBe('document refused: parsing needed more than 64 MB of memory (parse.workerHeapMb)');
    expect((await parseSourceInPool(feedInput(bigFeed(2)), settings())).ok).toBe(true);
  });

  it('ends its workers on closeParsePool, and a later document starts a new pool', async () => {
    await closeParsePool();
    await closeParsePool();
    expect((await parseSourceInPool(feedInput(bigFeed(2)), settings())).ok).toBe(true);
  });
});

describe('statTicks', () => {
  it('adds utime and stime, counting fields from the last parenthesis of the command name', () => {
    const line = '4242 (node (worker) x) R 1 2 3 0 -1 4194368 1865 0 0 0 37 5 0 0 20 0 8 0 30313 1562161152 12979';
    expect(statTicks(line)).toBe(42);
    expect(statTicks('garbage')).toBeNull();
  });
});

describe('SmallestFirstGate', () => {
  it('gives small documents the express slot while the worker slots are taken, and hands it only to small ones', async () => {
    const gate = new SmallestFirstGate(1, 1);
    const order: string[] = [];
    const leaves = new Map<string, () => void>();
    const enter = (label: string, bytes: number) => gate.enter(bytes).then((leave) => void (order.push(label), leaves.set(label, leave)));
    const tick = () => new Promise((r) => setImmediate(r));
    const waits = [enter('big 1', 4_000_000), enter('big 2', 4_000_000), enter('small 1', 5_000), enter('small 2', 5_000)];
    await tick();
    expect(order).toEqual(['big 1', 'small 1']);
    leaves.get('small 1')?.(); // the express slot: to small 2, not to big 2 waiting before it
    await tick();
    expect(order).toEqual(['big 1', 'small 1', 'small 2']);
    leaves.get('small 2')?.(); // nothing small waits: the express slot stays free
    await tick();
    expect(gate.queued).toBe(1);
    leaves.get('big 1')?.();
    await tick();
    expect(order).toEqual(['big 1', 'small 1', 'small 2', 'big 2']);
    leaves.get('big 2')?.();
    await Promise.all(waits);
    // both slots free again: a big and a small document enter at once
    const both = await Promise.all([gate.enter(4_000_000), gate.enter(5_000)]);
    expect(gate.queued).toBe(0);
    for (const leave of both) leave();
  });


  it('lets the smallest waiting document in first, sizes within a factor of two in arrival order, and drops a waiter whose signal aborts', async () => {
    const gate = new SmallestFirstGate(1, 0);
    const order: string[] = [];
    const first = await gate.enter(900);
    const aborted = new AbortController();
    const leaves: (() => void)[] = [];
    const enter = (label: string, bytes: number) => gate.enter(bytes).then((leave) => void (order.push(label), leaves.push(leave)));
    const waits = [enter('600 a', 600), enter('20 a', 20), enter('520 b', 520), enter('25 b', 25)];
    const dropped = gate.enter(1, aborted.signal);
    aborted.abort(new Error('shutting down'));
    await expect(dropped).rejects.toThrow('shutting down');
    expect(gate.queued).toBe(4);
    first();
    first(); // a second call frees nothing more
    const tick = () => new Promise((r) => setImmediate(r));
    for (let k = 0; k < 4; k++) {
      await tick();
      expect(leaves).toHaveLength(k + 1); // one slot: one document at a time
      leaves[k]?.();
    }
    await Promise.all(waits);
    expect(order).toEqual(['20 a', '25 b', '600 a', '520 b']);
    expect(gate.queued).toBe(0);
  });
});
