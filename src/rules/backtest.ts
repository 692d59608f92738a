/**
 * Runs compiled rules over the archive: backtesting a new or edited rule (`belwatch rules test`)
 * and searching recent articles (`belwatch search`). Reads the archive newest first in batches,
 * so memory stays flat however long the window.
 */
import type { Redis } from 'ioredis';
import type { CompiledRuleSet } from './types.js';
import { matchArticle } from './match.js';
import { archivedIdsSince, readArchived, type ArchivedArticle } from '../store/archive.js';
import type { Keys } from '../store/redis.js';
import type { RuleMatch } from '../types.js';

export interface BacktestHit {
  readonly entry: ArchivedArticle;
  readonly matches: readonly RuleMatch[];
}

export interface BacktestResult {
  readonly scanned: number;
  readonly hits: readonly BacktestHit[];
}

const BATCH = 500;

export async function backtestRules(redis: Redis, keys: Keys, set: CompiledRuleSet, sinceMs: number, opts: { limit?: number; untilMs?: number } = {}): Promise<BacktestResult> {
  const ids = await archivedIdsSince(redis, keys, sinceMs, opts.untilMs ?? Date.now());
  const hits: BacktestHit[] = [];
  let scanned = 0;
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  for (let i = 0; i < ids.length && hits.length < limit; i += BATCH) {
    const batch = await readArchived(redis, keys, ids.slice(i, i + BATCH));
    for (const entry of batch) {
      scanned++;
      const matches = matchArticle(set, entry.article);
      if (matches.length > 0) hits.push({ entry, matches });
      if (hits.length >= limit) break;
    }
  }
  return { scanned, hits };
}
