/**
 * The service's HTTP server as the service starts it: bound before anything else (a busy port is
 * one `ListenError` naming the port and the setting that chose it: `--port`, `BELWATCH_PORT` or
 * `server.port`), answering `/healthz` at once and `/readyz` with 503 (`starting: waiting for Redis
 * at …`) until the Redis-backed parts are attached with `attach()`; the queue dashboard (with
 * `server.adminToken`) answers 503 until then too. The routes themselves are `server/http.ts`'s.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config/types.js';
import { describeError, ListenError, redactUrl } from '../errors.js';
import { createDashboard, type RequestHandler } from '../server/dashboard.js';
import { startHttpServer, type RunningServer } from '../server/http.js';
import type { Metrics } from '../server/metrics.js';
import { scrubberFor } from '../scrub.js';
import type { RedisWatch } from '../store/redis-watch.js';
import type { Queues } from './queues.js';

export interface ProbeServer {
  readonly port: number;
  /** Redis is up and the queues open: readiness and the dashboard answer for real from now on. */
  attach(parts: { readonly redis: Redis; readonly watch: RedisWatch; readonly queues: Queues }): void;
  close(): Promise<void>;
}

export interface ProbeOptions {
  readonly config: () => Config;
  readonly metrics: Metrics;
  /** `--port`, when given (it wins over `BELWATCH_PORT` and `server.port`). */
  readonly port?: number | undefined;
  readonly env: NodeJS.ProcessEnv;
}

export async function startProbeServer(opts: ProbeOptions): Promise<ProbeServer> {
  const settings = opts.config().settings;
  let live: { redis: Redis; watch: RedisWatch } | undefined;
  let dashboard: RequestHandler | undefined;
  const token = settings.server.adminToken;
  const host = settings.server.host;
  const port = opts.port ?? settings.server.port;
  let http: RunningServer;
  try {
    http = await startHttpServer({
      host,
      port,
      metrics: opts.metrics,
      metricsToken: settings.server.metricsToken,
      dashboard: token ? (req, res) => (dashboard ? dashboard(req, res) : res.writeHead(503, { 'content-type': 'text/plain' }).end('starting\n')) : undefined,
      ready: async () => {
        if (!live) return { ok: false, detail: `starting: waiting for Redis at ${redactUrl(settings.redis.url)}` };
        const { redis, watch } = live;
        try {
          await watch.ask(() => redis.ping());
          const config = opts.config();
          return { ok: true, detail: `ready (${config.sources.length} sources, ${config.rules.length} rules)` };
        } catch (e) {
          return { ok: false, detail: `Redis unreachable: ${scrubberFor(opts.config()).scrubError(describeError(e))}` };
        }
      },
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const setting = opts.port !== undefined ? '--port' : opts.env['BELWATCH_PORT'] !== undefined ? 'BELWATCH_PORT' : 'server.port in settings.yaml';
    const why = code === 'EADDRINUSE' ? 'the port is in use by another process' : code === 'EACCES' ? 'not permitted' : describeError(e);
    throw new ListenError(`cannot listen on ${host}:${port} (${setting}): ${why}`, { cause: e });
  }
  return {
    port: http.port,
    attach(parts) {
      live = { redis: parts.redis, watch: parts.watch };
      if (token) dashboard = createDashboard([parts.queues.poll, parts.queues.process, parts.queues.notify], token);
    },
    close: () => http.close(),
  };
}
