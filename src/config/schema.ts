/**
 * The shape of every configuration file, as zod schemas.
 *
 * Objects are strict: an unknown key is a problem, never silently ignored (a typo such as
 * `intervall:` must not fall back to a default). Values that are written as strings but mean
 * something else (durations, ports after `${VAR}` substitution) are converted here, so the loaded
 * `Config` holds milliseconds and numbers. Cross-file checks (unknown rule ids, duplicates, cron and
 * time zone validity) live in `cross-check.ts`, which has the positions to report them.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { isHttpUrl } from '../http-protocol.js';
import { parseDuration } from './duration.js';

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const LANG = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

export const idSchema = z
  .string()
  .regex(ID, 'must be 1-64 characters of a-z, 0-9, "-" or "_", starting with a letter or digit');

export const durationSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v * 1000 : parseDuration(v);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `invalid duration ${JSON.stringify(v)} (use e.g. 90s, 15m, 2h, 1d)` });
    return z.NEVER;
  }
  return ms;
});

/** An integer written as a number or, after `${VAR}` substitution, as a string of digits. */
const intLike = (min: number, max: number) =>
  z.union([z.number(), z.string().regex(/^\s*\d+\s*$/, 'must be a whole number')]).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : Number(v.trim());
    if (!Number.isInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
      return z.NEVER;
    }
    return n;
  });

/** A language code as `lang` accepts it (en, ru, be, be-Latn). */
export function isLanguageCode(s: string): boolean {
  return LANG.test(s);
}

/**
 * Default cap on a response body (after decoding): 4 MiB, some ten times the largest feed or page
 * of the default outlets. Every byte of an oversized body costs CPU before it is refused (about
 * 4 ms per MiB), so a higher cap lets a few broken sources slow every poll cycle (reliability
 * scenario 3: forty 50 MB bodies read to a 15 MiB cap made the healthy sources' cycle 51 % longer,
 * to 4 MiB 8 %). A source known to be larger sets its own `maxBodyBytes`.
 */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Parse worker threads by default: two, or one on a single-core machine. */
export const DEFAULT_PARSE_WORKERS = Math.min(2, availableParallelism());

/**
 * Default cap on the items one poll takes from a document (the newest are kept; the cut is noted in
 * source health). A 1.26 MB body listed 20,000 items and archived every one (+92 MiB of Redis in
 * 5 s). Settings `sources.maxItemsPerPoll` changes it for every source, a source's own
 * `maxItemsPerPoll` for that source.
 */
export const DEFAULT_MAX_ITEMS_PER_POLL = 500;

export const httpUrlSchema = z.string().refine(isHttpUrl, { message: 'must be an absolute http:// or https:// URL' });

const headersSchema = z.record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'invalid header name'), z.string());

const selectorsSchema = z.strictObject({
  item: z.string().min(1).optional(),
  link: z.string().min(1).optional(),
  title: z.string().min(1).optional(),
  date: z.string().min(1).optional(),
  summary: z.string().min(1).optional(),
  /** page-change: the element whose text is watched (default: main, article or body). */
  content: z.string().min(1).optional(),
});

export const sourceSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1),
  kind: z.enum(['feed', 'page', 'page-change']),
  url: httpUrlSchema,
  interval: durationSchema.default(15 * 60_000),
  lang: z.string().regex(LANG, 'must be a language code such as en, ru, be or be-Latn').optional(),
  selectors: selectorsSchema.optional(),
  headers: headersSchema.optional(),
  userAgent: z.string().min(1).optional(),
  /** Overrides http.maxBodyBytes for this source (a feed known to be large). */
  maxBodyBytes: intLike(1024, 1024 * 1024 * 1024).optional(),
  /** Overrides sources.maxItemsPerPoll in settings for this source. */
  maxItemsPerPoll: intLike(1, 1_000_000).optional(),
  fullText: z.boolean().default(false),
  enabled: z.boolean().default(true),
});

export const sourcesFileSchema = z.strictObject({
  sources: z.array(sourceSchema).default([]),
});

export const ruleSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1),
  query: z.string(),
  priority: z.enum(['normal', 'high']).default('normal'),
  description: z.string().optional(),
});

export const rulesFileSchema = z.strictObject({
  aliases: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'alias names are letters, digits, "-" and "_"'), z.array(z.string().min(1)).min(1)).default({}),
  rules: z.array(ruleSchema).default([]),
});

const fileChannel = z.strictObject({ type: z.literal('file'), dir: z.string().min(1).default('outbox') });
const emailChannel = z.strictObject({
  type: z.literal('email'),
  to: z.array(z.email()).min(1),
  cc: z.array(z.email()).optional(),
  subjectPrefix: z.string().optional(),
});
const slackChannel = z.strictObject({ type: z.literal('slack'), webhookUrl: httpUrlSchema });
const webhookChannel = z.strictObject({
  type: z.literal('webhook'),
  url: httpUrlSchema,
  secret: z.string().min(16, 'webhook secret must be at least 16 characters'),
});
export const channelSchema = z.discriminatedUnion('type', [fileChannel, emailChannel, slackChannel, webhookChannel]);

export const scheduleSchema = z.strictObject({
  cron: z.string().min(1).default('0 8 * * *'),
  timezone: z.string().min(1).default('Europe/Minsk'),
});

export const subscriptionSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1).optional(),
  rules: z.array(z.string().min(1)).min(1),
  mode: z.enum(['digest', 'instant']).default('digest'),
  schedule: scheduleSchema.default({ cron: '0 8 * * *', timezone: 'Europe/Minsk' }),
  /** instant mode: matches arriving within this window go out as one message. */
  batchWindow: durationSchema.default(60_000),
  /** digest mode: rules of this priority are also sent at once. */
  instantFor: z.enum(['high']).optional(),
  sendEmpty: z.boolean().default(false),
  /** receives alerts about the service itself (source health, failing channels). */
  admin: z.boolean().default(false),
  channels: z.array(channelSchema).min(1),
});

export const subscriptionsFileSchema = z.strictObject({
  subscriptions: z.array(subscriptionSchema).default([]),
});

const cidr = z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'must be a CIDR such as 127.0.0.1/32 or ::1/128');

export const settingsFileSchema = z.strictObject({
  redis: z
    .strictObject({
      url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').default('redis://127.0.0.1:6379'),
      prefix: z.string().regex(/^[A-Za-z0-9_-]+$/).default('belwatch'),
    })
    .default({ url: 'redis://127.0.0.1:6379', prefix: 'belwatch' }),
  smtp: z
    .strictObject({
      url: z.string().default(''),
      from: z.string().min(3).default('belwatch <belwatch@localhost>'),
      pool: z.boolean().default(true),
    })
    .default({ url: '', from: 'belwatch <belwatch@localhost>', pool: true }),
  http: z
    .strictObject({
      allowPrivateNetworks: z.array(cidr).default([]),
      timeout: durationSchema.default(20_000),
      maxBodyBytes: intLike(1024, 1024 * 1024 * 1024).default(DEFAULT_MAX_BODY_BYTES),
      maxRedirects: intLike(0, 20).default(5),
      perHostConcurrency: intLike(1, 64).default(2),
      userAgent: z.string().min(1).default('belwatch/0.1 (+https://github.com/belwatch/belwatch; feed monitor)'),
    })
    .default({
      allowPrivateNetworks: [],
      timeout: 20_000,
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      maxRedirects: 5,
      perHostConcurrency: 2,
      userAgent: 'belwatch/0.1 (+https://github.com/belwatch/belwatch; feed monitor)',
    }),
  server: z
    .strictObject({
      port: intLike(0, 65535).default(8080),
      /** 127.0.0.1 unless told otherwise: /metrics and the dashboard are not for the whole network by default. */
      host: z.string().min(1).default('127.0.0.1'),
      adminToken: z.string().min(16, 'admin token must be at least 16 characters').optional(),
      /** When set, /metrics needs `Authorization: Bearer <metricsToken>`. */
      metricsToken: z.string().min(16, 'metrics token must be at least 16 characters').optional(),
    })
    .default({ port: 8080, host: '127.0.0.1' }),
  retention: z.strictObject({ days: intLike(1, 3650).default(180) }).default({ days: 180 }),
  /** Defaults for every source; a source's own key of the same name wins. */
  sources: z
    .strictObject({ maxItemsPerPoll: intLike(1, 1_000_000).default(DEFAULT_MAX_ITEMS_PER_POLL) })
    .default({ maxItemsPerPoll: DEFAULT_MAX_ITEMS_PER_POLL }),
  /** Retries of a digest or alert delivery: exponential backoff with jitter from `backoff`, at most `attempts` tries. */
  delivery: z
    .strictObject({ attempts: intLike(1, 50).default(8), backoff: durationSchema.default(5_000) })
    .default({ attempts: 8, backoff: 5_000 }),
  workers: z
    .strictObject({
      pollConcurrency: intLike(1, 1024).default(256),
      processConcurrency: intLike(1, 256).default(4),
      /** How long a job's lock lasts without renewal; a killed worker's job is taken over after this. */
      lockDuration: durationSchema.default(60_000),
      /** How often workers look for jobs whose worker died (stalled jobs). */
      stalledInterval: durationSchema.default(30_000),
      /** On SIGTERM, how long the shutdown may take: jobs still running near its end are handed back to their queues. */
      shutdownGrace: durationSchema.default(30_000),
    })
    .default({ pollConcurrency: 256, processConcurrency: 4, lockDuration: 60_000, stalledInterval: 30_000, shutdownGrace: 30_000 }),
  /** Parsing off the event loop (src/sources/parse-pool.ts): worker threads, CPU time per document, heap per worker. */
  parse: z
    .strictObject({
      workers: intLike(1, 64).default(DEFAULT_PARSE_WORKERS),
      cpuBudget: durationSchema.default(2_000),
      workerHeapMb: intLike(64, 16_384).default(1024),
    })
    .default({ workers: DEFAULT_PARSE_WORKERS, cpuBudget: 2_000, workerHeapMb: 1024 }),
  log: z
    .strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
    .default({ level: 'info' }),
});

export type SourceConfig = z.output<typeof sourceSchema>;
export type RuleConfig = z.output<typeof ruleSchema>;
export type ChannelConfig = z.output<typeof channelSchema>;
export type SubscriptionConfig = z.output<typeof subscriptionSchema>;
export type Settings = z.output<typeof settingsFileSchema>;
export type Aliases = Readonly<Record<string, readonly string[]>>;
