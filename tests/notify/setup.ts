/**
 * Shared pieces of the notifier tests: a config directory with subscriptions of every kind on a
 * unique Redis prefix, articles archived and handed off exactly as the processor does it, and an
 * in-process notify environment (file channel into the temp config dir).
 */
import { Queue } from 'bullmq';
import pino from 'pino';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import type { NotifyEnv } from '../../src/notify/notify-job.js';
import { openChannelKit, type ChannelKit } from '../../src/pipeline/notify-worker.js';
import type { NotifyJobData } from '../../src/notify/job-data.js';
import { NOTIFY_JOB_OPTIONS, QUEUE } from '../../src/pipeline/queues.js';
import { commitArticle } from '../../src/pipeline/hand-off.js';
import { keyPrefix, redisOptionsFromUrl, type Keys } from '../../src/store/redis.js';
import type { Article } from '../../src/types.js';
import type { Redis } from 'ioredis';
import { writeConfigDir, type TempConfig } from '../helpers/config-dir.js';
import { REDIS_URL } from '../helpers/redis.js';

export const RULES = `rules:
  - id: summit
    name: Summits
    priority: high
    query: summit
  - id: sanctions
    name: Sanctions
    query: sanction*
`;

/** A notifier config in a temporary directory (file channels write below it: see writeConfigDir). */
export function writeNotifyConfig(prefix: string, subscriptions: string, extraSettings = ''): TempConfig {
  const cfg = writeConfigDir({
    'sources.yaml': `sources:\n  - { id: belta, name: BelTA, kind: feed, url: "https://belta.example.org/feed" }\n  - { id: zerkalo, name: Zerkalo, kind: feed, url: "https://zerkalo.example.org/feed" }\n`,
    'rules.yaml': RULES,
    'subscriptions.yaml': subscriptions,
    'settings.yaml': `redis:\n  url: ${REDIS_URL}\n  prefix: ${prefix}\nhttp:\n  allowPrivateNetworks: [127.0.0.1/32]\n  timeout: 3s\nserver:\n  port: 0\n  host: 127.0.0.1\nlog:\n  level: warn\n${extraSettings}`,
  });
  return cfg;
}

export function article(id: string, title: string, opts: { sourceId?: string; url?: string; published?: string } = {}): Article {
  return {
    id,
    sourceId: opts.sourceId ?? 'belta',
    url: opts.url ?? `https://belta.example.org/${id}`,
    guid: null,
    title,
    summary: `${title}. More text follows.`,
    content: '',
    author: null,
    categories: [],
    published: opts.published ?? '2026-11-26T10:00:00.000Z',
    publishedEstimated: false,
    fetchedAt: '2026-11-26T10:00:00.000Z',
    lang: 'en',
  };
}

/** Archives the article as matching `ruleId` and hands it to the subscriptions with processArticle's own last step. */
export async function seedMatch(redis: Redis, keys: Keys, subs: readonly string[], ruleId: string, a: Article, firstSeen: number): Promise<void> {
  await redis.zadd(keys.cluster(a.id), 'NX', firstSeen, a.id);
  await commitArticle(redis, keys, { article: a, firstSeen, clusterId: a.id, matches: [{ ruleId, highlights: {}, terms: [] }] }, new Map([[ruleId, subs]]), 3600);
}

export interface NotifyHarness {
  readonly config: Config;
  readonly env: NotifyEnv;
  readonly queue: Queue<NotifyJobData>;
  readonly kit: ChannelKit;
  setNow(ms: number): void;
  close(): Promise<void>;
}

export function openHarness(redis: Redis, keys: Keys, configDir: string, prefix: string, startMs = Date.now()): NotifyHarness {
  const config = loadConfig(configDir);
  let now = startMs;
  const queue = new Queue<NotifyJobData>(QUEUE.notify, { connection: redisOptionsFromUrl(REDIS_URL), prefix: keyPrefix(prefix), defaultJobOptions: NOTIFY_JOB_OPTIONS });
  const kit = openChannelKit(config);
  const clock = (): number => now;
  const env: NotifyEnv = { redis, keys, log: pino({ level: 'silent' }), channelDeps: kit.deps, ttlSeconds: 3600, now: clock, config: () => config, alerts: { redis, keys, queue, now: clock } };
  return {
    config,
    env,
    queue,
    kit,
    setNow: (ms) => (now = ms),
    async close() {
      await kit.close();
      await queue.close();
    },
  };
}
