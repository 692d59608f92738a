/**
 * Parsing off the event loop: a pool of worker threads (piscina) runs `parseSourceBytes` and the
 * full-text extraction (src/sources/parse-worker.ts) so no document, however hostile, takes the
 * service's event loop from other sources, `/healthz` or the queues.
 *
 * Budget: each document gets `parse.cpuBudget` (default 2 s) of CPU time of the thread that parses
 * it. CPU time, not wall time, because on a loaded machine a wall-clock budget refuses innocent
 * feeds whose thread merely waited for a core. The worker writes its kernel thread id and CPU time
 * into a shared meter when it starts a document; the main thread reads that thread's
 * `/proc/self/task/<tid>/stat` every few tens of milliseconds and, past the budget, aborts the
 * task: piscina terminates the worker (and starts a fresh one), and the document is refused with a
 * `ParseError` of kind `parse-timeout`. Wall time still caps a document at `WALL_FACTOR` times the
 * budget (a thread that got less than a fifth of a core for that long means an overloaded machine,
 * and the poll must end). Where a thread's CPU time cannot be read (no procfs: not Linux) the
 * budget is wall time, `FALLBACK_WALL_FACTOR` times the budget. Time spent queued for a worker is
 * never counted; documents wait smallest first, and documents under 256 KiB have a thread of their own (parse-queue.ts). A worker that exceeds its heap
 * (`parse.workerHeapMb`) is ended by Node and the document refused as `parse-error`; the process is
 * unharmed.
 *
 * Lifecycle: one pool per process, started on the first document and sized by `parse.workers`
 * (default min(2, cores)); a reload with another `workers` or `workerHeapMb` replaces it (the old
 * one finishes its documents), a new `cpuBudget` applies from the next document. `closeParsePool()`
 * ends it; the service's `close()` and the CLI commands call it, and idle workers never hold a
 * process open. The worker file is the compiled `parse-worker.js` next to this module, or under
 * tsx/vitest the TypeScript source loaded through tsx's loader.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { Settings } from '../config/types.js';
import { describeError, ParseError } from '../errors.js';
import type { ParseInput, ParsedSource, SourceShape } from './parse-source.js';
import { SmallestFirstGate } from './parse-queue.js';
import { METER_BYTES, meterViews, type ParseTask, type ParseTaskResult } from './parse-task.js';
import { MS_PER_TICK, threadCpuTicks } from './thread-cpu.js';

export type ParsePoolSettings = Settings['parse'];

/** With CPU time measured, a document still ends after this many budgets of wall time. */
export const WALL_FACTOR = 5;
/** Without a CPU clock for the thread, the budget is this many budgets of wall time. */
export const FALLBACK_WALL_FACTOR = 2;

interface Watch {
  readonly budget: number;
  readonly ints: Int32Array;
  readonly floats: Float64Array;
  readonly controller: AbortController;
  over?: { readonly cpuMs: number | null; readonly wallMs: number };
}

type Failure = Extract<ParseTaskResult, { ok: false }>;

function workerScript(): { filename: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('./parse-worker.js', import.meta.url));
  if (import.meta.url.endsWith('.js') && existsSync(js)) return { filename: js, execArgv: [] };
  // Under tsx or vitest this module is TypeScript: the worker loads the sources through tsx.
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { filename: fileURLToPath(new URL('./parse-worker.ts', import.meta.url)), execArgv: ['--import', loader] };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 1000 ? 2 : 1)} s`;

function overBudget(over: NonNullable<Watch['over']>, budget: number): string {
  if (over.cpuMs === null) return `parsing took ${seconds(over.wallMs)}, over ${FALLBACK_WALL_FACTOR} times the ${seconds(budget)} budget (parse.cpuBudget; wall clock: no CPU clock for the thread)`;
  if (over.cpuMs > budget) return `parsing used ${seconds(over.cpuMs)} of CPU time, over the ${seconds(budget)} budget (parse.cpuBudget)`;
  return `parsing took ${seconds(over.wallMs)} (${seconds(over.cpuMs)} of CPU time), over ${WALL_FACTOR} times the ${seconds(budget)} budget (parse.cpuBudget): the machine is overloaded`;
}

class ParsePool {
  private readonly piscina: Piscina<ParseTask, ParseTaskResult>;
  private readonly gate: SmallestFirstGate;
  private readonly running = new Set<Watch>();
  private timer: NodeJS.Timeout | undefined;
  private sampling = false;

  constructor(readonly settings: Pick<ParsePoolSettings, 'workers' | 'workerHeapMb'>) {
    // one more thread than workers: the express slot for small documents (parse-queue.ts)
    this.gate = new SmallestFirstGate(settings.workers, 1);
    this.piscina = new Piscina({
      ...workerScript(),
      name: 'default',
      minThreads: settings.workers + 1,
      maxThreads: settings.workers + 1,
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: settings.workerHeapMb },
    });
    // A worker that dies between tasks is replaced by piscina; its error must not end the process
    // (an 'error' event without a listener would throw). A task's own failure reaches its caller.
    this.piscina.on('error', () => undefined);
  }

  async run(make: (meter: SharedArrayBuffer) => ParseTask, budget: number, signal: AbortSignal | undefined): Promise<ParseTaskResult> {
    const meter = new SharedArrayBuffer(METER_BYTES);
    const watch: Watch = { budget, ...meterViews(meter), controller: new AbortController() };
    const task = make(meter);
    let leave: () => void;
    try {
      leave = await this.gate.enter(task.bytes.byteLength, signal);
    } catch (e) {
      return { ok: false, kind: 'parse-error', message: `parse aborted: ${describeError(e)}` };
    }
    const stop = signal ? AbortSignal.any([signal, watch.controller.signal]) : watch.controller.signal;
    this.watch(watch);
    try {
      return await this.piscina.run(task, { signal: stop, transferList: [task.bytes.buffer as ArrayBuffer] });
    } catch (e) {
      return this.failure(e, watch);
    } finally {
      this.unwatch(watch);
      leave();
    }
  }

  private failure(e: unknown, watch: Watch): Failure {
    if (watch.over) return { ok: false, kind: 'parse-timeout', message: `document refused: ${overBudget(watch.over, watch.budget)}` };
    if ((e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return { ok: false, kind: 'parse-error', message: `document refused: parsing needed more than ${this.settings.workerHeapMb} MB of memory (parse.workerHeapMb)` };
    }
    return { ok: false, kind: 'parse-error', message: `cannot read: ${describeError(e)}` };
  }

  private watch(w: Watch): void {
    this.running.add(w);
    // Often enough to stop a document near its budget: every 50 ms, every 10 ms for budgets under 0.5 s.
    this.timer ??= setInterval(() => void this.sample(), w.budget < 500 ? 10 : 50).unref();
  }

  private unwatch(w: Watch): void {
    this.running.delete(w);
    if (this.running.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private async sample(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      await Promise.all([...this.running].map((w) => this.check(w)));
    } finally {
      this.sampling = false;
    }
  }

  private async check(w: Watch): Promise<void> {
    if (w.over || Atomics.load(w.ints, 0) !== 1) return;
    const tid = w.ints[1] ?? -1;
    const ticks = tid > 0 ? await threadCpuTicks(tid) : null;
    const wallMs = performance.timeOrigin + performance.now() - (w.floats[1] ?? 0);
    const cpuMs = ticks === null ? null : (ticks - (w.floats[0] ?? 0)) * MS_PER_TICK;
    const budget = w.budget;
    const over = cpuMs === null ? wallMs > FALLBACK_WALL_FACTOR * budget : cpuMs > budget || wallMs > WALL_FACTOR * budget;
    if (!over || !this.running.has(w)) return;
    w.over = { cpuMs, wallMs };
    w.controller.abort();
  }

  close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    return this.piscina.close();
  }
}

let pool: ParsePool | undefined;

function poolFor(settings: ParsePoolSettings): ParsePool {
  const same = pool && pool.settings.workers === settings.workers && pool.settings.workerHeapMb === settings.workerHeapMb;
  if (pool && !same) void pool.close();
  if (!pool || !same) pool = new ParsePool(settings);
  return pool;
}

/** Bytes the worker may own: the buffer's memory is moved, or copied first when shared with other data. */
function ownedBytes(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return whole ? bytes : Uint8Array.prototype.slice.call(bytes);
}

/** `parseSourceBytes` in the pool, within the CPU budget; never throws. `input.bytes` is handed to the worker. */
export async function parseSourceInPool(input: ParseInput, settings: ParsePoolSettings, signal?: AbortSignal): Promise<ParsedSource> {
  const { bytes, ...rest } = input;
  // Only what decides how the bytes are read goes to the worker (a source's headers may hold secrets).
  const { id, kind, lang, selectors } = rest.source;
  const source: SourceShape = { id, kind, ...(lang === undefined ? {} : { lang }), ...(selectors === undefined ? {} : { selectors }) };
  const r = await poolFor(settings).run((meter) => ({ op: 'source', meter, bytes: ownedBytes(bytes), input: { ...rest, source } }), settings.cpuBudget, signal);
  if (!r.ok) return { ok: false, error: new ParseError(r.kind, r.message) };
  if (!('articles' in r)) return { ok: false, error: new ParseError('parse-error', 'cannot read: unexpected answer from the parse worker') };
  return r;
}

/** `extractFullText` of an article page's bytes in the pool; null when none, or refused (over budget, broken). */
export async function extractFullTextInPool(bytes: Uint8Array, contentType: string | null, settings: ParsePoolSettings, signal?: AbortSignal): Promise<string | null> {
  const r = await poolFor(settings).run((meter) => ({ op: 'full-text', meter, bytes: ownedBytes(bytes), contentType }), settings.cpuBudget, signal);
  return r.ok && 'text' in r ? r.text : null;
}

/** Ends the pool's workers (after the documents they are parsing); the next document starts a new pool. */
export async function closeParsePool(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.close();
}
