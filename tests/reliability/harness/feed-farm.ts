/**
 * The feed farm: one HTTP server on 127.0.0.1 (or `host`, another loopback address; port 0; or
 * several, `ports`) playing N outlets, each at `/feed/<i>`.
 *
 * Healthy outlets publish steadily: item k of outlet i appears at `start + offset(i) + k × every`
 * (while the farm is not frozen) and the feed shows the newest `window` items, with an ETag that
 * changes only when an item appears (so quiet polls are 304s). The first time an item is served
 * in a 200 is recorded as its publication ("first seen"): the latency scenarios measure delivery
 * from there, and "articles lost" compares the archive with every item ever served.
 *
 * Faulty outlets answer with one of the failure behaviours the fault scenarios need (timeouts, 500s,
 * resets, TLS-like garbage, 50 MB bodies, slow drips, redirect loops) or, for the hostile-input
 * scenarios, a response produced by a callback (a mutated body, a redirect). Every request is
 * counted per outlet with its time, and every accepted socket is counted, so scenarios can assert
 * "fetched once per interval" or "0 connections".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenTestServer } from '../../helpers/http-server.js';

export type Behaviour = 'healthy' | 'timeout' | 'http500' | 'reset' | 'garbage' | 'huge' | 'drip' | 'redirect-loop' | 'custom';

export interface ItemText {
  readonly title: string;
  readonly description: string;
}

export interface FarmOptions {
  readonly sources: number;
  /** Milliseconds between two items of one outlet (default 2 s). */
  readonly every?: number;
  /** Items shown in a feed (default 20). */
  readonly window?: number;
  /** Items each outlet already has when the farm starts (default 0). */
  readonly initial?: number;
  readonly behaviour?: (source: number) => Behaviour;
  /** The text of item `seq` of outlet `source` (default: `defaultText`). */
  readonly text?: (source: number, seq: number) => ItemText;
  /** For `custom` outlets: the response of the n-th request (status 200 and no other header unless given). */
  readonly custom?: (source: number, n: number) => CustomResponse;
  readonly host?: string;
  /**
   * Listen on this many ports (default 1), outlet i on port `i % ports`: belwatch's per-host
   * limits count a port as a host of its own, so the outlets are not all one host to it.
   */
  readonly ports?: number;
}

export interface CustomResponse {
  readonly body: string | Buffer;
  readonly contentType: string;
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ServedItem {
  readonly source: number;
  readonly seq: number;
  readonly url: string;
  readonly title: string;
  /** Epoch ms of the first 200 that carried it. */
  readonly firstServed: number;
}

export interface FeedFarm {
  readonly origin: string;
  url(source: number): string;
  itemUrl(source: number, seq: number): string;
  /** Every item served so far, by URL. */
  readonly served: Map<string, ServedItem>;
  /** Request times per outlet. */
  readonly requests: Map<number, number[]>;
  acceptedSockets(): number;
  /** Items published so far by the healthy outlets (served or not: a feed shows only its newest `window`). */
  publishedTotal(): number;
  /** Stops publishing: feeds keep what they have. */
  freeze(): void;
  resume(): void;
  close(): Promise<void>;
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const FILLER = 'ministry delegation parliament economy railway harvest festival museum league weather bridge airport concert theatre budget hospital school market river forest village tractor factory dairy timber'.split(' ');

/** Distinct filler words per item, so items never look like near-duplicates of each other. */
export function fillerWords(source: number, seq: number, n: number): string {
  const out: string[] = [];
  let x = (source * 7919 + seq * 104_729 + 17) >>> 0;
  for (let k = 0; k < n; k++) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    out.push(`${FILLER[x % FILLER.length] ?? 'news'}${(x >>> 8) % 997}`);
  }
  return out.join(' ');
}

/** Every fifth item is about sanctions on Belarus (matches the default `sanctions` rule); the rest are filler. */
export function defaultText(source: number, seq: number): ItemText {
  const words = fillerWords(source, seq, 40);
  if ((source + seq) % 5 === 0) {
    return { title: `EU prepares new sanctions against Belarus over potash exports (${source}-${seq})`, description: `Brussels is drafting sanctions on Belarusian potash and the Minsk government. ${words}` };
  }
  return { title: `Regional report ${source}-${seq}: ${words.split(' ').slice(0, 3).join(' ')}`, description: words };
}

export async function startFeedFarm(opts: FarmOptions): Promise<FeedFarm> {
  const every = opts.every ?? 2000;
  const window = opts.window ?? 20;
  const initial = opts.initial ?? 0;
  const text = opts.text ?? defaultText;
  const behaviour = opts.behaviour ?? (() => 'healthy');
  const start = Date.now();
  let frozenAt: number | null = null;
  let pausedMs = 0;
  let pausedSince: number | null = null;
  const served = new Map<string, ServedItem>();
  const requests = new Map<number, number[]>();
  const customCount = new Map<number, number>();
  const timers = new Set<NodeJS.Timeout>();

  const offset = (i: number): number => (i * 7919) % every;
  /** Number of items outlet i has published by now. */
  const published = (i: number, now: number): number => {
    const t = (frozenAt ?? now) - start - pausedMs - offset(i);
    return initial + (t < 0 ? 0 : Math.floor(t / every) + 1);
  };
  const itemUrl = (i: number, seq: number): string => `https://outlet${i}.example/news/${seq}`;

  const feed = (i: number, count: number, now: number, record = true): string => {
    const items: string[] = [];
    for (let seq = count - 1; seq >= Math.max(0, count - window); seq--) {
      const url = itemUrl(i, seq);
      const t = text(i, seq);
      if (record && !served.has(url)) served.set(url, { source: i, seq, url, title: t.title, firstServed: now });
      const pub = new Date(start + offset(i) + (seq - initial) * every).toUTCString();
      items.push(`<item><title>${xml(t.title)}</title><link>${url}</link><guid isPermaLink="true">${url}</guid><pubDate>${pub}</pubDate><description>${xml(t.description)}</description></item>`);
    }
    return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Outlet ${i}</title><link>https://outlet${i}.example/</link><description>Outlet ${i}</description>${items.join('')}</channel></rss>`;
  };

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const fault = (b: Behaviour, i: number, req: IncomingMessage, res: ServerResponse): void => {
    switch (b) {
      case 'timeout':
        return; // never answers; the client's deadline ends it
      case 'http500':
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
        return;
      case 'reset':
        req.socket.resetAndDestroy();
        return;
      case 'garbage':
        // a TLS ServerHello-like record where an HTTP status line should be
        req.socket.end(Buffer.from('16030100310200002d0303' + 'ab'.repeat(40), 'hex'));
        return;
      case 'huge': {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>huge</title><description>');
        const chunk = Buffer.alloc(1 << 20, 'a');
        let sent = 0;
        const pump = (): void => {
          while (sent < 50 && !res.destroyed) {
            sent++;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          if (!res.destroyed) res.end('</description></channel></rss>');
        };
        pump();
        return;
      }
      case 'drip': {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        const body = feed(i, 1, Date.now(), false); // never completes: nothing counts as served
        let k = 0;
        const drip = (): void => {
          if (res.destroyed || k >= body.length) return void res.end();
          res.write(body[k++] ?? '');
          later(1000, drip);
        };
        drip();
        return;
      }
      case 'redirect-loop':
        res.writeHead(302, { location: req.url?.endsWith('/a') ? `/feed/${i}/b` : `/feed/${i}/a` }).end();
        return;
      case 'custom': {
        const n = (customCount.get(i) ?? 0) + 1;
        customCount.set(i, n);
        const { body, contentType, status, headers } = opts.custom?.(i, n) ?? { body: '', contentType: 'text/plain' };
        res.writeHead(status ?? 200, { ...headers, 'content-type': contentType }).end(body);
        return;
      }
      case 'healthy':
        return;
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const m = /^\/feed\/(\d+)/.exec(req.url ?? '');
    const i = m ? Number(m[1]) : -1;
    if (i < 0 || i >= opts.sources) return void res.writeHead(404).end('not found');
    const now = Date.now();
    requests.set(i, [...(requests.get(i) ?? []), now]);
    const b = behaviour(i);
    if (b !== 'healthy') return fault(b, i, req, res);
    const count = published(i, now);
    const etag = `"${i}-${count}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }).end(feed(i, count, now));
  };
  const servers = await Promise.all(
    Array.from({ length: Math.max(1, opts.ports ?? 1) }, () =>
      listenTestServer(handle, { keepAliveTimeout: 30_000, ...(opts.host ? { host: opts.host } : {}) }),
    ),
  );
  const origins = servers.map((s) => s.origin);
  const origin = origins[0] ?? '';

  return {
    origin,
    url: (i) => `${origins[i % origins.length] ?? origin}/feed/${i}`,
    itemUrl,
    served,
    requests,
    acceptedSockets: () => servers.reduce((n, s) => n + s.accepted(), 0),
    publishedTotal: () => {
      let n = 0;
      for (let i = 0; i < opts.sources; i++) if (behaviour(i) === 'healthy') n += published(i, Date.now());
      return n;
    },
    freeze() {
      frozenAt ??= Date.now();
    },
    resume() {
      if (frozenAt !== null) {
        pausedSince = frozenAt;
        pausedMs += Date.now() - pausedSince;
        frozenAt = null;
      }
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
