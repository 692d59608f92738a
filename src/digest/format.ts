/**
 * Shared pieces of every renderer: cleaning feed text, cutting it at highlights, dates in the
 * subscriber's zone, and the subject line.
 *
 * `cleanText` removes what must never reach a reader from a feed (`unsafe-chars.ts`: control and
 * format characters but tab and line feed — so CR cannot start a new mail header — bidi overrides,
 * isolates and U+061C, soft hyphens, line and paragraph separators). Normalising removed them from
 * new articles already; this covers older archived ones and names from the configuration.
 * Escaping for a target format (HTML, Slack mrkdwn) is the renderer's job and comes after cleaning.
 */
import type { Span } from '../types.js';
import { unsafeChars } from '../unsafe-chars.js';
import type { Digest } from './model.js';

const UNSAFE = unsafeChars({ keep: '\t\n', separators: true });

/** Removes control and format characters (bidi overrides among them); keeps tabs and newlines. */
export function cleanText(text: string): string {
  return text.replace(UNSAFE, '');
}

// A run of two or more whitespace characters, or one that is not a plain space. Single plain spaces
// are not matched, so ordinary text costs no replacement: `/\s+/g` replaces every space, which takes
// about half a second on a 1 MB title and ran several times per rendered entry.
const WHITESPACE_RUN = /\s{2,}|[^\S ]/g;

/** Folds every run of whitespace (newlines too) into one space; the same result as `replace(/\s+/g, ' ')`. */
export function foldSpaces(text: string): string {
  return text.replace(WHITESPACE_RUN, ' ');
}

/** Cleans text and folds every run of whitespace (newlines too) into one space: for one-line fields. */
export function cleanLine(text: string): string {
  return foldSpaces(cleanText(text)).trim();
}

/** Cuts text to at most `max` characters, on a word boundary when one is near, ending in "…". */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(1, max - 1));
  const space = cut.lastIndexOf(' ');
  if (space > max * 0.6) cut = cut.slice(0, space);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

export interface Segment {
  readonly text: string;
  readonly hit: boolean;
}

/** Splits text into plain and highlighted segments (spans must be sorted and disjoint). */
export function splitHighlights(text: string, spans: readonly Span[]): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const s of spans) {
    const start = Math.max(at, Math.min(s.start, text.length));
    const end = Math.min(s.end, text.length);
    if (end <= start) continue;
    if (start > at) out.push({ text: text.slice(at, start), hit: false });
    out.push({ text: text.slice(start, end), hit: true });
    at = end;
  }
  if (at < text.length) out.push({ text: text.slice(at), hit: false });
  return out;
}

/** Renders text with highlights through `plain` and `hit`, cleaning each piece first. */
export function markHighlights(text: string, spans: readonly Span[], plain: (s: string) => string, hit: (s: string) => string): string {
  return splitHighlights(text, spans)
    .map((seg) => (seg.hit ? hit(plain(cleanText(seg.text))) : plain(cleanText(seg.text))))
    .join('');
}

// Making an Intl.DateTimeFormat costs about a tenth of a millisecond, more than the rest of a
// digest entry: one formatter per style and zone, kept.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(style: 'day' | 'date-time', timeZone: string): Intl.DateTimeFormat {
  const key = `${style} ${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f =
      style === 'day'
        ? new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone })
        : new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
    formatters.set(key, f);
  }
  return f;
}

/** "27 Nov" in the zone. */
export function formatDay(iso: string, timeZone: string): string {
  return formatter('day', timeZone).format(new Date(iso));
}

/** "27 Nov 2026, 08:00" in the zone. */
export function formatDateTime(iso: string, timeZone: string): string {
  return formatter('date-time', timeZone).format(new Date(iso));
}

/** "26 Nov 2026, 08:00 – 27 Nov 2026, 08:00 (Europe/Minsk)". */
export function formatWindow(digest: Digest): string {
  const { start, end } = digest.window;
  return `${formatDateTime(start, digest.timeZone)} – ${formatDateTime(end, digest.timeZone)} (${digest.timeZone})`;
}

export interface SubjectOptions {
  /** Replaces "belwatch" at the start (the email channel's `subjectPrefix`). */
  readonly prefix?: string | undefined;
}

const SUBJECT_THEMES = 3;

/**
 * `belwatch: 7 new on sanctions, integration — 27 Nov` (theme names as configured, at most three then
 * "+N more"); `belwatch: nothing new — 27 Nov` for an empty digest; `belwatch alert: <newest title>`
 * (+ "and N more") for an alert. Always one line of at most 200 characters: no CR/LF can reach a header.
 */
export function renderSubject(digest: Digest, opts: SubjectOptions = {}): string {
  const prefix = cleanLine(opts.prefix ?? 'belwatch') || 'belwatch';
  const day = formatDay(digest.window.end, digest.timeZone);
  let subject: string;
  if (digest.kind === 'alert') {
    const newest = digest.groups.flatMap((g) => g.entries).sort((a, b) => b.published.localeCompare(a.published))[0];
    const more = digest.total > 1 ? ` (and ${digest.total - 1} more)` : '';
    subject = `${prefix} alert: ${newest ? shorten(cleanLine(newest.title), 120) : 'nothing new'}${more}`;
  } else if (digest.total === 0) {
    subject = `${prefix}: nothing new — ${day}`;
  } else {
    const names = digest.counts.map((c) => cleanLine(c.ruleName));
    const shown = names.slice(0, SUBJECT_THEMES).join(', ');
    const rest = names.length > SUBJECT_THEMES ? ` +${names.length - SUBJECT_THEMES} more` : '';
    subject = `${prefix}: ${digest.total} new on ${shown}${rest} — ${day}`;
  }
  return shorten(cleanLine(subject), 200);
}
