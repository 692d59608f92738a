/**
 * The digest model: one plain, JSON-serialisable value that every renderer and channel reads.
 *
 * A digest is versioned (`version: 1`; a change that removes or retypes a field bumps it, adding a
 * field does not). Its `id` is deterministic — `<subscription>-<window end>` for a digest and
 * `<subscription>-alert-<window end>` for an instant alert, with `:` and `.` replaced so it is safe as
 * a file name and inside a Message-ID — so two instances building the same window agree on it.
 *
 * Groups follow the order of the rules given to `buildDigest`; entries are newest first. Text is kept
 * as the feed gave it (plain text, unescaped): escaping is each renderer's job. Highlights are
 * half-open UTF-16 ranges into the text they belong to. URLs are absolute http(s) or null.
 */
import type { Span } from '../types.js';

export const DIGEST_VERSION = 1;

export type DigestKind = 'digest' | 'alert';

export interface DigestOutlet {
  readonly sourceId: string;
  readonly name: string;
}

/** Text cut around the matched terms, with the matched ranges inside it. */
export interface Snippet {
  readonly text: string;
  readonly highlights: readonly Span[];
  /** True when text was cut at the start (renderers show "…"). */
  readonly cutStart: boolean;
  /** True when text was cut at the end. */
  readonly cutEnd: boolean;
}

export interface AlsoReportedBy {
  readonly outlet: DigestOutlet;
  readonly url: string | null;
  readonly title: string;
}

export interface DigestEntry {
  readonly articleId: string;
  readonly title: string;
  readonly titleHighlights: readonly Span[];
  readonly url: string | null;
  readonly outlet: DigestOutlet;
  /** UTC ISO 8601. */
  readonly published: string;
  readonly publishedEstimated: boolean;
  readonly snippet: Snippet;
  /** The query terms that contributed to the match, for "matched: …" lines. */
  readonly terms: readonly string[];
  /** The other copies of this story (other outlets or URLs of its cluster). */
  readonly alsoReportedBy: readonly AlsoReportedBy[];
}

export interface DigestGroup {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly entries: readonly DigestEntry[];
}

export interface DigestWindow {
  /** UTC ISO 8601, inclusive. */
  readonly start: string;
  /** UTC ISO 8601, exclusive. */
  readonly end: string;
}

export interface Digest {
  readonly version: typeof DIGEST_VERSION;
  readonly kind: DigestKind;
  readonly id: string;
  readonly subscription: { readonly id: string; readonly name: string };
  readonly window: DigestWindow;
  /** IANA zone the subscriber reads dates in. */
  readonly timeZone: string;
  /** Header: distinct stories over all groups (a story under two themes counts once). */
  readonly total: number;
  /** Header: per theme, in group order. */
  readonly counts: readonly { readonly ruleId: string; readonly ruleName: string; readonly count: number }[];
  readonly groups: readonly DigestGroup[];
}

/** `daily` + `2026-11-27T05:00:00.000Z` -> `daily-2026-11-27T05-00-00Z`. */
export function makeDigestId(subscriptionId: string, windowEnd: string, kind: DigestKind = 'digest'): string {
  const end = new Date(windowEnd);
  if (Number.isNaN(end.getTime())) throw new RangeError(`invalid window end ${JSON.stringify(windowEnd)}`);
  const stamp = end.toISOString().replace(/\.000Z$/, 'Z').replace(/[:.]/g, '-');
  return kind === 'alert' ? `${subscriptionId}-alert-${stamp}` : `${subscriptionId}-${stamp}`;
}
