/**
 * A real HTTP server on 127.0.0.1, port 0, for ingestion tests (ky's create-http-test-server idea).
 * Routes are plain node handlers; the server counts accepted sockets so SSRF tests can prove that a
 * refused fetch never connected, and records request headers for conditional-GET checks.
 */
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { settingsFileSchema } from '../../src/config/schema.js';
import type { Settings } from '../../src/config/types.js';
import type { LookupFn } from '../../src/sources/fetch/guarded-dispatcher.js';
import { listenTestServer, pathOf, type Handler } from '../helpers/http-server.js';

export type { Handler };

export interface TestServer {
  readonly url: string;
  readonly port: number;
  /** Sockets accepted so far. */
  connections(): number;
  readonly requests: http.IncomingMessage[];
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

export async function startServer(routes: Record<string, Handler> = {}): Promise<TestServer> {
  const table = new Map(Object.entries(routes));
  const requests: http.IncomingMessage[] = [];
  const server = await listenTestServer((req, res) => {
    requests.push(req);
    const handler = table.get(pathOf(req));
    if (handler) handler(req, res);
    else res.writeHead(404).end('not found');
  });
  return {
    url: server.origin,
    port: server.port,
    connections: server.accepted,
    requests,
    route: (p, h) => table.set(p, h),
    close: server.close,
  };
}

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

export function fixture(rel: string): Buffer {
  return readFileSync(path.join(FIXTURES, rel));
}

/** Settings with `http` overrides; `allowLoopback` lets the test server on 127.0.0.1 through. */
export function testSettings(http: Partial<Settings['http']> = {}, allowLoopback = true): Settings {
  const base = settingsFileSchema.parse({});
  return {
    ...base,
    http: { ...base.http, allowPrivateNetworks: allowLoopback ? ['127.0.0.1/32'] : [], ...http },
  };
}

/** A resolver for tests: names from the table, anything else fails like NXDOMAIN. Never real DNS. */
export function fakeLookup(table: Record<string, readonly string[]>): LookupFn {
  return (hostname) => {
    const answers = table[hostname.toLowerCase()];
    if (!answers) return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
    return Promise.resolve(answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
}

export function serve(body: string | Buffer, headers: Record<string, string> = {}, status = 200): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/rss+xml; charset=utf-8', ...headers });
    res.end(body);
  };
}
