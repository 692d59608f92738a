/**
 * Link resolution and URL canonicalisation (pure).
 *
 * `resolveLink` makes a link absolute against a base (xml:base, the feed or page URL) and keeps only
 * http(s): `javascript:`, `data:`, `mailto:` and unparseable links become null. `canonicaliseUrl`
 * lower-cases scheme and host (WHATWG URL does), drops the default port, the fragment, userinfo
 * (`https://belta.by@evil.test/` is evil.test dressed as belta.by), a trailing dot on the host and
 * tracking parameters (`utm_*`, `fbclid`, `gclid`, `mc_cid`, `mc_eid`, ...), and sorts
 * the remaining query parameters by name (stable, so repeated names keep their order).
 */
import { parseHttpUrl } from '../../http-protocol.js';

const TRACKING = new Set([
  'fbclid', 'gclid', 'dclid', 'gclsrc', 'msclkid', 'yclid', 'mc_cid', 'mc_eid', 'igshid', '_ga', '_gl',
  'ref_src', 'ref_url', 'cmpid', 'ncid', 'sr_share', 'spm', 'oly_anon_id', 'oly_enc_id', 'wt_mc', 'mkt_tok',
]);

function isTracking(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith('utm_') || TRACKING.has(n);
}

export function canonicaliseUrl(url: URL): string {
  return canonicaliseInPlace(new URL(url.toString()));
}

function canonicaliseInPlace(u: URL): string {
  u.hash = '';
  u.username = '';
  u.password = '';
  if (u.hostname.endsWith('.')) u.hostname = u.hostname.slice(0, -1);
  if (u.search) {
    const kept = [...u.searchParams].filter(([k]) => !isTracking(k));
    kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    u.search = kept.length === 0 ? '' : new URLSearchParams(kept).toString();
  }
  return u.toString();
}

/** The absolute http(s) URL a link points at, or null. */
export function resolveLink(raw: string | null | undefined, base?: string | null): URL | null {
  const link = (raw ?? '').trim();
  if (link === '') return null;
  return parseHttpUrl(link, base);
}

/** `resolveLink` then `canonicaliseUrl`; null when there is no usable link. */
export function canonicalLink(raw: string | null | undefined, base?: string | null): string | null {
  const u = resolveLink(raw, base);
  return u ? canonicaliseInPlace(u) : null;
}
