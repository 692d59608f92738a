import { describe, expect, it } from 'vitest';
import { computeDueWindow, findLatestScheduledInstant, listScheduledInstants, type Schedule } from '../../src/digest/schedule.js';

const localDay = (d: Date, tz: string): string => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
const localTime = (d: Date, tz: string): string => new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }).format(d);

/**
 * Runs a scheduler loop over 2026 with a fake clock ticking every `tickMin` minutes (hourly by default,
 * which keeps the run short; ticks land on the hour, so 02:30 fires are seen at the next tick); returns
 * each window end sent.
 */
function simulateYear(schedule: Schedule, tickMin = 60): Date[] {
  const sends: Date[] = [];
  let lastEnd: Date | null = new Date('2025-12-31T12:00:00Z');
  const stop = Date.parse('2027-01-01T12:00:00Z');
  for (let t = Date.parse('2026-01-01T00:00:00Z'); t < stop; t += tickMin * 60_000) {
    const window = computeDueWindow(schedule, lastEnd, new Date(t));
    if (!window) continue;
    expect(window.start).toEqual(lastEnd);
    sends.push(window.end);
    lastEnd = window.end;
  }
  return sends;
}

function perDay(sends: Date[], tz: string): Map<string, Date[]> {
  const days = new Map<string, Date[]>();
  for (const s of sends) days.set(localDay(s, tz), [...(days.get(localDay(s, tz)) ?? []), s]);
  return days;
}

describe('schedules over a simulated year', () => {
  it.each([
    ['Europe/Minsk', '0 8 * * *'],
    ['Europe/Berlin', '30 2 * * *'],
    ['America/New_York', '30 2 * * *'],
    ['America/New_York', '0 8 * * *'],
  ])('%s %s fires exactly once on every local day', (tz, cron) => {
    const sends = simulateYear({ cron, timezone: tz });
    const days = perDay(sends, tz);
    const year = [...days.keys()].filter((d) => d.startsWith('2026-'));
    expect(year).toHaveLength(365);
    for (const [day, list] of days) expect(list, day).toHaveLength(1);
    // the loop and the range listing agree
    expect(listScheduledInstants({ cron, timezone: tz }, new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'))).toEqual(sends.filter((s) => s >= new Date('2026-01-01T00:00:00Z') && s < new Date('2027-01-01T00:00:00Z')));
  });

  it('Europe/Berlin 02:30: once at 03:00 CEST on the spring-forward day, once at 02:30 CEST on the fall-back day', () => {
    const days = perDay(simulateYear({ cron: '30 2 * * *', timezone: 'Europe/Berlin' }), 'Europe/Berlin');
    expect(days.get('2026-03-29')!.map((d) => d.toISOString())).toEqual(['2026-03-29T01:00:00.000Z']);
    expect(localTime(days.get('2026-03-29')![0]!, 'Europe/Berlin')).toBe('03:00 CEST');
    expect(days.get('2026-10-25')!.map((d) => d.toISOString())).toEqual(['2026-10-25T00:30:00.000Z']);
    expect(localTime(days.get('2026-03-28')![0]!, 'Europe/Berlin')).toBe('02:30 CET');
    expect(localTime(days.get('2026-10-26')![0]!, 'Europe/Berlin')).toBe('02:30 CET');
  });

  it('Europe/Minsk has no DST: always 05:00 UTC', () => {
    const sends = simulateYear({ cron: '0 8 * * *', timezone: 'Europe/Minsk' }, 180);
    expect(new Set(sends.map((s) => s.toISOString().slice(11)))).toEqual(new Set(['05:00:00.000Z']));
  });
});

describe('durable windows', () => {
  const daily: Schedule = { cron: '0 8 * * *', timezone: 'Europe/Minsk' };

  it('finds the latest scheduled instant at or before now, inclusive', () => {
    expect(findLatestScheduledInstant(daily, new Date('2026-11-27T05:00:00.000Z'))).toEqual(new Date('2026-11-27T05:00:00Z'));
    expect(findLatestScheduledInstant(daily, new Date('2026-11-27T04:59:59.999Z'))).toEqual(new Date('2026-11-26T05:00:00Z'));
    expect(findLatestScheduledInstant({ cron: '* * * * * *', timezone: 'UTC' }, new Date('2026-11-27T05:00:00.400Z'))).toEqual(new Date('2026-11-27T05:00:00Z'));
  });

  it('covers downtime over several scheduled times with one window, and nothing twice', () => {
    const lastEnd = new Date('2026-11-23T05:00:00Z');
    const now = new Date('2026-11-27T09:13:00Z');
    expect(computeDueWindow(daily, lastEnd, now)).toEqual({ start: lastEnd, end: new Date('2026-11-27T05:00:00Z') });
    expect(computeDueWindow(daily, new Date('2026-11-27T05:00:00Z'), now)).toBeNull();
  });

  it('starts a new subscription one period back, or at the given first start', () => {
    const now = new Date('2026-11-27T06:00:00Z');
    expect(computeDueWindow(daily, null, now)).toEqual({ start: new Date('2026-11-26T05:00:00Z'), end: new Date('2026-11-27T05:00:00Z') });
    expect(computeDueWindow(daily, null, now, new Date('2026-11-27T01:00:00Z'))).toEqual({ start: new Date('2026-11-27T01:00:00Z'), end: new Date('2026-11-27T05:00:00Z') });
  });

  it('rejects an invalid expression or zone with RangeError', () => {
    expect(() => listScheduledInstants({ cron: 'not cron', timezone: 'UTC' }, new Date(0), new Date(1))).toThrow(RangeError);
    expect(() => findLatestScheduledInstant({ cron: '0 8 * * *', timezone: 'Mars/Olympus' }, new Date())).toThrow(RangeError);
  });
});
