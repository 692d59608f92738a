/**
 * The target of the SSRF scenario: an HTTP server listening on one port on 127.0.0.1 and, when the
 * machine has IPv6 loopback, on the same port on ::1, standing for an internal service the guard
 * must keep belwatch away from. It counts every accepted socket (before any byte is read), so a
 * guard that let one connection through shows even when the request is never completed. Whatever
 * does reach it gets a valid RSS feed with a sanctions item and a 200 to a POST, so a leak would
 * also show downstream as a successful poll or delivery.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenTestServer, type TestHttpServer } from '../../helpers/http-server.js';

export interface TargetListener {
  readonly port: number;
  /** Whether [::1]:port listens too. */
  readonly ipv6: boolean;
  /** Sockets accepted so far, on either address. */
  accepted(): number;
  close(): Promise<void>;
}

const FEED = `<?xml version="1.0"?><rss version="2.0"><channel><title>internal</title><link>https://internal.example/</link><description>x</description><item><title>Internal: sanctions against Belarus leaked</title><link>https://internal.example/leak</link></item></channel></rss>`;

function answer(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  res.writeHead(200, { 'content-type': req.method === 'GET' ? 'application/rss+xml' : 'text/plain' }).end(req.method === 'GET' ? FEED : 'ok');
}

export async function startTargetListener(): Promise<TargetListener> {
  const v4 = await listenTestServer(answer);
  const v6: TestHttpServer | null = await listenTestServer(answer, { host: '::1', port: v4.port }).catch(() => null);
  const servers = v6 ? [v4, v6] : [v4];
  return {
    port: v4.port,
    ipv6: v6 !== null,
    accepted: () => servers.reduce((n, s) => n + s.accepted(), 0),
    async close() {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
