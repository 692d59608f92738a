/**
 * Checks that span entries or files and need more than a schema: duplicate ids, subscriptions
 * naming unknown rules, cron expressions, IANA time zones, page selectors, and channels that need
 * settings (email needs SMTP). Each check returns problems with positions; none throws.
 */
import cron from 'node-cron';
import type { Problem } from '../errors.js';
import type { Config } from './types.js';

export function crossCheck(config: Omit<Config, 'secrets'>): Problem[] {
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
  return problems;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
