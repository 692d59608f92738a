/**
 * The real stage functions behind the pipeline's ports: ingestion (`src/sources`), the compiled
 * rules (`src/rules`) and text analysis for near-duplicate signatures.
 */
import type { Config } from '../config/types.js';
import { analyzeText } from '../rules/analyze.js';
import { checkRules } from '../rules/check.js';
import { compileRules } from '../rules/compile.js';
import { matchArticle } from '../rules/match.js';
import { ingestSource } from '../sources/ingest.js';
import type { Article } from '../types.js';
import type { IngestFn, LeadTokensFn, MatchFn } from './ports.js';
import type { ServiceDeps } from './service.js';

/** Tokens of the body's lead that take part in a story's signature (see tests/dedupe). */
export const LEAD_TOKENS = 40;

export const leadTokens: LeadTokensFn = (article: Article) => {
  const title = analyzeText(article.title).terms;
  const body = analyzeText(article.content || article.summary).terms.slice(0, LEAD_TOKENS);
  return [...title, ...body];
};

export function compileMatcher(config: Config): MatchFn {
  const set = compileRules(config.rules, config.aliases);
  return (article) => matchArticle(set, article);
}

/** Ingestion as the pipeline sees it; page-change sources list one item (the page) when fetched. */
export function ingestWith(config: () => Config): IngestFn {
  return async (source, state, signal) => {
    const r = await ingestSource(source, config().settings, state, signal ? { signal } : {});
    const error = r.error;
    return {
      kind: r.status,
      articles: r.articles,
      itemCount: source.kind === 'page-change' && r.status === 'ok' ? 1 : r.articles.length,
      itemsCut: r.itemsCut,
      state: r.state,
      status: r.httpStatus ?? undefined,
      errorClass: error?.kind,
      errorMessage: error?.message,
      retryAfterMs: r.cacheHints.retryAfterMs,
      freshForMs: r.cacheHints.noCache ? undefined : r.cacheHints.maxAgeMs,
    };
  };
}

export function serviceDeps(): ServiceDeps {
  return { compile: compileMatcher, ingest: ingestWith, leadTokens, configChecks: [checkRules] };
}
