/**
 * Alerts about the service itself, for subscriptions with `admin: true`.
 *
 * An admin event (a source became unhealthy, a source recovered, a channel failed permanently) is
 * stored once under a deterministic id and added to every admin subscription's `admin-pending` set;
 * the admin stream then claims and delivers them like any alert. Storing is idempotent (`SET NX`,
 * `ZADD NX`), so a retried job raises nothing twice.
 *
 * Source incidents: `recordHealthTransition` opens an incident (`incident:<source>` set once) when a
 * poll leaves a source unhealthy per `assessHealth`, and closes it when a poll finds it healthy
 * again — one "unhealthy" event per incident and one "recovered", however many polls in between.
 *
 * Events render with the digest renderers: each becomes a DigestItem whose "article" is the event
 * (title, detail as summary, the source as outlet) under the theme "Source health" or
 * "Delivery channels".
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config/types.js';
import type { DigestItem } from '../digest/build.js';
import type { HealthAssessment } from '../types.js';
import { scrubberFor } from '../scrub.js';
import type { Keys } from '../store/redis.js';
import { NotifyKeys } from './keys.js';

export type AdminEventKind = 'source-unhealthy' | 'source-recovered' | 'channel-failing';

export interface AdminEvent {
  readonly id: string;
  readonly kind: AdminEventKind;
  /** ms */
  readonly at: number;
  /** The source id, or `<subscription>/<channel index>` for a channel. */
  readonly subject: string;
  readonly title: string;
  readonly detail: string;
}

export const ADMIN_THEMES = [
  { id: 'source-health', name: 'Source health' },
  { id: 'delivery-channels', name: 'Delivery channels' },
] as const;

/**
 * Stores the event for every admin subscription; returns the ids of those subscriptions. Its title
 * and detail are scrubbed (`scrubError`) before they are stored: they carry error texts.
 */
export async function raiseAdminEvent(redis: Redis, keys: Keys, config: Config, event: AdminEvent, ttlSeconds: number): Promise<string[]> {
  const admins = config.subscriptions.filter((s) => s.admin).map((s) => s.id);
  if (admins.length === 0) return [];
  const nk = new NotifyKeys(keys);
  const { scrubError } = scrubberFor(config);
  const stored: AdminEvent = { ...event, title: scrubError(event.title), detail: scrubError(event.detail) };
  const m = redis.multi().set(nk.adminEvent(event.id), JSON.stringify(stored), 'EX', ttlSeconds, 'NX');
  for (const sub of admins) m.zadd(nk.adminPending(sub), 'NX', event.at, event.id);
  await m.exec();
  return admins;
}

/**
 * Opens or closes the source's incident from a fresh assessment; returns the event to raise, or
 * null when nothing changed (still unhealthy, still healthy).
 */
export async function recordHealthTransition(redis: Redis, keys: Keys, sourceId: string, sourceName: string, assessment: HealthAssessment, nowMs: number): Promise<AdminEvent | null> {
  const key = new NotifyKeys(keys).incident(sourceId);
  if (!assessment.healthy) {
    const opened = await redis.set(key, String(nowMs), 'NX');
    if (opened !== 'OK') return null;
    const reasons = assessment.reasons.join('; ');
    return { id: `source-${sourceId}-${nowMs}`, kind: 'source-unhealthy', at: nowMs, subject: sourceId, title: `${sourceName} is unhealthy: ${reasons}`, detail: `Source ${sourceId} ${reasons}. It keeps being polled; a "recovered" alert follows when it heals.` };
  }
  const openedAt = await redis.getdel(key);
  if (openedAt === null) return null;
  const minutes = Math.max(1, Math.round((nowMs - Number(openedAt)) / 60_000));
  return { id: `source-${sourceId}-${openedAt}-recovered`, kind: 'source-recovered', at: nowMs, subject: sourceId, title: `${sourceName} recovered`, detail: `Source ${sourceId} is healthy again after ${minutes} min.` };
}

export async function readAdminEvents(redis: Redis, keys: Keys, ids: readonly string[]): Promise<AdminEvent[]> {
  if (ids.length === 0) return [];
  const nk = new NotifyKeys(keys);
  const raw = await redis.mget(...ids.map((id) => nk.adminEvent(id)));
  return raw.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as AdminEvent);
}

/** Admin events as digest items, so every renderer and channel can carry them. */
export function adminEventItems(events: readonly AdminEvent[]): DigestItem[] {
  return events.map((e) => {
    const at = new Date(e.at).toISOString();
    const theme = e.kind === 'channel-failing' ? 'delivery-channels' : 'source-health';
    return {
      article: {
        id: e.id,
        sourceId: e.kind === 'channel-failing' ? 'belwatch' : e.subject,
        url: null,
        guid: null,
        title: e.title,
        summary: e.detail,
        content: '',
        author: null,
        categories: [],
        published: at,
        publishedEstimated: false,
        fetchedAt: at,
        lang: 'en',
      },
      matches: [{ ruleId: theme, highlights: {}, terms: [] }],
    };
  });
}
