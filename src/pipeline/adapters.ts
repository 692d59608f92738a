/**
 * The real stage functions behind the pipeline's ports: ingestion (`src/sources`), the compiled
 * rules (`src/rules`) and the near-duplicate signature's input (`src/dedupe`).
 */
import type { Config } from '../config/types.js';
import { leadTokens } from '../dedupe/lead-tokens.js';
import { checkRules, compileConfigRules } from '../rules/check.js';
import { matchArticle } from '../rules/match.js';
import { ingestSource } from '../sources/ingest.js';
import type { IngestFn, MatchFn } from './ports.js';
import type { ServiceDeps } from './service.js';

/** The config's rules compiled once (a broken query throws a located `ConfigError`), as a match function. */
function compileMatcher(config: Config): MatchFn {
  const set = compileConfigRules(config);
  return (article) => matchArticle(set, article);
}

/** Ingestion as the pipeline sees it; page-change sources list one item (the page) when fetched. */
function ingestWith(config: () => Config): IngestFn {
  return async (source, state, opts = {}) => {
    const r = await ingestSource(source, config().settings, state, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.unseen ? { wantFullText: opts.unseen } : {}),
    });
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
  return { compile: compileMatcher, checkRules, ingest: ingestWith, leadTokens };
}
