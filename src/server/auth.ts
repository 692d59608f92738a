/**
 * Bearer tokens for the HTTP server (the dashboard's `server.adminToken`, the `/metrics`
 * `server.metricsToken`): read from `Authorization: Bearer <token>` and compared in constant time
 * (both sides hashed first, so neither the length nor a prefix leaks through timing).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** True when `given` is `token`; false for undefined. */
export function sameToken(given: string | undefined, token: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

/** The token of `Authorization: Bearer <token>`, if the request has one. */
export function bearerToken(req: IncomingMessage): string | undefined {
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
}
