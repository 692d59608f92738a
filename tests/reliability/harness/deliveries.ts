/**
 * What reached the receivers, per channel, and what the archive holds: the two sides that the
 * "lost" and "duplicated" counts of the reliability scenarios compare.
 *
 * A delivery is one message: a webhook POST (id = its `webhook-id`), a Slack POST (no id of its
 * own: Slack has none), an email (id = its Message-ID). Item URLs are read from the webhook's JSON
 * entries, and from the decoded Slack payload and email text by pattern.
 */
import { simpleParser } from 'mailparser';
import type { Redis } from 'ioredis';
import { readArchived } from '../../../src/store/archive.js';
import type { Keys } from '../../../src/store/redis.js';
import type { World } from './world.js';

export type ChannelKind = 'webhook' | 'slack' | 'email';

export interface Delivery {
  readonly channel: ChannelKind;
  readonly id: string;
  readonly urls: readonly string[];
  readonly at: number;
  readonly body: string;
  /** Where it went: the request path (webhook, Slack) or the recipients (email). */
  readonly target: string;
}

const ITEM_URL = /https:\/\/outlet\d+\.example\/news\/\d+/g;

interface WebhookBody {
  digest: { groups: { entries: { url: string | null }[] }[] };
}

export async function collectDeliveries(w: World): Promise<Delivery[]> {
  const out: Delivery[] = [];
  for (const r of w.webhook.received) {
    let urls: string[] = [];
    try {
      const body = JSON.parse(r.body) as WebhookBody;
      urls = [...new Set(body.digest.groups.flatMap((g) => g.entries.map((e) => e.url ?? '')))].filter(Boolean);
    } catch {
      urls = [];
    }
    out.push({ channel: 'webhook', id: String(r.headers['webhook-id'] ?? ''), urls, at: r.at, body: r.body, target: r.path });
  }
  for (const r of w.slack.received) {
    out.push({ channel: 'slack', id: '', urls: [...new Set(r.body.match(ITEM_URL) ?? [])], at: r.at, body: r.body, target: r.path });
  }
  for (const m of w.mail.mails) {
    const parsed = await simpleParser(m.raw);
    const text = `${parsed.text ?? ''}`;
    out.push({ channel: 'email', id: parsed.messageId ?? '', urls: [...new Set(text.match(ITEM_URL) ?? [])], at: m.at, body: m.raw, target: m.to.join(' ') });
  }
  return out;
}

export interface ArchiveEntry {
  readonly id: string;
  readonly url: string;
  readonly clusterId: string;
  readonly firstSeen: number;
  readonly rules: readonly string[];
}

/** Every archived article (url, cluster, matched rules). */
export async function readArchive(redis: Redis, keys: Keys): Promise<ArchiveEntry[]> {
  const ids = await redis.zrange(keys.archiveByTime(), 0, -1);
  const out: ArchiveEntry[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    for (const a of await readArchived(redis, keys, ids.slice(i, i + 500))) {
      out.push({ id: a.article.id, url: a.article.url ?? '', clusterId: a.clusterId, firstSeen: a.firstSeen, rules: a.matches.map((m) => m.ruleId) });
    }
  }
  return out;
}

export interface ChannelTally {
  readonly channel: ChannelKind;
  readonly expected: number;
  readonly delivered: number;
  readonly lost: number;
  /** Extra copies of an item beyond its first delivery. */
  readonly duplicates: number;
  /** Extra copies under the same message id as the first (a resend of one message: the inherent case). */
  readonly sameIdDuplicates: number;
  readonly lostUrls: readonly string[];
}

/** Compares the stories a channel should have carried (one URL per story) with what it did. */
export function tally(channel: ChannelKind, expectedStories: ReadonlyMap<string, readonly string[]>, deliveries: readonly Delivery[]): ChannelTally {
  const ofChannel = deliveries.filter((d) => d.channel === channel);
  const seen = new Map<string, number[]>(); // url -> indexes of the messages that carried it
  ofChannel.forEach((d, k) => {
    for (const u of d.urls) seen.set(u, [...(seen.get(u) ?? []), k]);
  });
  let delivered = 0;
  let duplicates = 0;
  let sameIdDuplicates = 0;
  const lostUrls: string[] = [];
  for (const [, urls] of expectedStories) {
    // a story is delivered when a message names any of its copies; one message counts once
    const messages = [...new Set(urls.flatMap((u) => seen.get(u) ?? []))].sort((a, b) => a - b);
    if (messages.length === 0) {
      lostUrls.push(urls[0] ?? '');
      continue;
    }
    delivered++;
    duplicates += messages.length - 1;
    const firstId = ofChannel[messages[0] ?? 0]?.id ?? '';
    sameIdDuplicates += messages.slice(1).filter((k) => firstId !== '' && ofChannel[k]?.id === firstId).length;
  }
  return { channel, expected: expectedStories.size, delivered, lost: lostUrls.length, duplicates, sameIdDuplicates, lostUrls };
}

/** Stories (cluster id -> member URLs) among archived articles that matched `rule` (any rule when null). */
export function storiesMatching(archive: readonly ArchiveEntry[], rule: string | null): Map<string, string[]> {
  const stories = new Map<string, string[]>();
  for (const a of archive) if (rule === null ? a.rules.length > 0 : a.rules.includes(rule)) stories.set(a.clusterId, [...(stories.get(a.clusterId) ?? []), a.url]);
  return stories;
}
