/**
 * A real HTTP server on 127.0.0.1 (port 0) serving fixture feeds and pages from a mutable route
 * table, counting requests per path and honouring If-None-Match with the route's ETag.
 */
import { listenTestServer, pathOf, type Handler } from './http-server.js';

export interface Route {
  status?: number;
  contentType?: string;
  body: string | Buffer;
  etag?: string;
  /** Milliseconds to wait before answering. */
  delayMs?: number;
}

export type { Handler };

export interface FixtureServer {
  readonly origin: string;
  readonly routes: Map<string, Route | Handler>;
  readonly hits: Map<string, number>;
  readonly hitTimes: Map<string, number[]>;
  url(path: string): string;
  close(): Promise<void>;
}

export async function startFixtureServer(): Promise<FixtureServer> {
  const routes = new Map<string, Route | Handler>();
  const hits = new Map<string, number>();
  const hitTimes = new Map<string, number[]>();
  const server = await listenTestServer((req, res) => {
    const path = pathOf(req);
    hits.set(path, (hits.get(path) ?? 0) + 1);
    hitTimes.set(path, [...(hitTimes.get(path) ?? []), Date.now()]);
    const route = routes.get(path);
    if (!route) {
      res.writeHead(404).end('not found');
      return;
    }
    if (typeof route === 'function') {
      route(req, res);
      return;
    }
    const answer = (): void => {
      if (route.etag && req.headers['if-none-match'] === route.etag) {
        res.writeHead(304, { etag: route.etag }).end();
        return;
      }
      res.writeHead(route.status ?? 200, {
        'content-type': route.contentType ?? 'application/rss+xml; charset=utf-8',
        ...(route.etag ? { etag: route.etag } : {}),
      });
      res.end(route.body);
    };
    if (route.delayMs) setTimeout(answer, route.delayMs);
    else answer();
  });
  return {
    origin: server.origin,
    routes,
    hits,
    hitTimes,
    url: server.url,
    close: server.close,
  };
}

export interface FeedItem {
  title: string;
  link: string;
  guid?: string;
  description: string;
  pubDate: string;
  creator?: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A WordPress-shaped RSS 2.0 feed (as Jamestown, Riddle and ECFR publish). */
export function rssFeed(title: string, link: string, items: readonly FeedItem[]): string {
  const body = items
    .map(
      (i) => `  <item>
    <title>${esc(i.title)}</title>
    <link>${esc(i.link)}</link>
    <guid isPermaLink="false">${esc(i.guid ?? i.link)}</guid>
    <pubDate>${i.pubDate}</pubDate>
    <dc:creator><![CDATA[${i.creator ?? 'Staff'}]]></dc:creator>
    <description><![CDATA[${i.description}]]></description>
    <content:encoded><![CDATA[<p>${i.description}</p>]]></content:encoded>
  </item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>${esc(title)}</title>
  <link>${esc(link)}</link>
  <description>${esc(title)}</description>
${body}
</channel>
</rss>
`;
}
