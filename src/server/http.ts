/**
 * The service's HTTP server: `/healthz` (the process is up), `/readyz` (Redis answers and a config
 * is loaded; 503 otherwise), `/metrics` (Prometheus text format) and, with an admin token
 * configured, the queue dashboard under `/admin/queues`. Anything else is 404.
 *
 * It listens on `server.host`, 127.0.0.1 unless configured otherwise (a container sets 0.0.0.0
 * through `BELWATCH_HOST`). With `server.metricsToken` set, `/metrics` answers only
 * `Authorization: Bearer <token>` (401 otherwise); `/healthz` and `/readyz` stay open for probes and
 * tell nothing but up/ready.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerToken, sameToken } from './auth.js';
import { DASHBOARD_PATH, type RequestHandler } from './dashboard.js';
import type { Metrics } from './metrics.js';

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly metrics: Metrics;
  readonly ready: () => Promise<{ ok: boolean; detail: string }>;
  /** The queue dashboard, mounted at /admin/queues when given. */
  readonly dashboard?: RequestHandler | undefined;
  /** When given, /metrics needs `Authorization: Bearer <metricsToken>`. */
  readonly metricsToken?: string | undefined;
}

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

export async function startHttpServer(opts: HttpServerOptions): Promise<RunningServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (opts.dashboard && (path === DASHBOARD_PATH || path.startsWith(`${DASHBOARD_PATH}/`))) {
      opts.dashboard(req, res);
      return;
    }
    const send = (status: number, type: string, body: string): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    if (path === '/healthz') return send(200, 'text/plain', 'ok\n');
    if (path === '/readyz') {
      opts
        .ready()
        .then((r) => send(r.ok ? 200 : 503, 'text/plain', `${r.detail}\n`))
        .catch((e: unknown) => send(503, 'text/plain', `not ready: ${(e as Error).message}\n`));
      return;
    }
    if (path === '/metrics') {
      if (opts.metricsToken !== undefined && !sameToken(bearerToken(req), opts.metricsToken)) {
        res.writeHead(401, { 'content-type': 'text/plain', 'cache-control': 'no-store', 'www-authenticate': 'Bearer' }).end('unauthorised\n');
        return;
      }
      opts.metrics.registry
        .metrics()
        .then((text) => send(200, opts.metrics.registry.contentType, text))
        .catch((e: unknown) => send(500, 'text/plain', `metrics failed: ${(e as Error).message}\n`));
      return;
    }
    send(404, 'text/plain', 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  let closing: Promise<void> | undefined;
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
