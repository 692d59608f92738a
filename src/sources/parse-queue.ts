/**
 * Who gets a parse worker, and when: a gate in front of piscina with one slot per worker plus an
 * express slot for small documents (under `EXPRESS_MAX_BYTES`, 256 KiB: nearly every real feed).
 *
 * - A document takes a free worker slot; a small one, with every worker slot taken, the express
 *   slot. So a healthy feed never waits for hostile megabytes, each of which may hold a worker for
 *   a whole CPU budget; only small documents can keep it waiting, and each of those holds the
 *   express slot for at most one budget too.
 * - Otherwise it waits. Waiters are ordered smallest first by size class (powers of two: 300 KB and
 *   500 KB are one class) and in arrival order within a class, so among hostile documents of about
 *   one size the one polled again soonest does not overtake the others. A freed worker slot goes
 *   to the first waiter, a freed express slot to the first waiter if it is small.
 *
 * Why a gate and not piscina's own queue: piscina keeps abortable tasks in a first-in-first-out
 * list of its own, whatever its queue says. A task handed to piscina only with a slot starts at
 * once. `enter` resolves with the function that frees the slot (calling it again does nothing); a
 * waiter whose signal aborts leaves the queue and `enter` rejects with the signal's reason.
 */

/** Documents up to this size may take the express slot. One byte under 2^18, so they are exactly the classes below 18. */
export const EXPRESS_MAX_BYTES = 256 * 1024 - 1;

type Lane = 'worker' | 'express';

/** A document's size class: documents within a factor of two of each other wait in arrival order. */
const sizeClass = (bytes: number): number => Math.floor(Math.log2(Math.max(1, bytes)));

interface Waiter {
  readonly bytes: number;
  readonly sizeClass: number;
  readonly start: (lane: Lane) => void;
}

export class SmallestFirstGate {
  private running = 0;
  private express = 0;
  private readonly waiting: Waiter[] = [];

  /** `slots` worker slots and `expressSlots` for small documents (the pool has a thread for each). */
  constructor(
    private readonly slots: number,
    private readonly expressSlots = 1,
  ) {}

  /** Documents waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  async enter(bytes: number, signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    let lane: Lane;
    if (this.running < this.slots) {
      lane = 'worker';
      this.running++;
    } else if (bytes <= EXPRESS_MAX_BYTES && this.express < this.expressSlots) {
      lane = 'express';
      this.express++;
    } else {
      lane = await this.wait(bytes, signal); // the slot is handed over still counted
    }
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.handOn(lane);
    };
  }

  private wait(bytes: number, signal: AbortSignal | undefined): Promise<Lane> {
    return new Promise<Lane>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal?.reason as Error);
      };
      const waiter: Waiter = {
        bytes,
        sizeClass: sizeClass(bytes),
        start: (lane) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(lane);
        },
      };
      let i = this.waiting.length;
      while (i > 0 && (this.waiting[i - 1]?.sizeClass ?? 0) > waiter.sizeClass) i--;
      this.waiting.splice(i, 0, waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A slot is free: the first waiter that may use it takes it over, or it is free. */
  private handOn(lane: Lane): void {
    const next = this.waiting[0];
    if (next && (lane === 'worker' || next.bytes <= EXPRESS_MAX_BYTES)) {
      this.waiting.shift();
      next.start(lane);
    } else if (lane === 'worker') {
      this.running--;
    } else {
      this.express--;
    }
  }
}
