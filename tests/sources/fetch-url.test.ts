import type { ServerResponse } from 'node:http';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchUrl } from '../../src/sources/fetch/fetch-url.js';
import { HostLimiter } from '../../src/sources/fetch/host-limiter.js';
import { toFetchError } from '../../src/sources/fetch/map-error.js';
import { serve, startServer, testSettings, type TestServer } from './http-test-server.js';

const FEED = '<rss version="2.0"><channel><title>t</title></channel></rss>';
let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(() => server.close());

describe('fetchUrl', () => {
  it('sends the configured User-Agent and returns body, validators and caching hints', async () => {
    server.route('/feed', serve(FEED, { etag: '"v1"', 'last-modified': 'Tue, 14 Jan 2025 10:00:00 GMT', 'cache-control': 'public, max-age=600' }));
    const out = await fetchUrl(`${server.url}/feed`, { settings: testSettings({ userAgent: 'belwatch-test/1.0 (analysts)' }) });
    expect(out.kind).toBe('ok');
    if (out.kind !== 'ok') return;
    expect(out.body.toString()).toBe(FEED);
    expect(out.etag).toBe('"v1"');
    expect(out.lastModified).toBe('Tue, 14 Jan 2025 10:00:00 GMT');
    expect(out.cacheHints.maxAgeMs).toBe(600_000);
    expect(server.requests[0]?.headers['user-agent']).toBe('belwatch-test/1.0 (analysts)');
  });

  it('sends If-None-Match / If-Modified-Since and reports a 304 as not-modified', async () => {
    server.route('/feed', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"' && req.headers['if-modified-since'] === 'Tue, 14 Jan 2025 10:00:00 GMT') res.writeHead(304).end();
      else serve(FEED, { etag: '"v1"' })(req, res);
    });
    const out = await fetchUrl(`${server.url}/feed`, { settings: testSettings(), etag: '"v1"', lastModified: 'Tue, 14 Jan 2025 10:00:00 GMT' });
    expect(out.kind).toBe('not-modified');
  });

  it('turns 429 with Retry-After seconds into http-status with retryAfterMs', async () => {
    server.route('/feed', serve('slow down', { 'retry-after': '120' }, 429));
    const out = await fetchUrl(`${server.url}/feed`, { settings: testSettings() });
    expect(out.kind).toBe('error');
    if (out.kind !== 'error') return;
    expect(out.error.kind).toBe('http-status');
    expect(out.error.status).toBe(429);
    expect(out.error.retryAfterMs).toBe(120_000);
  });

  it('reads a 503 Retry-After given as an HTTP date', async () => {
    const when = new Date(Date.now() + 90_000).toUTCString();
    server.route('/feed', serve('maintenance', { 'retry-after': when }, 503));
    const out = await fetchUrl(`${server.url}/feed`, { settings: testSettings() });
    if (out.kind !== 'error') throw new Error('expected an error');
    expect(out.error.retryAfterMs).toBeGreaterThan(80_000);
    expect(out.error.retryAfterMs).toBeLessThanOrEqual(90_000);
  });

  it('reports a 404 as http-status with the status', async () => {
    const out = await fetchUrl(`${server.url}/missing`, { settings: testSettings() });
    expect(out.kind === 'error' && [out.error.kind, out.error.status]).toEqual(['http-status', 404]);
  });

  it('follows redirects and returns the final URL', async () => {
    server.route('/old', (_q, r) => r.writeHead(301, { location: '/new' }).end());
    server.route('/new', serve(FEED));
    const out = await fetchUrl(`${server.url}/old`, { settings: testSettings() });
    expect(out.kind === 'ok' && out.url).toBe(`${server.url}/new`);
  });

  it('sends configured credentials to the same origin, drops them on a redirect to another origin and does not restore them coming back', async () => {
    const other = await startServer();
    try {
      const creds = { authorization: 'Bearer src-token-0123456789', cookie: 'session=abc123', 'x-api-key': 'key-0123456789' };
      server.route('/old', (_q, r) => r.writeHead(302, { location: '/moved' }).end());
      server.route('/moved', (_q, r) => r.writeHead(302, { location: `${other.url}/away` }).end());
      other.route('/away', (_q, r) => r.writeHead(302, { location: `${server.url}/back` }).end());
      server.route('/back', serve(FEED));
      const out = await fetchUrl(`${server.url}/old`, { settings: testSettings(), headers: creds });
      expect(out.kind === 'ok' && out.url).toBe(`${server.url}/back`);
      const sent = (req: { url?: string | undefined; headers: Record<string, unknown> }): unknown[] => [req.url, req.headers['authorization'], req.headers['cookie'], req.headers['x-api-key']];
      expect(server.requests.map(sent)).toEqual([
        ['/old', creds.authorization, creds.cookie, creds['x-api-key']],
        ['/moved', creds.authorization, creds.cookie, creds['x-api-key']],
        ['/back', undefined, undefined, undefined],
      ]);
      expect(other.requests.map(sent)).toEqual([['/away', undefined, undefined, undefined]]);
      expect(other.requests[0]!.headers['user-agent']).toBe(server.requests[0]!.headers['user-agent']);
    } finally {
      await other.close();
    }
  });

  it('sends configured credentials only to headersOrigin', async () => {
    const other = await startServer();
    try {
      other.route('/article', serve(FEED));
      server.route('/article', serve(FEED));
      const opts = { settings: testSettings(), headers: { authorization: 'Bearer src-token-0123456789' }, headersOrigin: `${server.url}/feed` };
      expect((await fetchUrl(`${other.url}/article`, opts)).kind).toBe('ok');
      expect((await fetchUrl(`${server.url}/article`, opts)).kind).toBe('ok');
      expect(other.requests[0]!.headers['authorization']).toBeUndefined();
      expect(server.requests[0]!.headers['authorization']).toBe('Bearer src-token-0123456789');
    } finally {
      await other.close();
    }
  });

  it('stops a redirect loop', async () => {
    server.route('/a', (_q, r) => r.writeHead(302, { location: '/b' }).end());
    server.route('/b', (_q, r) => r.writeHead(302, { location: '/a' }).end());
    const out = await fetchUrl(`${server.url}/a`, { settings: testSettings() });
    expect(out.kind === 'error' && out.error.message).toMatch(/redirect loop/);
  });

  it('stops after maxRedirects', async () => {
    server.route('/r', (req, r) => {
      const n = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('n') ?? 0);
      r.writeHead(302, { location: `/r?n=${n + 1}` }).end();
    });
    const out = await fetchUrl(`${server.url}/r?n=0`, { settings: testSettings({ maxRedirects: 3 }) });
    expect(out.kind === 'error' && out.error.message).toMatch(/more than 3 redirects/);
    expect(server.requests.length).toBe(4);
  });

  it('decodes gzip and br bodies', async () => {
    server.route('/gz', serve(gzipSync(FEED), { 'content-encoding': 'gzip' }));
    server.route('/br', serve(brotliCompressSync(FEED), { 'content-encoding': 'br' }));
    for (const p of ['/gz', '/br']) {
      const out = await fetchUrl(`${server.url}${p}`, { settings: testSettings() });
      expect(out.kind === 'ok' && out.body.toString(), p).toBe(FEED);
    }
  });

  it('stops a 50 MB body at the cap (declared length and chunked)', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const big = (declare: boolean) => (_q: unknown, res: ServerResponse) => {
      res.writeHead(200, declare ? { 'content-length': String(50 * chunk.length) } : {});
      let sent = 0;
      const pump = (): void => {
        while (sent < 50) {
          sent++;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
    };
    server.route('/declared', big(true));
    server.route('/chunked', big(false));
    for (const p of ['/declared', '/chunked']) {
      const out = await fetchUrl(`${server.url}${p}`, { settings: testSettings() });
      expect(out.kind === 'error' && out.error.kind, p).toBe('too-large');
    }
  });

  it('caps bodies at 4 MiB by default, and at the source maxBodyBytes when it has one', async () => {
    server.route('/five', serve(Buffer.alloc(5 * 1024 * 1024, 'a'), { 'content-type': 'application/rss+xml' }));
    const refused = await fetchUrl(`${server.url}/five`, { settings: testSettings() });
    expect(refused.kind === 'error' && refused.error.kind).toBe('too-large');
    expect(refused.kind === 'error' && refused.error.message).toMatch(/larger than 4194304\b.*maxBodyBytes/);
    const allowed = await fetchUrl(`${server.url}/five`, { settings: testSettings(), maxBodyBytes: 8 * 1024 * 1024 });
    expect(allowed.kind === 'ok' && allowed.body.length).toBe(5 * 1024 * 1024);
  });

  it('stops a gzip bomb at the decoded-size cap', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    server.route('/bomb', serve(bomb, { 'content-encoding': 'gzip' }));
    const before = process.memoryUsage().arrayBuffers;
    const out = await fetchUrl(`${server.url}/bomb`, { settings: testSettings({ maxBodyBytes: 2 * 1024 * 1024 }) });
    expect(out.kind === 'error' && out.error.kind).toBe('too-large');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(48 * 1024 * 1024);
  });

  it('stops a 1-byte-every-5-seconds drip at the deadline', async () => {
    const timers: NodeJS.Timeout[] = [];
    server.route('/drip', (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.write('<');
      timers.push(setInterval(() => res.write('r'), 5000));
      res.on('error', () => undefined);
    });
    const started = Date.now();
    const out = await fetchUrl(`${server.url}/drip`, { settings: testSettings({ timeout: 1200 }) });
    const elapsed = Date.now() - started;
    timers.forEach(clearInterval);
    expect(out.kind === 'error' && out.error.kind).toBe('timeout');
    expect(elapsed).toBeGreaterThanOrEqual(1100);
    expect(elapsed).toBeLessThan(4000);
  });

  it('times out when headers never come', async () => {
    server.route('/hang', () => undefined);
    const out = await fetchUrl(`${server.url}/hang`, { settings: testSettings({ timeout: 500 }) });
    expect(out.kind === 'error' && out.error.kind).toBe('timeout');
  });

  it('returns an empty 200 body as ok with zero bytes', async () => {
    server.route('/empty', serve(''));
    const out = await fetchUrl(`${server.url}/empty`, { settings: testSettings() });
    expect(out.kind === 'ok' && out.body.length).toBe(0);
  });

  it('reports a TLS record where the status line should be as protocol', async () => {
    server.route('/tls', (req) => void req.socket.end(Buffer.from('16030100310200002d0303' + 'ab'.repeat(40), 'hex')));
    const out = await fetchUrl(`${server.url}/tls`, { settings: testSettings() });
    expect(out.kind === 'error' && out.error.kind).toBe('protocol');
  });

  it('reports a refused connection as connect', async () => {
    const port = server.port;
    await server.close();
    const out = await fetchUrl(`http://127.0.0.1:${port}/`, { settings: testSettings() });
    expect(out.kind === 'error' && out.error.kind).toBe('connect');
    server = await startServer();
  });

  it('keeps at most perHostConcurrency requests in flight per host', async () => {
    let inFlight = 0;
    let peak = 0;
    server.route('/slow', (_q, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        res.end(FEED);
      }, 60);
    });
    const settings = testSettings({ perHostConcurrency: 2 });
    const limiter = new HostLimiter(2);
    const outs = await Promise.all(Array.from({ length: 6 }, () => fetchUrl(`${server.url}/slow`, { settings, limiter })));
    expect(outs.every((o) => o.kind === 'ok')).toBe(true);
    expect(peak).toBe(2);
  });
});

describe('toFetchError', () => {
  it.each([
    [{ code: 'ENOTFOUND' }, 'dns'],
    [{ code: 'EAI_AGAIN' }, 'dns'],
    [{ code: 'ECONNREFUSED' }, 'connect'],
    [{ code: 'ECONNRESET' }, 'connect'],
    [{ code: 'UND_ERR_CONNECT_TIMEOUT' }, 'timeout'],
    [{ code: 'CERT_HAS_EXPIRED' }, 'tls'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'tls'],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'tls'],
    [{ message: 'wrapped', cause: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } }, 'tls'],
    [{ code: 'HPE_INVALID_CONSTANT' }, 'protocol'],
    [{ message: 'terminated', cause: { name: 'HTTPParserError', code: 'HPE_INVALID_HEADER_TOKEN' } }, 'protocol'],
  ])('maps %o to %s', (err, kind) => {
    expect(toFetchError(Object.assign(new Error('x'), err), 'http://h/', false, 1000).kind).toBe(kind);
  });

  it('maps anything to timeout once the deadline fired', () => {
    expect(toFetchError(new Error('aborted'), 'http://h/', true, 1000).kind).toBe('timeout');
  });
});
