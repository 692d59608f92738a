/**
 * The queue dashboard (bull-board) at `/admin/queues`, behind `server.adminToken`.
 *
 * A request is let in with `Authorization: Bearer <token>`, or with `?token=<token>` once, which
 * sets an HttpOnly, SameSite=Strict cookie and redirects to the bare URL (so the token leaves the
 * address bar and the logs). Tokens are compared in constant time. Without a configured token the
 * dashboard is not mounted at all.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';

export const DASHBOARD_PATH = '/admin/queues';
const COOKIE = 'belwatch_admin';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function sameToken(given: string | undefined, token: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

function cookieValue(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function createDashboard(queues: readonly Queue[], token: string): RequestHandler {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: false })), serverAdapter: adapter });
  const router = adapter.getRouter() as unknown as (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const query = url.searchParams.get('token') ?? undefined;
    if (query !== undefined && sameToken(query, token)) {
      url.searchParams.delete('token');
      res.writeHead(303, {
        location: `${url.pathname}${url.search}`,
        'set-cookie': `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=${DASHBOARD_PATH}`,
      });
      res.end();
      return;
    }
    if (!sameToken(bearer, token) && !sameToken(cookieValue(req), token)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('unauthorised\n');
      return;
    }
    // Mounted like express's app.use(DASHBOARD_PATH, router): the router sees paths below it.
    req.url = (req.url ?? '/').slice(DASHBOARD_PATH.length) || '/';
    if (!req.url.startsWith('/')) req.url = `/${req.url}`;
    router(req, res, (err?: unknown) => {
      if (!res.headersSent) res.writeHead(err ? 500 : 404, { 'content-type': 'text/plain' });
      res.end(err ? 'dashboard error\n' : 'not found\n');
    });
  };
}
