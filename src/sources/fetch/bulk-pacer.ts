/**
 * Paces the bulk of large response bodies, so a few oversized feeds cannot take the CPU from the
 * many small ones polled beside them.
 *
 * Reading a body costs CPU in proportion to its size (HTTP parsing, copying, garbage: about 4 ms
 * per MiB here). Feeds and pages are small, so a poll cycle is many short reads; but a source that
 * sends 50 MB is read up to `http.maxBodyBytes` (15 MiB) as fast as the network allows, and on a
 * fast network forty such sources spend seconds of CPU inside one cycle — in reliability scenario
 * 3 they made the healthy sources' cycle 57 % longer. The first `freeBytes` of every body are read
 * at full speed; every byte beyond is paced by one budget shared by all fetches of the process,
 * `bytesPerSecond` (`http.bulkBytesPerSecond`, default 32 MiB/s). Waiting pauses the stream, so TCP
 * holds the sender back; nothing is buffered beyond the chunk being paced. A paced body still ends
 * at `http.timeout` like any other (a body that cannot be read within it was not going to be used).
 *
 * Scheduling is virtual time: each chunk reserves the next slot of `bytes / rate` and waits for its
 * start. A budget unused for a while is not saved up beyond `burstMs` worth.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export class BulkPacer {
  /** `performance.now()` at which the budget is next free. */
  private next = 0;

  constructor(
    readonly bytesPerSecond: number,
    readonly freeBytes: number,
    private readonly burstMs = 100,
  ) {}

  /** Waits until `bytes` more bulk bytes may be read; rejects when `signal` aborts. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    const now = performance.now();
    const start = Math.max(now - this.burstMs, this.next);
    this.next = start + (bytes * 1000) / this.bytesPerSecond;
    const wait = start - now;
    if (wait >= 1) await sleep(wait, undefined, { signal });
  }
}

const pacers = new Map<number, BulkPacer>();

/** The process's pacer for a rate (one per configured rate, shared by every fetch using it). */
export function bulkPacer(bytesPerSecond: number, freeBytes = 1024 * 1024): BulkPacer {
  const key = bytesPerSecond * 1e9 + freeBytes;
  let pacer = pacers.get(key);
  if (!pacer) {
    pacer = new BulkPacer(bytesPerSecond, freeBytes);
    pacers.set(key, pacer);
  }
  return pacer;
}
