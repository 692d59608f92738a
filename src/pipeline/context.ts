/**
 * What every processor is handed: Redis and its key names, a logger, the current runtime (config
 * plus the compiled matcher, swapped atomically on reload) and the stage functions.
 */
import type { Redis } from 'ioredis';
import type { Config, SourceConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Keys } from '../store/redis.js';
import type { OnPending } from '../notify/alert-window.js';
import type { IngestFn, LeadTokensFn, MatchFn } from './ports.js';
import type { SourceHealth } from './source-health.js';

export interface Runtime {
  readonly config: Config;
  readonly match: MatchFn;
  /** Subscription ids per rule id (a subscription with rules "*" is under every rule). */
  readonly subscriptionsByRule: ReadonlyMap<string, readonly string[]>;
}

export interface PipelineContext {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly log: Logger;
  readonly runtime: () => Runtime;
  readonly ingest: IngestFn;
  readonly leadTokens: LeadTokensFn;
  readonly now: () => number;
  /** Called after matches were handed to subscriptions (instant delivery hooks in here). */
  readonly onPending?: OnPending;
  /** Called after each poll with the source's new health (source-health alerts hook in here; must not throw). */
  readonly onHealth?: (source: SourceConfig, health: SourceHealth) => Promise<void>;
}

export function buildRuntime(config: Config, match: MatchFn): Runtime {
  const byRule = new Map<string, string[]>();
  for (const rule of config.rules) byRule.set(rule.id, []);
  for (const sub of config.subscriptions) {
    const ids = sub.rules.includes('*') ? config.rules.map((r) => r.id) : sub.rules;
    for (const id of ids) byRule.get(id)?.push(sub.id);
  }
  return { config, match, subscriptionsByRule: byRule };
}
