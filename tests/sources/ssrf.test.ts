import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '../../src/sources/fetch/address-policy.js';
import { fetchUrl } from '../../src/sources/fetch/fetch-url.js';
import { fakeLookup, startServer, testSettings, type TestServer } from './http-test-server.js';

// Every name resolves only through this table; nothing here ever reaches real DNS or a non-loopback host.
const lookup = fakeLookup({
  'public.example': ['127.0.0.1'],
  'metadata.example': ['169.254.169.254'],
  'mixed.example': ['93.184.216.34', '127.0.0.1'],
  'v6loop.example': ['::1'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'intranet.example': ['10.1.2.3'],
  localhost: ['127.0.0.1', '::1'],
});

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ '/': (_q, r) => r.end('<rss version="2.0"><channel/></rss>') });
});
afterAll(() => server.close());

describe('SSRF guard', () => {
  const P = (): number => server.port;
  // [label, URL]: each must be refused before a byte is sent.
  const variants: [string, () => string][] = [
    ['loopback', () => `http://127.0.0.1:${P()}/`],
    ['loopback short form 127.1', () => `http://127.1:${P()}/`],
    ['loopback three-part 127.0.1', () => `http://127.0.1:${P()}/`],
    ['loopback decimal', () => `http://2130706433:${P()}/`],
    ['loopback hex', () => `http://0x7f000001:${P()}/`],
    ['loopback dotted hex', () => `http://0x7f.0x0.0x0.0x1:${P()}/`],
    ['loopback octal', () => `http://0177.0.0.1:${P()}/`],
    ['loopback single octal', () => `http://017700000001:${P()}/`],
    ['loopback trailing dot', () => `http://127.0.0.1.:${P()}/`],
    ['other loopback 127.5.6.7', () => `http://127.5.6.7:${P()}/`],
    ['localhost name', () => `http://localhost:${P()}/`],
    ['IPv6 loopback', () => `http://[::1]:${P()}/`],
    ['IPv4-mapped IPv6 dotted', () => `http://[::ffff:127.0.0.1]:${P()}/`],
    ['IPv4-mapped IPv6 hex', () => `http://[::ffff:7f00:1]:${P()}/`],
    ['IPv4-mapped IPv6 long form', () => `http://[0:0:0:0:0:ffff:127.0.0.1]:${P()}/`],
    ['IPv4-mapped metadata', () => `http://[::ffff:169.254.169.254]/`],
    ['IPv4-mapped RFC 1918', () => `http://[::ffff:10.0.0.1]/`],
    ['NAT64 loopback', () => `http://[64:ff9b::7f00:1]/`],
    ['6to4 loopback', () => `http://[2002:7f00:1::1]/`],
    ['unspecified 0.0.0.0', () => `http://0.0.0.0:${P()}/`],
    ['unspecified 0', () => `http://0:${P()}/`],
    ['IPv6 unspecified', () => `http://[::]:${P()}/`],
    ['RFC 1918 10/8', () => 'http://10.0.0.1/'],
    ['RFC 1918 172.16/12', () => 'http://172.16.5.4/'],
    ['RFC 1918 192.168/16', () => 'http://192.168.1.1/'],
    ['CGNAT 100.64/10', () => 'http://100.64.0.1/'],
    ['cloud metadata 169.254.169.254', () => 'http://169.254.169.254/latest/meta-data/'],
    ['cloud metadata decimal', () => 'http://2852039166/'],
    ['multicast', () => 'http://224.0.0.1/'],
    ['broadcast', () => 'http://255.255.255.255/'],
    ['benchmarking 198.18/15', () => 'http://198.18.0.1/'],
    ['IPv6 ULA', () => 'http://[fd00::1]/'],
    ['IPv6 link-local', () => 'http://[fe80::1]/'],
    ['IPv6 multicast', () => 'http://[ff02::1]/'],
    ['public-looking name resolving to 127.0.0.1', () => `http://public.example:${P()}/`],
    ['name resolving to metadata', () => 'http://metadata.example/'],
    ['name with one public and one loopback answer', () => `http://mixed.example:${P()}/`],
    ['name resolving to ::1', () => `http://v6loop.example:${P()}/`],
    ['name resolving to a mapped loopback', () => `http://mapped.example:${P()}/`],
    ['name resolving to RFC 1918', () => 'http://intranet.example/'],
  ];

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

  it.each([
    ['file:', 'file:///etc/passwd'],
    ['gopher:', () => `gopher://127.0.0.1:${server.port}/_GET`],
    ['ftp:', 'ftp://127.0.0.1/'],
    ['data:', 'data:text/xml,<rss/>'],
  ] as const)('refuses the %s scheme', async (_s, url) => {
    const before = server.connections();
    const out = await fetchUrl(typeof url === 'string' ? url : url(), { settings: testSettings({}, true), lookup });
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
  ])('%s allowed=%s with 127.0.0.1/32 and ::1/128 allow-listed', (ip, allowed) => {
    expect(policy(ip).allowed).toBe(allowed);
  });
});
