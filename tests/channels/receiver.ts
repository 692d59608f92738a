/**
 * A real HTTP server on 127.0.0.1 (or another loopback address), port 0, that plays Slack or a webhook receiver: it records every
 * request and answers with the next scripted reply (then 200 "ok" once the script runs out).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { afterEach, beforeEach } from 'vitest';
import { listenTestServer } from '../helpers/http-server.js';

export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Epoch ms when the request body was complete. */
  readonly at: number;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Hold the answer this long (to test deadlines). */
  readonly delayMs?: number;
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  script(...replies: Reply[]): void;
  close(): Promise<void>;
}

export async function startReceiver(host = '127.0.0.1'): Promise<Receiver> {
  const received: Received[] = [];
  const queue: Reply[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = await listenTestServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const reply = queue.shift() ?? { status: 200, body: 'ok' };
      const answer = (): void => {
        res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) {
        const t = setTimeout(answer, reply.delayMs);
        timers.add(t);
      } else answer();
    });
  }, { host });
  return {
    url: server.origin,
    received,
    script: (...replies) => queue.push(...replies),
    close() {
      for (const t of timers) clearTimeout(t);
      return server.close();
    },
  };
}

/** A fake clock whose sleep advances time at once, recording each wait. */
export function fakeClock(start = Date.parse('2026-11-27T05:00:00Z')): { now: () => number; sleep: (ms: number) => Promise<void>; waits: number[] } {
  let t = start;
  const waits: number[] = [];
  return {
    now: () => t,
    sleep: (ms) => {
      waits.push(ms);
      t += ms;
      return Promise.resolve();
    },
    waits,
  };
}

/** Starts a fresh receiver before each test of the file and closes it after; call the result to get it. */
export function useReceiver(): () => Receiver {
  let current: Receiver | undefined;
  beforeEach(async () => {
    current = await startReceiver();
  });
  afterEach(async () => {
    await current?.close();
  });
  return () => current!;
}
