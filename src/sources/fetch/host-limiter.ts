/**
 * At most N requests in flight per host (politeness). A FIFO queue per host; a slot is released
 * exactly once by the function `acquire` returns. Hosts with nothing in flight are forgotten, so the
 * map stays as small as the set of busy hosts.
 */

export class HostLimiter {
  readonly #limit: number;
  readonly #active = new Map<string, number>();
  readonly #waiting = new Map<string, (() => void)[]>();

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  /** Waits for a slot on `host`; resolves to the release function. */
  async acquire(host: string): Promise<() => void> {
    const key = host.toLowerCase();
    const active = this.#active.get(key) ?? 0;
    if (active < this.#limit) {
      this.#active.set(key, active + 1);
    } else {
      await new Promise<void>((resolve) => {
        const q = this.#waiting.get(key) ?? [];
        q.push(resolve);
        this.#waiting.set(key, q);
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#release(key);
    };
  }

  /** Requests currently in flight for `host`. */
  inFlight(host: string): number {
    return this.#active.get(host.toLowerCase()) ?? 0;
  }

  #release(key: string): void {
    const q = this.#waiting.get(key);
    const next = q?.shift();
    if (q && q.length === 0) this.#waiting.delete(key);
    if (next) {
      next(); // the slot passes straight to the next waiter
      return;
    }
    const n = (this.#active.get(key) ?? 1) - 1;
    if (n <= 0) this.#active.delete(key);
    else this.#active.set(key, n);
  }
}
