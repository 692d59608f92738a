/**
 * Instant alerts, batched: the first match (or admin event) of a quiet subscription opens a batch
 * window of `batchWindow` (default 60 s) in Redis (`alert-open:<sub>:<stream>`, set once, expiring
 * at the window's end); every match until then joins it. One notify job per window, with the
 * window's deterministic digest id as job id and delayed to its end, so a burst is one message
 * however many processors report matches.
 *
 * `onPending` (the pipeline's hook): `mode: instant` subscriptions alert on every match;
 * `instantFor: high` digest subscriptions alert on matches of `priority: high` rules, copied into
 * their own `alert-pending` set (the daily digest keeps the match too: an item is in exactly one
 * digest and at most one alert).
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SubscriptionConfig } from '../config/types.js';
import type { Config } from '../config/types.js';
import type { NotifyJobData } from './job-data.js';
import { pendingMember } from '../store/pending.js';
import type { Keys } from '../store/redis.js';
import type { Article } from '../types.js';
import { makeStreamDigestId } from './claim-window.js';
import { NotifyKeys, type Stream } from './keys.js';

const OPEN = `
local v = redis.call('GET', KEYS[1])
if v and tonumber(v) > tonumber(ARGV[3]) then return v end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
`;

export interface AlertEnv {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly queue: Queue<NotifyJobData>;
  readonly now: () => number;
}

/** Opens (or joins) the batch window and queues its job; returns the window end (ms). */
export async function scheduleAlert(env: AlertEnv, sub: Pick<SubscriptionConfig, 'id' | 'batchWindow'>, stream: Extract<Stream, 'alert' | 'admin'>): Promise<number> {
  const now = env.now();
  const batch = Math.max(1, sub.batchWindow);
  const end = Number(await env.redis.eval(OPEN, 1, new NotifyKeys(env.keys).alertOpen(sub.id, stream), String(now + batch), String(batch), String(now)));
  await env.queue.add('notify', { subscriptionId: sub.id, stream, endMs: end }, { jobId: makeStreamDigestId(sub.id, stream, end), delay: Math.max(0, end - now) });
  return end;
}

interface Lookup {
  readonly highRules: ReadonlySet<string>;
  readonly subscriptions: ReadonlyMap<string, SubscriptionConfig>;
}

/** Per loaded config: this hook runs for every hand-off, so no scan over thousands of rules. */
const lookups = new WeakMap<Config, Lookup>();

function lookupFor(config: Config): Lookup {
  let l = lookups.get(config);
  if (!l) {
    l = {
      highRules: new Set(config.rules.filter((r) => r.priority === 'high').map((r) => r.id)),
      subscriptions: new Map(config.subscriptions.map((s) => [s.id, s])),
    };
    lookups.set(config, l);
  }
  return l;
}

/** Called by the processor after matches were handed to subscriptions (instant delivery hooks in here). */
export type OnPending = (subscriptionIds: readonly string[], ruleId: string, article: Article) => Promise<void>;

export function makeOnPending(env: AlertEnv, config: () => Config): OnPending {
  return async (subscriptionIds, ruleId, article) => {
    const lookup = lookupFor(config());
    const high = lookup.highRules.has(ruleId);
    for (const id of subscriptionIds) {
      const sub = lookup.subscriptions.get(id);
      if (!sub) continue;
      if (sub.mode === 'instant') {
        await scheduleAlert(env, sub, 'alert');
      } else if (sub.instantFor === 'high' && high) {
        await env.redis.zadd(new NotifyKeys(env.keys).alertPending(sub.id), 'NX', env.now(), pendingMember(ruleId, article.id));
        await scheduleAlert(env, sub, 'alert');
      }
    }
  };
}
