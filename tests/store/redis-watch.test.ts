import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/log.js';
import { isConnectionError, watchRedis, type RedisWatch } from '../../src/store/redis-watch.js';

/** Enough of an ioredis client for the watch: its events and `status`. */
class FakeRedis extends EventEmitter {
  status = 'ready';
  drop(): void {
    this.status = 'reconnecting';
    this.emit('close');
  }
  refuse(): void {
    this.emit('error', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }));
  }
  back(): void {
    this.status = 'ready';
    this.emit('ready');
  }
}

const refused = (): Error => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });

let lines: { level: number; msg: string; failures?: number }[];
let redis: FakeRedis;
let watch: RedisWatch;

beforeEach(() => {
  vi.useFakeTimers();
  lines = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as (typeof lines)[number]);
      cb();
    },
  });
  redis = new FakeRedis();
  watch = watchRedis(redis as unknown as Redis, createLogger({ destination: out, level: 'info' }), { repeatMs: 60_000 });
});

afterEach(() => {
  watch.close();
  vi.useRealTimers();
});

describe('watchRedis', () => {
  it('logs a two-minute outage in four lines however many clients fail to reconnect', () => {
    redis.drop();
    for (let s = 0; s < 120; s++) {
      redis.refuse();
      for (const q of ['poll', 'process', 'notify']) watch.report(refused(), q);
      vi.advanceTimersByTime(1000);
    }
    expect(watch.isUp()).toBe(false);
    redis.back();
    expect(lines.map((l) => l.msg)).toEqual([
      'Redis unreachable: jobs wait and every client reconnects on its own',
      'Redis still unreachable after 60.0 s',
      'Redis still unreachable after 120.0 s',
      'Redis reachable again after 120.0 s',
    ]);
    expect(lines.at(-1)?.failures).toBe(480);
    expect(watch.isUp()).toBe(true);
  });

  it('runs the recovery callbacks when Redis is back, not before', () => {
    const recovered = vi.fn();
    watch.onRecovered(recovered);
    redis.drop();
    redis.refuse();
    expect(recovered).not.toHaveBeenCalled();
    redis.back();
    expect(recovered).toHaveBeenCalledTimes(1);
    redis.back(); // a second ready without an outage between
    expect(recovered).toHaveBeenCalledTimes(1);
  });

  it('logs the first lost lock per queue at once and folds the rest into one line', () => {
    for (let k = 0; k < 30; k++) watch.report(new Error(`Missing lock for job b-s${k}. moveToFinished`), 'process');
    watch.report(new Error('could not renew lock for job poll-1'), 'poll');
    expect(lines).toHaveLength(2);
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ level: 40, queue: 'process' });
    expect(lines[2]?.msg).toMatch(/Missing lock for job b-s29\. moveToFinished \(29 more like it in the last 60 s\)$/);
  });

  it('still logs other worker errors as errors, repeats folded', () => {
    for (let k = 0; k < 5; k++) watch.report(new Error(`ERR unknown command ${k}`), 'poll');
    watch.close();
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [50, 'worker error: ERR unknown command 0'],
      [50, 'worker error: ERR unknown command 4 (4 more like it in the last 60 s)'],
    ]);
  });

  it('answers a probe at once while Redis is away, and gives up on one that hangs', async () => {
    redis.drop();
    await expect(watch.ask(() => new Promise(() => undefined))).rejects.toThrow('Redis is unreachable');
    redis.back();
    const late = watch.ask(() => new Promise(() => undefined), 500);
    vi.advanceTimersByTime(500);
    await expect(late).rejects.toThrow('did not answer within 500 ms');
    await expect(watch.ask(() => Promise.resolve('PONG'))).resolves.toBe('PONG');
  });
});

describe('isConnectionError', () => {
  it.each([
    [refused(), true],
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), true],
    [new Error('Connection is closed.'), true],
    [new Error('LOADING Redis is loading the dataset in memory'), true],
    [new Error('Missing lock for job 1. moveToFinished'), false],
    [new Error('ERR wrong number of arguments'), false],
  ])('%s -> %s', (err, want) => {
    expect(isConnectionError(err)).toBe(want);
  });
});
