/**
 * Checks that span entries or files and need more than a schema: duplicate ids, subscriptions
 * naming unknown rules, cron expressions, IANA time zones, page selectors, channels that need
 * settings (email needs SMTP), and CIDRs of `http.allowPrivateNetworks` that do not parse (the
 * address policy would silently allow nothing for them). Each check returns problems with
 * positions; none throws.
 *
 * `crossCheckWarnings` finds what is valid but will not work as written: a source, webhook or
 * Slack URL whose host is a literal address (or `localhost`) that the address policy refuses —
 * private, loopback, link-local (cloud metadata), ... — and `http.allowPrivateNetworks` does not
 * allow. Every fetch or post to it would fail with blocked-address; a name that resolves to such
 * an address is only seen at fetch time, after DNS.
 */
import ipaddr from 'ipaddr.js';
import cron from 'node-cron';
import type { Problem } from '../errors.js';
import { createAddressPolicy } from '../sources/fetch/address-policy.js';
import type { Config } from './types.js';

type Checked = Omit<Config, 'secrets' | 'warnings'>;

export function crossCheck(config: Checked): Problem[] {
  const problems: Problem[] = [];
  const at = (file: Parameters<Config['locate']>[0], path: readonly PropertyKey[], message: string): void => {
    problems.push({ ...config.locate(file, path), message });
  };

  const dupes = (file: Parameters<Config['locate']>[0], list: readonly { id: string }[], key: string, what: string): void => {
    const first = new Map<string, number>();
    list.forEach((item, i) => {
      const seen = first.get(item.id);
      if (seen === undefined) first.set(item.id, i);
      else at(file, [key, i, 'id'], `duplicate ${what} id "${item.id}" (first defined at line ${config.locate(file, [key, seen, 'id']).line})`);
    });
  };
  dupes('sources.yaml', config.sources, 'sources', 'source');
  dupes('rules.yaml', config.rules, 'rules', 'rule');
  dupes('subscriptions.yaml', config.subscriptions, 'subscriptions', 'subscription');

  config.sources.forEach((s, i) => {
    if (s.kind === 'page') {
      for (const need of ['item', 'link', 'title'] as const) {
        if (!s.selectors?.[need]) at('sources.yaml', [ 'sources', i, s.selectors ? 'selectors' : 'kind'], `page source "${s.id}" needs selectors.${need}`);
      }
    } else if (s.kind === 'feed' && s.selectors) {
      at('sources.yaml', ['sources', i, 'selectors'], `feed source "${s.id}" takes no selectors (use kind: page to scrape)`);
    }
  });

  const ruleIds = new Set(config.rules.map((r) => r.id));
  const smtpConfigured = config.settings.smtp.url.trim() !== '';
  config.subscriptions.forEach((sub, i) => {
    sub.rules.forEach((r, j) => {
      if (r !== '*' && !ruleIds.has(r)) at('subscriptions.yaml', ['subscriptions', i, 'rules', j], `subscription "${sub.id}" names unknown rule "${r}"`);
    });
    const { cron: expr, timezone } = sub.schedule;
    if (!cron.validate(expr)) at('subscriptions.yaml', ['subscriptions', i, 'schedule', 'cron'], `invalid cron expression "${expr}"`);
    if (!isTimeZone(timezone)) at('subscriptions.yaml', ['subscriptions', i, 'schedule', 'timezone'], `unknown time zone "${timezone}" (use an IANA name such as Europe/Minsk)`);
    sub.channels.forEach((ch, j) => {
      if (ch.type === 'email' && !smtpConfigured) {
        at('subscriptions.yaml', ['subscriptions', i, 'channels', j, 'type'], 'email channel needs smtp.url in settings.yaml (or SMTP_URL in the environment)');
      }
    });
  });
  config.settings.http.allowPrivateNetworks.forEach((cidr, i) => {
    // ipaddr.parseCIDR is what the address policy reads the list with: valid here is valid there
    if (!ipaddr.isValidCIDR(cidr)) {
      at('settings.yaml', ['http', 'allowPrivateNetworks', i], `http.allowPrivateNetworks[${i}]: "${cidr}" is not a CIDR (an address, "/", and a prefix length of 0 to 32 for IPv4 or 0 to 128 for IPv6)`);
    }
  });
  return problems;
}

export function crossCheckWarnings(config: Checked): Problem[] {
  const policy = createAddressPolicy(config.settings.http.allowPrivateNetworks.filter((c) => ipaddr.isValidCIDR(c)));
  const loopback = policy('127.0.0.1');
  /** What the URL's host is when the policy refuses it whatever DNS says, else undefined. */
  const refused = (url: string): string | undefined => {
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      return undefined;
    }
    const name = host.toLowerCase().replace(/\.$/, '');
    const isLocalhost = name === 'localhost' || name.endsWith('.localhost');
    const verdict = isLocalhost ? loopback : policy(host);
    if (verdict.allowed || verdict.range === 'invalid') return undefined;
    return isLocalhost ? `${host}, a loopback name` : `${host}, a ${describeRange(verdict.range)} address`;
  };
  const unless = "unless settings.yaml's http.allowPrivateNetworks allows it";
  const warnings: Problem[] = [];
  config.sources.forEach((s, i) => {
    const what = refused(s.url);
    if (what) warnings.push({ ...config.locate('sources.yaml', ['sources', i, 'url']), message: `warning: source "${s.id}" points at ${what}: every fetch will be refused ${unless}` });
  });
  config.subscriptions.forEach((sub, i) => {
    sub.channels.forEach((ch, j) => {
      // Only the host is named: a Slack webhook URL is a secret.
      const [key, url] = ch.type === 'slack' ? ['webhookUrl', ch.webhookUrl] : ch.type === 'webhook' ? ['url', ch.url] : [];
      const what = url === undefined ? undefined : refused(url);
      if (what && key) {
        warnings.push({
          ...config.locate('subscriptions.yaml', ['subscriptions', i, 'channels', j, key]),
          message: `warning: subscription "${sub.id}" ${ch.type} channel posts to ${what}: every delivery will be refused ${unless}`,
        });
      }
    });
  });
  return warnings;
}

const RANGE_NAMES: Readonly<Record<string, string>> = {
  loopback: 'loopback',
  private: 'private (RFC 1918)',
  linkLocal: 'link-local (cloud metadata)',
  uniqueLocal: 'unique local (fc00::/7)',
  carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
  reserved: 'reserved',
};

function describeRange(range: string): string {
  return RANGE_NAMES[range] ?? `non-public (${range})`;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
