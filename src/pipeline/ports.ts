/**
 * What the pipeline needs from the stages around it, as plain function types. The service wires
 * the real ones (`adapters.ts`: ingestion, the compiled rules, text analysis); the processors
 * only see these shapes, so each processor reads as the story of its job.
 */
import type { SourceConfig } from '../config/types.js';
import type { Article, RuleMatch, SourceState } from '../types.js';

export interface IngestOutcome {
  readonly kind: 'ok' | 'not-modified' | 'error';
  readonly articles: readonly Article[];
  /** Items listed by the feed or page, new or not (ok only). */
  readonly itemCount: number;
  /** Set when the document listed more items than the poll's item cap kept, the newest (ok only). */
  readonly itemsCut?: { readonly kept: number; readonly listed: number } | undefined;
  readonly state: SourceState;
  readonly status?: number | undefined;
  readonly errorClass?: string | undefined;
  readonly errorMessage?: string | undefined;
  /** Whether retrying can help; false for a 404 feed or a broken selector. */
  readonly permanent?: boolean | undefined;
  readonly retryAfterMs?: number | undefined;
  readonly freshForMs?: number | undefined;
}

export interface IngestCallOptions {
  /** Aborts the fetch (service shutdown); the outcome is then meaningless and must not be recorded. */
  readonly signal?: AbortSignal | undefined;
  /** The ids among a poll's articles not seen before: only those get a full-text fetch (`fullText` sources). */
  readonly unseen?: ((articles: readonly Article[]) => Promise<ReadonlySet<string>>) | undefined;
}

export type IngestFn = (source: SourceConfig, state: SourceState, opts?: IngestCallOptions) => Promise<IngestOutcome>;
export type MatchFn = (article: Article) => readonly RuleMatch[];
/** The analysed tokens of an article's lead (title and first words), for near-duplicate signatures. */
export type LeadTokensFn = (article: Article) => readonly string[];
