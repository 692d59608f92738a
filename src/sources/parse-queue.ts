/**
 * The order in which documents wait for a parse worker: smallest first by size class (powers of
 * two: 300 KB and 500 KB are one class), in arrival order within a class, so that among hostile
 * documents of about one size the one polled again soonest does not overtake the others. A healthy feed of a few hundred KB then never waits behind hostile megabytes that may
 * each hold a worker for a whole CPU budget; a big document waits only while smaller ones are
 * queued, and those are quick.
 *
 * A gate with one slot per worker, in front of piscina: piscina's own queue cannot order
 * abortable tasks (it keeps them in a first-in-first-out list of its own), and a task handed to
 * piscina only when a slot is free starts at once. `enter` resolves with the function that frees
 * the slot (calling it again does nothing); a waiter whose signal aborts leaves the queue and
 * `enter` rejects with the signal's reason.
 */

/** A document's size class: documents within a factor of two of each other wait in arrival order. */
const sizeClass = (bytes: number): number => Math.floor(Math.log2(Math.max(1, bytes)));

interface Waiter {
  readonly sizeClass: number;
  readonly start: () => void;
}

export class SmallestFirstGate {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly slots: number) {}

  /** Documents waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  async enter(bytes: number, signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.running < this.slots) this.running++;
    else await this.wait(bytes, signal);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.handOn();
    };
  }

  private wait(bytes: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal?.reason as Error);
      };
      const waiter: Waiter = {
        sizeClass: sizeClass(bytes),
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      let i = this.waiting.length;
      while (i > 0 && (this.waiting[i - 1]?.sizeClass ?? 0) > waiter.sizeClass) i--;
      this.waiting.splice(i, 0, waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A slot is free: the smallest waiter takes it, or it stays free. */
  private handOn(): void {
    const next = this.waiting.shift();
    if (next) next.start();
    else this.running--;
  }
}
