import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchUrl } from '../../src/sources/fetch/fetch-url.js';
import { fakeLookup, testSettings } from './http-test-server.js';

// A throwaway self-signed certificate for "feeds.example", made with the openssl CLI for this run only.
let dir: string;
let server: https.Server;
let port: number;
let connections = 0;
const sniNames: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'belwatch-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=feeds.example',
    '-addext', 'subjectAltName=DNS:feeds.example', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
  const creds = { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) };
  const context = tls.createSecureContext(creds);
  const SNICallback = (name: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void): void => {
    sniNames.push(name);
    cb(null, context);
  };
  server = https.createServer({ ...creds, SNICallback }, (_q, r) => r.end('<rss version="2.0"><channel/></rss>'));
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('https through the guarded dispatcher', () => {
  const lookup = fakeLookup({ 'feeds.example': ['127.0.0.1'] });

  it('connects to the checked IP, sends the host name for SNI, and reports an untrusted certificate as tls', async () => {
    const out = await fetchUrl(`https://feeds.example:${port}/feed`, { settings: testSettings(), lookup });
    expect(out.kind === 'error' && out.error.kind).toBe('tls');
    expect(connections).toBeGreaterThan(0);
    expect(sniNames).toContain('feeds.example');
  });

  it('still refuses the same name before connecting when the address is not allowed', async () => {
    const before = connections;
    const out = await fetchUrl(`https://feeds.example:${port}/feed`, { settings: testSettings({}, false), lookup });
    expect(out.kind === 'error' && out.error.kind).toBe('blocked-address');
    expect(connections).toBe(before);
  });
});
