import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { SESSION_SECONDS, issueSession } from '../../src/server/dashboard.js';
import { startHttpServer } from '../../src/server/http.js';
import { createMetrics } from '../../src/server/metrics.js';
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

  it('refuses a cookie-only state-changing request without the dashboard as its Origin (no CORS preflight needed for text/plain)', async () => {
    const login = await fetch(`${base}/admin/queues?token=${TOKEN}`, { redirect: 'manual' });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const pause = (headers: Record<string, string>): Promise<Response> =>
      fetch(`${base}/admin/queues/api/queues/poll/pause`, { method: 'PUT', headers: { 'content-type': 'text/plain', ...headers }, body: 'x' });
    for (const headers of [{ cookie }, { cookie, origin: 'http://127.0.0.1:1' }, { cookie, origin: 'null' }]) {
      const res = await pause(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await service.queues.poll.isPaused()).toBe(false);
    }
    const post = await fetch(`${base}/admin/queues/api/queues/poll/pause`, { method: 'POST', headers: { cookie, 'content-type': 'text/plain' }, body: 'x' });
    expect(post.status).toBe(403);
    expect((await pause({ cookie, origin: base })).status).toBe(200);
    expect(await service.queues.poll.isPaused()).toBe(true);
    await service.queues.poll.resume();
    expect((await pause({ authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect(await service.queues.poll.isPaused()).toBe(true);
    await service.queues.poll.resume();
  });

  it('keeps the admin token out of the session cookie, expires it, and marks it Secure behind https', async () => {
    const login = await fetch(`${base}/admin/queues?token=${TOKEN}`, { redirect: 'manual' });
    const setCookie = login.headers.get('set-cookie')!;
    expect(setCookie).not.toContain(TOKEN);
    expect(setCookie).not.toContain(encodeURIComponent(TOKEN));
    expect(setCookie).not.toContain(Buffer.from(TOKEN).toString('base64').slice(0, 20));
    expect(setCookie).toMatch(/HttpOnly; SameSite=Strict; Path=\/admin\/queues; Max-Age=43200$/);
    const proxied = await fetch(`${base}/admin/queues?token=${TOKEN}`, { redirect: 'manual', headers: { 'x-forwarded-proto': 'https' } });
    expect(proxied.headers.get('set-cookie')).toMatch(/; Secure$/);
    // the old cookie (the raw token), a forged one and an expired one are not sessions
    const stale = issueSession(TOKEN, Date.now() - (SESSION_SECONDS + 60) * 1000);
    for (const value of [encodeURIComponent(TOKEN), TOKEN, 'v1.1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', stale]) {
      expect((await fetch(`${base}/admin/queues`, { headers: { cookie: `belwatch_admin=${value}` } })).status, value).toBe(401);
    }
  });

  it('keeps one job scheduler per source', async () => {
    const schedulers = await service.queues.poll.getJobSchedulers(0, -1);
    expect(schedulers.map((s) => s.id ?? s.key)).toEqual(['poll-edm']);
  });
});

describe('/metrics with a metrics token', () => {
  it('answers only a request bearing the token; /healthz stays open', async () => {
    const token = 'metrics-token-0123456789';
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, metrics: createMetrics(), ready: () => Promise.resolve({ ok: true, detail: 'ready' }), metricsToken: token });
    try {
      const url = `http://127.0.0.1:${server.port}`;
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
      const ok = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('# TYPE belwatch_fetches_total counter');
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
