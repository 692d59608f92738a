/**
 * Digest schedules: cron expression + IANA time zone -> instants. Pure (no timers), on croner.
 *
 * Grammar: 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, as node-cron
 * validates them in the config check. Evaluation is in wall-clock time of the zone, with croner's
 * DST rules: a local time skipped by a spring-forward fires once at the first instant after the gap
 * (02:30 in Europe/Berlin on the last Sunday of March fires at 03:00 CEST); a local time repeated by a
 * fall-back fires once, at its first occurrence (02:30 CEST, not again at 02:30 CET). So a daily
 * schedule fires exactly once on every calendar day. An hourly schedule fires once per real hour.
 *
 * Durable windows: a digest covers [end of the last delivered window, latest scheduled instant <= now).
 * After downtime across one or more scheduled instants that is one window covering the whole gap.
 * An invalid expression or zone throws `RangeError` (the config check rejects both before this runs).
 */
import { Cron } from 'croner';

export interface Schedule {
  readonly cron: string;
  readonly timezone: string;
}

export interface ScheduledWindow {
  readonly start: Date;
  readonly end: Date;
}

/** Upper bound on instants returned by one call, so a `* * * * * *` over years cannot exhaust memory. */
export const MAX_INSTANTS = 100_000;

const compiled = new Map<string, Cron>();

function compile(schedule: Schedule): Cron {
  const key = `${schedule.timezone} ${schedule.cron}`;
  const known = compiled.get(key);
  if (known) return known;
  try {
    new Intl.DateTimeFormat('en', { timeZone: schedule.timezone });
    const cron = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(key, cron);
    return cron;
  } catch (e) {
    throw new RangeError(`invalid schedule "${schedule.cron}" in ${schedule.timezone}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Scheduled instants in [from, to), oldest first. */
export function listScheduledInstants(schedule: Schedule, from: Date, to: Date): Date[] {
  const cron = compile(schedule);
  const out: Date[] = [];
  let next = cron.nextRun(new Date(from.getTime() - 1000));
  while (next && next < to && out.length < MAX_INSTANTS) {
    if (next >= from) out.push(next);
    next = cron.nextRun(next);
  }
  return out;
}

/** The latest scheduled instant at or before `now`, or null when there is none. */
export function findLatestScheduledInstant(schedule: Schedule, now: Date): Date | null {
  const reference = new Date(Math.floor(now.getTime() / 1000) * 1000 + 1000);
  return compile(schedule).previousRuns(2, reference).find((d) => d <= now) ?? null;
}

/**
 * The window due at `now`: from `lastEnd` (the end of the last delivered window) to the latest
 * scheduled instant <= now; null when that instant is not after `lastEnd` (nothing due yet). With no
 * `lastEnd` (a new subscription) the window starts at the scheduled instant before its end, or at
 * `firstStart` when given.
 */
export function computeDueWindow(schedule: Schedule, lastEnd: Date | null, now: Date, firstStart?: Date): ScheduledWindow | null {
  const end = findLatestScheduledInstant(schedule, now);
  if (!end) return null;
  if (lastEnd) return end > lastEnd ? { start: lastEnd, end } : null;
  const start = firstStart ?? findLatestScheduledInstant(schedule, new Date(end.getTime() - 1)) ?? end;
  return start < end ? { start, end } : null;
}
