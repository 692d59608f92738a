import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceSchema } from '../../src/config/schema.js';
import type { SourceConfig } from '../../src/config/types.js';
import { ingestSource } from '../../src/sources/ingest.js';
import { fixture, serve, startServer, testSettings, type TestServer } from './http-test-server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(() => server.close());

const source = (over: Record<string, unknown>): SourceConfig => sourceSchema.parse({ id: 'src', name: 'Src', kind: 'feed', url: `${server.url}/feed`, ...over });

describe('ingestSource', () => {
  it('fetches, parses and normalises, then stops on 304 with the stored validators', async () => {
    server.route('/feed', (req, res) => {
      if (req.headers['if-none-match'] === '"abc"') return void res.writeHead(304, { 'cache-control': 'max-age=300' }).end();
      serve(fixture('feeds/rferl-pangea.xml'), { etag: '"abc"', 'last-modified': 'Wed, 15 Jan 2025 09:12:44 GMT' })(req, res);
    });
    const src = source({ lang: 'en' });
    const first = await ingestSource(src, testSettings(), {});
    expect(first.status).toBe('ok');
    expect(first.error).toBeNull();
    expect(first.articles).toHaveLength(2);
    expect(first.articles[0]!.sourceId).toBe('src');
    expect(first.state).toEqual({ etag: '"abc"', lastModified: 'Wed, 15 Jan 2025 09:12:44 GMT', pageHash: undefined });
    const second = await ingestSource(src, testSettings(), first.state);
    expect(second.status).toBe('not-modified');
    expect(second.articles).toEqual([]);
    expect(second.state).toEqual(first.state);
    expect(second.cacheHints.maxAgeMs).toBe(300_000);
  });

  it('keeps the newest items of a feed listing more than the item cap, and reports the cut', async () => {
    const items = Array.from({ length: 1_200 }, (_, i) => `<item><title>n${i}</title><link>https://a.example/${i}</link><pubDate>${new Date(Date.UTC(2025, 0, 1) - i * 60_000).toUTCString()}</pubDate></item>`);
    server.route('/feed', serve(`<rss version="2.0"><channel><title>t</title>${items.join('')}</channel></rss>`));
    const byDefault = await ingestSource(source({}), testSettings(), {});
    expect(byDefault.articles).toHaveLength(500);
    expect(byDefault.articles[0]!.title).toBe('n0');
    expect(byDefault.itemsCut).toEqual({ kept: 500, listed: 1_200 });
    const settings = testSettings();
    const fewer = await ingestSource(source({}), { ...settings, sources: { maxItemsPerPoll: 100 } }, {});
    expect(fewer.articles).toHaveLength(100);
    const own = await ingestSource(source({ maxItemsPerPoll: 2_000 }), { ...settings, sources: { maxItemsPerPoll: 100 } }, {});
    expect(own.articles).toHaveLength(1_200);
    expect(own.itemsCut).toBeUndefined();
  });

  it('reports an empty 200 body (seen from one RFE/RL endpoint) as not-a-feed', async () => {
    server.route('/feed', serve(''));
    const r = await ingestSource(source({}), testSettings(), { etag: '"old"' });
    expect(r.status).toBe('error');
    expect(r.error?.kind).toBe('not-a-feed');
    expect(r.error?.message).toBe('empty body');
    expect(r.state).toEqual({ etag: '"old"' });
  });

  it('reports HTML served as a feed as not-a-feed', async () => {
    server.route('/feed', serve('<!DOCTYPE html><html><body>Checking your browser</body></html>', { 'content-type': 'text/html' }));
    const r = await ingestSource(source({}), testSettings(), {});
    expect(r.error?.kind).toBe('not-a-feed');
  });

  it('passes 429 Retry-After to the caching hints and the error', async () => {
    server.route('/feed', serve('', { 'retry-after': '30' }, 429));
    const r = await ingestSource(source({}), testSettings(), {});
    expect(r.error?.kind).toBe('http-status');
    expect(r.httpStatus).toBe(429);
    expect(r.cacheHints.retryAfterMs).toBe(30_000);
  });

  it('decodes windows-1251 declared only in the Content-Type header', async () => {
    server.route('/feed', serve(fixture('feeds/ru-cp1251-http-only.xml'), { 'content-type': 'application/rss+xml; charset=windows-1251' }));
    const r = await ingestSource(source({}), testSettings(), {});
    expect(r.articles[0]?.title).toBe('Лукашенко провел переговоры с Си Цзиньпином');
  });

  it('keeps the page hash of a page-change source and emits only on change', async () => {
    let version = 'pages/bti-report-v1.html';
    server.route('/bti', (req, res) => serve(fixture(version), { 'content-type': 'text/html' })(req, res));
    const src = source({ kind: 'page-change', url: `${server.url}/bti` });
    const first = await ingestSource(src, testSettings(), {});
    expect(first.articles).toHaveLength(1);
    expect(first.state.pageHash).toMatch(/^[0-9a-f]{64}$/);
    version = 'pages/bti-report-v1-new-tokens.html';
    const same = await ingestSource(src, testSettings(), first.state);
    expect(same.articles).toHaveLength(0);
    version = 'pages/bti-report-v2.html';
    const changed = await ingestSource(src, testSettings(), same.state);
    expect(changed.articles).toHaveLength(1);
    expect(changed.state.pageHash).not.toBe(first.state.pageHash);
  });

  it('reports a broken page selector as selector-broke', async () => {
    server.route('/list', serve(fixture('pages/forstrategy-listing.html'), { 'content-type': 'text/html' }));
    const r = await ingestSource(source({ kind: 'page', url: `${server.url}/list`, selectors: { item: '.gone' } }), testSettings(), {});
    expect(r.error?.kind).toBe('selector-broke');
  });

  it('fetches full text for fullText sources through the same client', async () => {
    const feed = `<rss version="2.0"><channel><title>J</title>
<item><title>Lukashenka Courts Beijing</title><link>${server.url}/article</link><description>Short teaser.</description></item>
<item><title>Gone</title><link>${server.url}/missing</link><description>Teaser two.</description></item></channel></rss>`;
    server.route('/feed', serve(feed));
    server.route('/article', serve(fixture('pages/article-full.html'), { 'content-type': 'text/html; charset=utf-8' }));
    const r = await ingestSource(source({ fullText: true }), testSettings(), {});
    expect(r.status).toBe('ok');
    expect(r.articles[0]!.content).toContain('Great Stone industrial park and potash logistics corridor');
    expect(r.articles[1]!.content).toBe('Teaser two.');
    expect(server.requests.map((q) => q.url).sort()).toEqual(['/article', '/feed', '/missing']);
  });

  it("does not send a source's credentials with full-text fetches to an article on another origin", async () => {
    const other = await startServer();
    try {
      const feed = `<rss version="2.0"><channel><title>J</title>
<item><title>Here</title><link>${server.url}/article</link><description>One.</description></item>
<item><title>Elsewhere</title><link>${other.url}/article</link><description>Two.</description></item></channel></rss>`;
      server.route('/feed', serve(feed));
      server.route('/article', serve(fixture('pages/article-full.html'), { 'content-type': 'text/html; charset=utf-8' }));
      other.route('/article', serve(fixture('pages/article-full.html'), { 'content-type': 'text/html; charset=utf-8' }));
      const headers = { Authorization: 'Bearer feed-token-0123456789', Cookie: 'paywall=abc123' };
      const r = await ingestSource(source({ fullText: true, headers }), testSettings(), {});
      expect(r.articles.map((a) => a.content.includes('Great Stone industrial park'))).toEqual([true, true]);
      expect(server.requests.map((q) => [q.url, q.headers['authorization'], q.headers['cookie']]).sort()).toEqual([
        ['/article', headers.Authorization, headers.Cookie],
        ['/feed', headers.Authorization, headers.Cookie],
      ]);
      expect(other.requests.map((q) => [q.url, q.headers['authorization'], q.headers['cookie']])).toEqual([['/article', undefined, undefined]]);
    } finally {
      await other.close();
    }
  });

  it('refuses a private source URL without fetching it', async () => {
    server.route('/feed', serve(fixture('feeds/rferl-pangea.xml')));
    const r = await ingestSource(source({}), testSettings({}, false), {});
    expect(r.error?.kind).toBe('blocked-address');
    expect(server.connections()).toBe(0);
  });
});
