/**
 * The values that flow between pipeline stages. Plain data only (JSON-serialisable), so they can
 * travel in BullMQ jobs and Redis archives unchanged.
 */

/** One item from a source, normalised. Text fields are plain text: no tags, entities decoded. */
export interface Article {
  /** Stable id: from the canonical URL, else the guid, else a hash of title and date. */
  readonly id: string;
  readonly sourceId: string;
  /** Absolute canonical URL, or null when the item had no usable link. */
  readonly url: string | null;
  readonly guid: string | null;
  readonly title: string;
  readonly summary: string;
  readonly content: string;
  readonly author: string | null;
  readonly categories: readonly string[];
  /** UTC ISO 8601. */
  readonly published: string;
  /** True when `published` is the fetch time because the item's date was missing, unparseable or in the future. */
  readonly publishedEstimated: boolean;
  /** UTC ISO 8601. */
  readonly fetchedAt: string;
  /** Language code from the item, the feed or the source config. */
  readonly lang: string | null;
}

/** The text fields a watch rule can look into. */
export type TextField = 'title' | 'summary' | 'content' | 'author';

/** A half-open range of UTF-16 offsets into one field's text, for highlighting. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Why a rule fired on an article. */
export interface RuleMatch {
  readonly ruleId: string;
  /** Matched spans per field, sorted and merged. */
  readonly highlights: Partial<Record<TextField, readonly Span[]>>;
  /** The query terms (as written, analysed) that contributed to the match. */
  readonly terms: readonly string[];
}

/** What a source's last fetch left for the next one: conditional-GET validators and the page's hash. */
export interface SourceState {
  readonly etag?: string | undefined;
  readonly lastModified?: string | undefined;
  readonly pageHash?: string | undefined;
}

/** Whether a source is healthy, and if not, why (one reason per line of an admin alert). */
export interface HealthAssessment {
  readonly healthy: boolean;
  readonly reasons: readonly string[];
}
