/**
 * The one real HTTP server of the tests (ky's create-http-test-server idea): listens on 127.0.0.1
 * (or the host given) on port 0 unless told a port, counts every accepted socket before a byte is
 * read (so SSRF tests can prove that a refused fetch never connected), and on close() destroys
 * every open socket — keep-alive ones included — before waiting for the server to stop. The
 * feed/page fixtures, the Slack and webhook receiver, the ingestion test server, the reliability
 * feed farm and the SSRF target listener are each a handler on top of it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface ListenOptions {
  readonly host?: string;
  /** A fixed port (default 0: any free one). */
  readonly port?: number;
  /** Keep-alive timeout in ms (node's default 5 s when unset). */
  readonly keepAliveTimeout?: number;
}

export interface TestHttpServer {
  readonly server: Server;
  readonly host: string;
  readonly port: number;
  /** `http://host:port` (IPv6 hosts in brackets). */
  readonly origin: string;
  readonly url: (path: string) => string;
  /** Sockets accepted so far. */
  readonly accepted: () => number;
  /** Idempotent: a second call returns the first call's promise. */
  readonly close: () => Promise<void>;
}

export async function listenTestServer(handler: Handler, opts: ListenOptions = {}): Promise<TestHttpServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = createServer(handler);
  if (opts.keepAliveTimeout !== undefined) server.keepAliveTimeout = opts.keepAliveTimeout;
  const sockets = new Set<Socket>();
  let accepted = 0;
  server.on('connection', (s: Socket) => {
    accepted++;
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    server,
    host,
    port,
    origin,
    url: (path) => `${origin}${path}`,
    accepted: () => accepted,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}

/** The request's path without its query string. */
export function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}
