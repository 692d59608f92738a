/**
 * Feed and page dates to UTC ISO 8601 (pure).
 *
 * Accepted: ISO 8601 (a date-time without a zone is taken as UTC, not as the machine's local time),
 * RFC 822/1123 with numeric or named zones (GMT, UT, EST...PDT, MSK, CET/CEST, EET/EEST, BST, ...),
 * `dd.mm.yyyy [hh:mm[:ss]]`, `yyyy/mm/dd`, and `5 January 2024` / `5 января 2024` / `5 студзеня 2024`
 * (English, Russian, Belarusian month names), with an optional time. Rules after parsing:
 * unparseable or missing -> the fetch time, flagged `estimated`; a year before 1970 or after 2100 ->
 * rejected the same way; more than a day after the fetch time -> clamped to the fetch time, flagged.
 */

export interface NormalisedDate {
  readonly iso: string;
  readonly estimated: boolean;
}

const DAY_MS = 86_400_000;

const ZONES: Record<string, string> = {
  UT: '+0000', UTC: '+0000', GMT: '+0000', Z: '+0000', WET: '+0000',
  EST: '-0500', EDT: '-0400', CST: '-0600', CDT: '-0500', MST: '-0700', MDT: '-0600', PST: '-0800', PDT: '-0700',
  BST: '+0100', CET: '+0100', CEST: '+0200', MET: '+0100', MEST: '+0200', EET: '+0200', EEST: '+0300',
  MSK: '+0300', MSD: '+0400', FET: '+0300', IST: '+0530', JST: '+0900', KST: '+0900', AEST: '+1000', AEDT: '+1100',
};

const MONTHS: readonly (readonly string[])[] = [
  ['jan', 'янв', 'сту'],
  ['feb', 'фев', 'лют'],
  ['mar', 'мар', 'сак'],
  ['apr', 'апр', 'кра'],
  ['may', 'мая', 'май', 'тра'],
  ['jun', 'июн', 'чэр'],
  ['jul', 'июл', 'ліп', 'лип'],
  ['aug', 'авг', 'жні'],
  ['sep', 'сен', 'вер'],
  ['oct', 'окт', 'кас'],
  ['nov', 'ноя', 'ліс', 'лис'],
  ['dec', 'дек', 'сне'],
];

function monthIndex(name: string): number | undefined {
  const n = name.toLowerCase().slice(0, 3);
  const i = MONTHS.findIndex((names) => names.some((m) => n === m.slice(0, 3)));
  return i === -1 ? undefined : i;
}

function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return NaN;
  return Date.UTC(y, mo, d, h, mi, s);
}

const RFC822_FAST = /^[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} [12]\d{3} \d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|GMT|UTC?)$/;
const ISO_ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const ISO_NO_ZONE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/;
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[,\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const SLASHED = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[,\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const WORDY = /^(\d{1,2})\s+([\p{L}]+)\.?,?\s+(\d{4})(?:(?:,|\s+в)?\s+(\d{1,2}):(\d{2}))?/u;
const NAMED_ZONE = /\s\(?([A-Z]{1,5})\)?$/;

/** Milliseconds since the epoch, or NaN. */
export function parseDateMs(raw: string): number {
  const s = raw.trim().replace(/\s+/g, ' ');
  if (s === '') return NaN;
  // The two shapes nearly every feed uses go straight to Date.parse (both carry their zone).
  if (RFC822_FAST.test(s) || ISO_ZONED.test(s)) return Date.parse(s);
  // A year such as 0001 would be read by Date.parse as 2001.
  if (/(?<![+\-\d:])0\d{3}(?![\d:])/.test(s)) return NaN;
  const iso = ISO_NO_ZONE.exec(s);
  if (iso) return Date.parse(`${iso[1]}T${iso[2]}Z`);
  let m = DOTTED.exec(s);
  if (m) return utc(+m[3]!, +m[2]! - 1, +m[1]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  m = SLASHED.exec(s);
  if (m) return utc(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  m = WORDY.exec(s);
  if (m) {
    const mo = monthIndex(m[2]!);
    if (mo !== undefined) return utc(+m[3]!, mo, +m[1]!, +(m[4] ?? 0), +(m[5] ?? 0));
  }
  const zone = NAMED_ZONE.exec(s);
  const withZone = zone && ZONES[zone[1]!] !== undefined ? `${s.slice(0, zone.index)} ${ZONES[zone[1]!]}` : s;
  const t = Date.parse(withZone);
  if (!Number.isNaN(t)) return t;
  // "Mon, 5 Feb 2024 10:00:00" with no zone at all: UTC.
  return /\d{1,2}:\d{2}/.test(withZone) && !/[+-]\d{4}$/.test(withZone) ? Date.parse(`${withZone} +0000`) : NaN;
}

export function normaliseDate(raw: string | null | undefined, fetchedAt: Date): NormalisedDate {
  const fetched = fetchedAt.getTime();
  const t = raw ? parseDateMs(raw) : NaN;
  if (Number.isNaN(t)) return { iso: fetchedAt.toISOString(), estimated: true };
  const year = new Date(t).getUTCFullYear();
  if (year < 1970 || year > 2100) return { iso: fetchedAt.toISOString(), estimated: true };
  if (t > fetched + DAY_MS) return { iso: fetchedAt.toISOString(), estimated: true };
  return { iso: new Date(t).toISOString(), estimated: false };
}
