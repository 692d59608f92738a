/**
 * Which network addresses belwatch may connect to (the SSRF policy), as a pure function.
 *
 * An address is allowed when it is plain public unicast, or when it falls inside one of the CIDRs
 * of `settings.http.allowPrivateNetworks`. Everything else is refused: loopback, RFC 1918, CGNAT
 * 100.64/10, link-local 169.254/16 (cloud metadata), multicast, broadcast, unspecified, reserved and
 * benchmarking ranges, IPv6 ULA fc00::/7 and link-local fe80::/10, and every IPv6 form that embeds
 * an IPv4 address (mapped ::ffff:0:0/96, NAT64, 6to4, Teredo). An IPv4-mapped IPv6 address is judged
 * as the IPv4 address it carries, so `::ffff:127.0.0.1` is loopback. Input that is not an IP address
 * at all is refused. ipaddr.js classifies; the npm `ip` package is not used (it calls `127.1` public).
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

/** Builds the policy for a list of allowed CIDRs (e.g. `['127.0.0.1/32', '::1/128']`). */
export function createAddressPolicy(allowCidrs: readonly string[] = []): AddressPolicy {
  const allow = parseAllowList(allowCidrs);
  return (address: string): AddressVerdict => {
    const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
    if (!ipaddr.isValid(bare)) return { allowed: false, range: 'invalid' };
    const parsed = ipaddr.parse(bare);
    const forms: (ipaddr.IPv4 | ipaddr.IPv6)[] = [parsed];
    if (parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress()) forms.push(parsed.toIPv4Address());
    if (forms.some((f) => inList(f, allow))) return { allowed: true, range: 'allow-listed' };
    const judged = forms[forms.length - 1] ?? parsed;
    const range = judged.range();
    return { allowed: range === 'unicast', range };
  };
}
