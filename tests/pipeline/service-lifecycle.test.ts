import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ListenError, ShutdownError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { serviceDeps } from '../../src/pipeline/adapters.js';
import { startService, type Role, type Service, type ServiceOptions } from '../../src/pipeline/service.js';
import { writeConfigDir, type TempConfig } from '../helpers/config-dir.js';
import { writePipelineConfig } from '../helpers/pipeline-config.js';
import { freePort, sleep, waitFor } from '../helpers/processes.js';
import { openTestRedis, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let config: TempConfig;
let service: Service | undefined;
let blocker: Server | undefined;

beforeEach(async () => {
  redis = await openTestRedis();
  config = writePipelineConfig({ prefix: redis.prefix, sources: [{ id: 'edm', url: 'http://127.0.0.1:9/feed' }] });
});
afterEach(async () => {
  await service?.close().catch(() => undefined);
  service = undefined;
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
  await redis.cleanup();
  config.cleanup();
});

const silent = createLogger({ level: 'silent' });
const start = (roles: Role[], extra: Partial<ServiceOptions> = {}) => startService({ configDir: config.dir, roles, log: silent, deps: serviceDeps(), ...extra });
/** Open TCP sockets of this process (Redis connections among them). */
const sockets = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
/** BullMQ's repeat (job scheduler) key of the poll queue: a string there makes every schedule sync fail. */
const repeatKey = (): string => `{${redis.prefix}}:poll:repeat`;

describe('service start', () => {
  it('logs the configuration warnings validate prints (a source on a private address it will refuse)', async () => {
    config.cleanup();
    config = writePipelineConfig({ prefix: redis.prefix, sources: [{ id: 'lan', url: 'http://10.1.2.3/feed' }] });
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    service = await start(['fetcher'], { log: createLogger({ level: 'warn', destination }) });
    const warnings = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 40);
    expect(warnings.map((w) => w.msg)).toContainEqual(expect.stringMatching(/^configuration warning: .*sources\.yaml:\d+:\d+: warning: .*10\.1\.2\.3/));
  });

  it('reports a busy port as one ListenError naming the port and its setting, before schedules are synchronised', async () => {
    blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker!.listen(0, '127.0.0.1', () => resolve((blocker!.address() as { port: number }).port)));
    const err = await start(['scheduler'], { port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListenError);
    expect((err as ListenError).message).toBe(`cannot listen on 127.0.0.1:${port} (--port): the port is in use by another process`);
    expect(await redis.redis.exists(repeatKey())).toBe(0);
    const viaEnv = await start(['scheduler'], { env: { ...process.env, BELWATCH_PORT: String(port) } }).catch((e: unknown) => e);
    expect((viaEnv as Error).message).toContain('(BELWATCH_PORT)');
  });

  it('answers /healthz and /readyz (503) while Redis is unreachable, and a start aborted meanwhile frees the port', async () => {
    const port = await freePort();
    const deadRedis = await freePort();
    const dir = writeConfigDir({ 'settings.yaml': `redis: { url: "redis://127.0.0.1:${deadRedis}", prefix: ${redis.prefix} }\nserver: { port: ${port}, host: 127.0.0.1 }\n` });
    const abort = new AbortController();
    const starting = startService({ configDir: dir.dir, roles: ['scheduler'], log: silent, deps: serviceDeps(), signal: abort.signal }).catch((e: unknown) => e);
    try {
      expect(await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200, 5_000)).toBe(true);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).toBe(`starting: waiting for Redis at redis://127.0.0.1:${deadRedis}\n`);
      abort.abort(new Error('SIGTERM during start'));
      expect(((await starting) as Error).message).toBe('SIGTERM during start');
      expect(await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => 'refused')).toBe('refused');
    } finally {
      abort.abort();
      dir.cleanup();
    }
  });

  it('a start that fails after connecting releases the Redis connection and the queues', async () => {
    await redis.redis.set(repeatKey(), 'not a sorted set');
    await sleep(100);
    const before = sockets();
    const err = await start(['scheduler', 'fetcher']).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/WRONGTYPE/);
    expect(await waitFor(() => sockets() <= before, 3_000)).toBe(true);
  });

  it('serves /metrics from every process, not only the scheduler', async () => {
    service = await start(['fetcher']);
    expect(service.httpPort).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${service.httpPort}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('# TYPE belwatch_fetches_total counter');
    // cluster-wide gauges come from the scheduler process alone (no double counting across targets)
    expect(text).not.toContain('belwatch_queue_jobs');
  });
});

describe('service close', () => {
  it('runs every cleanup step when one fails, and reports the failed step', async () => {
    service = await start(['scheduler', 'fetcher']);
    const port = service.httpPort;
    const queues = service.queues as { close: () => Promise<void> };
    const realClose = queues.close.bind(queues);
    queues.close = async () => {
      await realClose();
      throw new Error('queue close refused');
    };
    const err = await service.close().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShutdownError);
    expect((err as ShutdownError).failures.map((f) => f.step)).toEqual(['queues']);
    // the steps after the failing one still ran: Redis closed, HTTP server gone
    expect(await waitFor(() => service!.redis.status === 'end', 2_000)).toBe(true);
    expect(await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => 'refused')).toBe('refused');
    await service.close().catch(() => undefined); // a second call is harmless
  });
});
