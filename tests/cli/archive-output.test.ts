import { describe, expect, it } from 'vitest';
import { displayZone, formatHits } from '../../src/cli/archive-commands.js';
import type { SubscriptionConfig } from '../../src/config/types.js';
import type { BacktestHit } from '../../src/rules/backtest.js';
import { UsageError } from '../../src/errors.js';

function hit(id: string, published: string, firstSeen: number): BacktestHit {
  return {
    entry: {
      article: { id, sourceId: 'belta', url: `https://belta.example.org/${id}`, guid: null, title: `Story ${id}`, summary: '', content: '', author: null, categories: [], published, publishedEstimated: false, fetchedAt: published, lang: 'en' },
      firstSeen,
      clusterId: id,
      matches: [],
    },
    matches: [{ ruleId: 'search', highlights: {}, terms: [] }],
  };
}

const subs = (...zones: string[]) => ({ subscriptions: zones.map((timezone) => ({ schedule: { cron: '0 8 * * *', timezone } }) as SubscriptionConfig) });

describe('archive command output', () => {
  it('names the zone, lists newest publication first and carries no rule tag', () => {
    // archive order is first-seen order; a late-seen old story must not come first
    const hits = [hit('old', '2026-11-20T10:00:00Z', 3), hit('new', '2026-12-01T21:30:00Z', 2), hit('mid', '2026-11-25T10:00:00Z', 1)];
    expect(formatHits({ scanned: 9, hits }, 'Europe/Minsk').split('\n')).toEqual([
      'dates in Europe/Minsk',
      ' 2 Dec 2026, 00:30  belta               Story new  <https://belta.example.org/new>',
      '25 Nov 2026, 13:00  belta               Story mid  <https://belta.example.org/mid>',
      '20 Nov 2026, 13:00  belta               Story old  <https://belta.example.org/old>',
      '3 matched of 9 archived articles',
      '',
    ]);
  });

  it.each([
    ['the zone every subscription uses', subs('Europe/Minsk', 'Europe/Minsk'), undefined, 'Europe/Minsk'],
    ['UTC when the subscriptions disagree', subs('Europe/Minsk', 'Europe/Warsaw'), undefined, 'UTC'],
    ['UTC with no subscriptions', subs(), undefined, 'UTC'],
    ['--tz over the subscriptions', subs('Europe/Minsk'), 'America/New_York', 'America/New_York'],
  ])('prints dates in %s', (_label, config, tz, zone) => {
    expect(displayZone(config, tz)).toBe(zone);
  });

  it('refuses an unknown --tz as a usage error', () => {
    expect(() => displayZone(subs(), 'Mars/Olympus')).toThrow(UsageError);
  });
});
