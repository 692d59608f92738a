import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '../../src/sources/fetch/address-policy.js';
import { fetchUrl } from '../../src/sources/fetch/fetch-url.js';
import { fakeLookup, startServer, testSettings, type TestServer } from './http-test-server.js';
import { SSRF_LOOKUP, SSRF_SCHEMES, SSRF_VARIANTS } from './ssrf-variants.js';

// Every name resolves only through this table; nothing here ever reaches real DNS or a non-loopback host.
const lookup = fakeLookup(SSRF_LOOKUP);

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ '/': (_q, r) => r.end('<rss version="2.0"><channel/></rss>') });
});
afterAll(() => server.close());

describe('SSRF guard', () => {
  // [label, URL]: each must be refused before a byte is sent.
  const variants = SSRF_VARIANTS.map((v): [string, () => string] => [v.label, () => v.url(server.port)]);

  it.each(variants)('refuses %s before connecting', async (_label, url) => {
    const settings = testSettings({}, false);
    const before = server.connections();
    const out = await fetchUrl(url(), { settings, lookup });
    expect(out.kind).toBe('error');
    if (out.kind !== 'error') return;
    expect(out.error.kind).toBe('blocked-address');
    expect(out.error.code).toBe('BW_FETCH');
    expect(server.connections()).toBe(before);
  });

  it.each(SSRF_SCHEMES.map((v): [string, () => string] => [v.label, () => v.url(server.port)]))('refuses the %s scheme', async (_s, url) => {
    const before = server.connections();
    const out = await fetchUrl(url(), { settings: testSettings({}, true), lookup });
    expect(out.kind === 'error' && out.error.kind).toBe('blocked-address');
    expect(server.connections()).toBe(before);
  });

  it('connects when the address is allow-listed (the counter does count)', async () => {
    const before = server.connections();
    const out = await fetchUrl(`http://public.example:${server.port}/`, { settings: testSettings({}, true), lookup });
    expect(out.kind).toBe('ok');
    expect(server.connections()).toBe(before + 1);
  });

  it('refuses a redirect to the metadata address, and to a file: URL', async () => {
    server.route('/to-metadata', (_q, r) => r.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end());
    server.route('/to-file', (_q, r) => r.writeHead(301, { location: 'file:///etc/passwd' }).end());
    server.route('/to-name', (_q, r) => r.writeHead(307, { location: 'http://intranet.example/feed' }).end());
    for (const p of ['/to-metadata', '/to-file', '/to-name']) {
      const out = await fetchUrl(`${server.url}${p}`, { settings: testSettings(), lookup });
      expect(out.kind === 'error' && out.error.kind, p).toBe('blocked-address');
    }
  });

  it('reports a name that does not resolve as a dns error', async () => {
    const out = await fetchUrl('http://no-such-host.example/', { settings: testSettings(), lookup });
    expect(out.kind === 'error' && out.error.kind).toBe('dns');
  });
});

describe('address policy', () => {
  const policy = createAddressPolicy(['127.0.0.1/32', '::1/128']);
  it.each([
    ['127.0.0.1', true],
    ['::ffff:127.0.0.1', true],
    ['::1', true],
    ['127.0.0.2', false],
    ['8.8.8.8', true],
    ['2a00:1450:4001:80b::200e', true],
    ['169.254.169.254', false],
    ['not an ip', false],
    ['::127.0.0.1', false],
    ['::7f00:1', false],
    ['[::7f00:1]', false],
    ['0:0:0:0:0:0:127.0.0.1', false],
    ['::8.8.8.8', false],
  ])('%s allowed=%s with 127.0.0.1/32 and ::1/128 allow-listed', (ip, allowed) => {
    expect(policy(ip).allowed).toBe(allowed);
  });

  it.each(['::127.0.0.1', '::7f00:1', '::a9fe:a9fe', '::8.8.8.8', '0:0:0:0:0:0:0a00:0001'])('refuses the IPv4-compatible address %s like a mapped one', (ip) => {
    expect(createAddressPolicy([])(ip)).toEqual({ allowed: false, range: 'ipv4Compatible' });
  });

  it('keeps :: unspecified and ::1 loopback, and allows an IPv4-compatible address only by an IPv6 CIDR', () => {
    expect(createAddressPolicy([])('::')).toEqual({ allowed: false, range: 'unspecified' });
    expect(createAddressPolicy([])('::1')).toEqual({ allowed: false, range: 'loopback' });
    expect(createAddressPolicy(['::/96'])('::7f00:1').allowed).toBe(true);
  });
});
