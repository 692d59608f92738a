/**
 * The queue dashboard (bull-board) at `/admin/queues`, behind `server.adminToken`.
 *
 * Authentication: `Authorization: Bearer <token>`, or a session cookie. `?token=<token>` once sets
 * the cookie and redirects to the bare URL (so the token leaves the address bar and the logs). The
 * cookie never holds the token: it is `v1.<issued, epoch s>.<HMAC-SHA256 of the issue time keyed by
 * the token>`, valid for `SESSION_SECONDS` (12 h), so a stolen cookie expires and changing the token
 * ends every session. It is HttpOnly, SameSite=Strict, Path=/admin/queues, and `Secure` when the
 * request came over https (a TLS socket, or `X-Forwarded-Proto: https` from a proxy in front).
 *
 * CSRF: SameSite does not stop a page of the same site (another port, another subdomain), and a
 * `Content-Type: text/plain` POST needs no CORS preflight. So a request that may change state
 * (any method but GET and HEAD) is let in only with the Authorization header, or with the cookie
 * AND an `Origin` header equal to the dashboard's own origin: the scheme as above, the host from
 * `X-Forwarded-Host` or `Host` (a browser cannot forge these cross-origin without a preflight that
 * this server never answers). Without either it is refused with 403 before bull-board sees it.
 *
 * Tokens and cookies are compared in constant time (`auth.ts`). Without a configured token the dashboard is not
 * mounted at all.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { bearerToken, sameToken } from './auth.js';

export const DASHBOARD_PATH = '/admin/queues';
const COOKIE = 'belwatch_admin';
export const SESSION_SECONDS = 12 * 3600;
const SAFE_METHODS = new Set(['GET', 'HEAD']);

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

function cookieValue(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return undefined;
}

function sessionMac(token: string, issued: number): string {
  return createHmac('sha256', token).update(`belwatch-dashboard-session:${issued}`).digest('base64url');
}

/** A session cookie value for `token`, issued at `nowMs`. */
export function issueSession(token: string, nowMs: number): string {
  const issued = Math.floor(nowMs / 1000);
  return `v1.${issued}.${sessionMac(token, issued)}`;
}

/** Whether a cookie value is a session of `token` that has not expired at `nowMs`. */
export function validSession(value: string | undefined, token: string, nowMs: number): boolean {
  const m = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
  if (!m) return false;
  const issued = Number(m[1]);
  const age = nowMs / 1000 - issued;
  if (age < -60 || age > SESSION_SECONDS) return false;
  return timingSafeEqual(Buffer.from(m[2] ?? ''), Buffer.from(sessionMac(token, issued)));
}

function firstHeader(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s?.split(',')[0]?.trim() || undefined;
}

function overHttps(req: IncomingMessage): boolean {
  return (req.socket as Partial<TLSSocket>).encrypted === true || firstHeader(req.headers['x-forwarded-proto'])?.toLowerCase() === 'https';
}

/** The origin the browser sees this dashboard at. */
function ownOrigin(req: IncomingMessage): string | undefined {
  const host = firstHeader(req.headers['x-forwarded-host']) ?? req.headers.host;
  return host ? `${overHttps(req) ? 'https' : 'http'}://${host.toLowerCase()}` : undefined;
}

function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin?.toLowerCase();
  const own = ownOrigin(req);
  return origin !== undefined && own !== undefined && origin === own;
}

export function createDashboard(queues: readonly Queue[], token: string, now: () => number = Date.now): RequestHandler {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: false })), serverAdapter: adapter });
  const router = adapter.getRouter() as unknown as (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
  const refuse = (res: ServerResponse, status: 401 | 403, text: string): void => {
    res.writeHead(status, { 'content-type': 'text/plain', 'cache-control': 'no-store', ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}) }).end(`${text}\n`);
  };
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = url.searchParams.get('token') ?? undefined;
    if (query !== undefined && sameToken(query, token) && SAFE_METHODS.has(req.method ?? 'GET')) {
      url.searchParams.delete('token');
      const secure = overHttps(req) ? '; Secure' : '';
      res.writeHead(303, {
        location: `${url.pathname}${url.search}`,
        'cache-control': 'no-store',
        'set-cookie': `${COOKIE}=${issueSession(token, now())}; HttpOnly; SameSite=Strict; Path=${DASHBOARD_PATH}; Max-Age=${SESSION_SECONDS}${secure}`,
      });
      res.end();
      return;
    }
    const byHeader = sameToken(bearerToken(req), token);
    const byCookie = !byHeader && validSession(cookieValue(req), token, now());
    if (!byHeader && !byCookie) return refuse(res, 401, 'unauthorised');
    if (byCookie && !SAFE_METHODS.has(req.method ?? 'GET') && !sameOrigin(req)) {
      return refuse(res, 403, 'forbidden: a state-changing request needs the Authorization header or this dashboard as its Origin');
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
