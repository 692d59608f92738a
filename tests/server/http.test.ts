import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { serviceDeps } from '../../src/pipeline/adapters.js';
import { startService, type Service } from '../../src/pipeline/service.js';
import { writeConfigDir, type TempConfig } from '../helpers/config-dir.js';
import { REDIS_URL, openTestRedis, type TestRedis } from '../helpers/redis.js';

const TOKEN = 'admin-token-0123456789abcdef';
let redis: TestRedis;
let config: TempConfig;
let service: Service;
let base: string;

beforeEach(async () => {
  redis = await openTestRedis();
  config = writeConfigDir({
    'settings.yaml': `redis: { url: "${REDIS_URL}", prefix: ${redis.prefix} }\nserver: { port: 0, host: 127.0.0.1, adminToken: ${TOKEN} }\n`,
  });
  service = await startService({ configDir: config.dir, roles: ['scheduler'], log: createLogger({ level: 'silent' }), deps: serviceDeps() });
  base = `http://127.0.0.1:${service.httpPort}`;
});
afterEach(async () => {
  await service.close();
  await service.close();
  await redis.cleanup();
  config.cleanup();
});

describe('the HTTP server', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toContain('ready (1 sources, 1 rules)');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('exposes queue depths and source health in Prometheus format', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^belwatch_queue_jobs\{queue="poll",state="delayed"\} \d+$/m);
    expect(text).toContain('belwatch_source_healthy{source="edm"} 1');
    expect(text).toContain('# TYPE belwatch_fetches_total counter');
  });

  it('keeps the queue dashboard behind the admin token', async () => {
    expect((await fetch(`${base}/admin/queues`)).status).toBe(401);
    expect((await fetch(`${base}/admin/queues`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    const ok = await fetch(`${base}/admin/queues`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('<html');
    const viaQuery = await fetch(`${base}/admin/queues?token=${TOKEN}`, { redirect: 'manual' });
    expect(viaQuery.status).toBe(303);
    expect(viaQuery.headers.get('location')).toBe('/admin/queues');
    const cookie = viaQuery.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${base}/admin/queues`, { headers: { cookie } })).status).toBe(200);
  });

  it('keeps one job scheduler per source', async () => {
    const schedulers = await service.queues.poll.getJobSchedulers(0, -1);
    expect(schedulers.map((s) => s.id ?? s.key)).toEqual(['poll-edm']);
  });
});
