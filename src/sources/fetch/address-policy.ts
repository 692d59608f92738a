/**
 * Which network addresses belwatch may connect to (the SSRF policy), as a pure function.
 *
 * An address is allowed when it is plain public unicast, or when it falls inside one of the CIDRs
 * of `settings.http.allowPrivateNetworks`. Everything else is refused: loopback, RFC 1918, CGNAT
 * 100.64/10, link-local 169.254/16 (cloud metadata), multicast, broadcast, unspecified, reserved and
 * benchmarking ranges, IPv6 ULA fc00::/7 and link-local fe80::/10, and every IPv6 form that embeds
 * an IPv4 address (mapped ::ffff:0:0/96, NAT64, 6to4, Teredo, and the deprecated IPv4-compatible
 * ::/96 other than :: and ::1). An IPv4-mapped IPv6 address is judged as the IPv4 address it carries,
 * so `::ffff:127.0.0.1` is loopback. An IPv4-compatible one (`::127.0.0.1`, `::7f00:1`, range
 * `ipv4Compatible`) is refused whatever it carries, unless an IPv6 CIDR of the allow-list covers it:
 * RFC 4291 deprecated the form and Linux answers ENETUNREACH, which is no policy to rely on. Input that
 * is not an IP address at all is refused. ipaddr.js classifies; the npm `ip` package is not used (it
 * calls `127.1` public). ipaddr.js reads a dotted tail after `::` as mapped (`::127.0.0.1` becomes
 * `::ffff:127.0.0.1`), and libuv prints IPv4-compatible DNS answers in that dotted form, so a dotted
 * tail is rewritten as two hex groups before parsing.
 */
import ipaddr from 'ipaddr.js';

export interface AddressVerdict {
  readonly allowed: boolean;
  /** ipaddr.js range name (`loopback`, `private`, `linkLocal`, `unicast`, ...) or `invalid`. */
  readonly range: string;
}

export type AddressPolicy = (address: string) => AddressVerdict;

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

function parseAllowList(cidrs: readonly string[]): Cidr[] {
  const out: Cidr[] = [];
  for (const c of cidrs) {
    try {
      out.push(ipaddr.parseCIDR(c));
    } catch {
      // The config schema already checked the shape; an unparseable CIDR simply allows nothing.
    }
  }
  return out;
}

function inList(addr: ipaddr.IPv4 | ipaddr.IPv6, list: readonly Cidr[]): boolean {
  return list.some(([net, bits]) => net.kind() === addr.kind() && addr.match([net, bits] as never));
}

const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/** `x:…:a.b.c.d` as `x:…:hhhh:hhhh`, so ipaddr.js keeps an IPv4-compatible address what it is. */
function hexTail(address: string): string {
  const m = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (!m) return address;
  const [a = 0, b = 0, c = 0, d = 0] = m.slice(2).map(Number);
  if ([a, b, c, d].some((n) => n > 255)) return address;
  return `${m[1] ?? ''}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/** Builds the policy for a list of allowed CIDRs (e.g. `['127.0.0.1/32', '::1/128']`). */
export function createAddressPolicy(allowCidrs: readonly string[] = []): AddressPolicy {
  const allow = parseAllowList(allowCidrs);
  return (address: string): AddressVerdict => {
    const bare = hexTail(address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address);
    if (!ipaddr.isValid(bare)) return { allowed: false, range: 'invalid' };
    const parsed = ipaddr.parse(bare);
    if (parsed instanceof ipaddr.IPv6 && parsed.range() === 'unicast' && parsed.match(IPV4_COMPATIBLE)) {
      return inList(parsed, allow) ? { allowed: true, range: 'allow-listed' } : { allowed: false, range: 'ipv4Compatible' };
    }
    const forms: (ipaddr.IPv4 | ipaddr.IPv6)[] = [parsed];
    if (parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress()) forms.push(parsed.toIPv4Address());
    if (forms.some((f) => inList(f, allow))) return { allowed: true, range: 'allow-listed' };
    const judged = forms[forms.length - 1] ?? parsed;
    const range = judged.range();
    return { allowed: range === 'unicast', range };
  };
}
