/**
 * The SSRF set: 44 URLs the guard must refuse before a byte is sent, shared by the fetcher's unit
 * test (`ssrf.test.ts`) and the reliability scenario that aims the running service at them as
 * sources, redirect targets and webhook/Slack URLs (`tests/reliability/06-ssrf.test.ts`).
 *
 * `url(port)` puts the port of a listening server into the loopback forms, so a test can count the
 * connections that server accepted (there must be none). Variants marked `lookup` are names that
 * only resolve through `SSRF_LOOKUP` (a fake DNS table the unit test injects); a running service
 * resolves names through the system, so it can only use the others (`localhost` resolves through
 * /etc/hosts).
 */

export interface SsrfVariant {
  readonly label: string;
  readonly url: (port: number) => string;
  /** True when the host is a name only `SSRF_LOOKUP` resolves. */
  readonly lookup?: true;
}

/** Every name the variants use, with the addresses it resolves to in the unit test. */
export const SSRF_LOOKUP: Readonly<Record<string, readonly string[]>> = {
  'public.example': ['127.0.0.1'],
  'metadata.example': ['169.254.169.254'],
  'mixed.example': ['93.184.216.34', '127.0.0.1'],
  'v6loop.example': ['::1'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'intranet.example': ['10.1.2.3'],
  'compat.example': ['::127.0.0.1'],
  localhost: ['127.0.0.1', '::1'],
};

export const SSRF_VARIANTS: readonly SsrfVariant[] = [
  { label: 'loopback', url: (p) => `http://127.0.0.1:${p}/` },
  { label: 'loopback short form 127.1', url: (p) => `http://127.1:${p}/` },
  { label: 'loopback three-part 127.0.1', url: (p) => `http://127.0.1:${p}/` },
  { label: 'loopback decimal', url: (p) => `http://2130706433:${p}/` },
  { label: 'loopback hex', url: (p) => `http://0x7f000001:${p}/` },
  { label: 'loopback dotted hex', url: (p) => `http://0x7f.0x0.0x0.0x1:${p}/` },
  { label: 'loopback octal', url: (p) => `http://0177.0.0.1:${p}/` },
  { label: 'loopback single octal', url: (p) => `http://017700000001:${p}/` },
  { label: 'loopback trailing dot', url: (p) => `http://127.0.0.1.:${p}/` },
  { label: 'other loopback 127.5.6.7', url: (p) => `http://127.5.6.7:${p}/` },
  { label: 'localhost name', url: (p) => `http://localhost:${p}/` },
  { label: 'IPv6 loopback', url: (p) => `http://[::1]:${p}/` },
  { label: 'IPv4-mapped IPv6 dotted', url: (p) => `http://[::ffff:127.0.0.1]:${p}/` },
  { label: 'IPv4-mapped IPv6 hex', url: (p) => `http://[::ffff:7f00:1]:${p}/` },
  { label: 'IPv4-mapped IPv6 long form', url: (p) => `http://[0:0:0:0:0:ffff:127.0.0.1]:${p}/` },
  { label: 'IPv4-mapped metadata', url: () => `http://[::ffff:169.254.169.254]/` },
  { label: 'IPv4-mapped RFC 1918', url: () => `http://[::ffff:10.0.0.1]/` },
  { label: 'IPv4-compatible IPv6 loopback dotted', url: (p) => `http://[::127.0.0.1]:${p}/` },
  { label: 'IPv4-compatible IPv6 loopback hex', url: (p) => `http://[::7f00:1]:${p}/` },
  { label: 'IPv4-compatible IPv6 metadata', url: () => `http://[::169.254.169.254]/` },
  { label: 'NAT64 loopback', url: () => `http://[64:ff9b::7f00:1]/` },
  { label: '6to4 loopback', url: () => `http://[2002:7f00:1::1]/` },
  { label: 'unspecified 0.0.0.0', url: (p) => `http://0.0.0.0:${p}/` },
  { label: 'unspecified 0', url: (p) => `http://0:${p}/` },
  { label: 'IPv6 unspecified', url: (p) => `http://[::]:${p}/` },
  { label: 'RFC 1918 10/8', url: () => 'http://10.0.0.1/' },
  { label: 'RFC 1918 172.16/12', url: () => 'http://172.16.5.4/' },
  { label: 'RFC 1918 192.168/16', url: () => 'http://192.168.1.1/' },
  { label: 'CGNAT 100.64/10', url: () => 'http://100.64.0.1/' },
  { label: 'cloud metadata 169.254.169.254', url: () => 'http://169.254.169.254/latest/meta-data/' },
  { label: 'cloud metadata decimal', url: () => 'http://2852039166/' },
  { label: 'multicast', url: () => 'http://224.0.0.1/' },
  { label: 'broadcast', url: () => 'http://255.255.255.255/' },
  { label: 'benchmarking 198.18/15', url: () => 'http://198.18.0.1/' },
  { label: 'IPv6 ULA', url: () => 'http://[fd00::1]/' },
  { label: 'IPv6 link-local', url: () => 'http://[fe80::1]/' },
  { label: 'IPv6 multicast', url: () => 'http://[ff02::1]/' },
  { label: 'public-looking name resolving to 127.0.0.1', url: (p) => `http://public.example:${p}/`, lookup: true },
  { label: 'name resolving to metadata', url: () => 'http://metadata.example/', lookup: true },
  { label: 'name with one public and one loopback answer', url: (p) => `http://mixed.example:${p}/`, lookup: true },
  { label: 'name resolving to ::1', url: (p) => `http://v6loop.example:${p}/`, lookup: true },
  { label: 'name resolving to a mapped loopback', url: (p) => `http://mapped.example:${p}/`, lookup: true },
  { label: 'name resolving to an IPv4-compatible loopback', url: (p) => `http://compat.example:${p}/`, lookup: true },
  { label: 'name resolving to RFC 1918', url: () => 'http://intranet.example/', lookup: true },
];

/** Schemes other than http(s), each refused as a source URL or redirect target. */
export const SSRF_SCHEMES: readonly SsrfVariant[] = [
  { label: 'file:', url: () => 'file:///etc/passwd' },
  { label: 'gopher:', url: (p) => `gopher://127.0.0.1:${p}/_GET` },
  { label: 'ftp:', url: () => 'ftp://127.0.0.1/' },
  { label: 'data:', url: () => 'data:text/xml,<rss/>' },
];
