/**
 * End-of-scenario accounting shared by the fault scenarios: stop publishing, let the service
 * finish, then compare everything the farm served with the archive, and the matching stories
 * with what each channel received.
 */
import { waitFor } from '../../helpers/processes.js';
import { collectDeliveries, readArchive, storiesMatching, tally, type ArchiveEntry, type ChannelTally, type Delivery } from './deliveries.js';
import type { World } from './world.js';

export interface Settled {
  readonly served: number;
  readonly archive: readonly ArchiveEntry[];
  /** Served item URLs that never reached the archive. */
  readonly lostArticles: readonly string[];
  readonly deliveries: readonly Delivery[];
  readonly tallies: readonly ChannelTally[];
  /** Whether everything arrived before the deadline. */
  readonly complete: boolean;
}

/** Which rule each channel of `defaultSubscriptions` carries (null: every rule). */
export const DEFAULT_CHANNEL_RULES: readonly (readonly ['webhook' | 'slack' | 'email', string | null])[] = [
  ['webhook', 'sanctions'],
  ['slack', 'sanctions'],
  ['email', null],
];

async function account(w: World, channels: typeof DEFAULT_CHANNEL_RULES): Promise<Omit<Settled, 'complete'>> {
  const archive = await readArchive(w.redis, w.keys);
  const urls = new Set(archive.map((a) => a.url));
  const lostArticles = [...w.farm.served.keys()].filter((u) => !urls.has(u));
  const deliveries = await collectDeliveries(w);
  const tallies = channels.map(([channel, rule]) => tally(channel, storiesMatching(archive, rule), deliveries));
  return { served: w.farm.served.size, archive, lostArticles, deliveries, tallies };
}

/**
 * Freezes the farm, waits (at most `ms`) until one more poll of every source has happened (every
 * outlet asked before the freeze asked again after it), the
 * pipeline is idle, every served item is archived and every channel carried every story it
 * should; then returns the accounts.
 */
export async function settle(w: World, ms: number, channels = DEFAULT_CHANNEL_RULES): Promise<Settled> {
  w.farm.freeze();
  const frozenAt = Date.now();
  let last: Omit<Settled, 'complete'> | undefined;
  const t0 = frozenAt;
  const debug = process.env['BELWATCH_RELIABILITY_DEBUG'] === '1';
  const complete = await waitFor(async () => {
    // An item published before the freeze may first be served by a poll after it: until every
    // outlet has been asked once more, "all served items archived" could hold and then stop holding.
    if (!polledSinceFreeze(w, frozenAt)) return false;
    const backlog = await w.pipelineBacklog();
    if (debug) console.log(`settle +${Date.now() - t0} ms: backlog ${backlog}, archived ${await w.archivedCount()}, served ${w.farm.served.size}`);
    if (backlog > 0) return false;
    last = await account(w, channels);
    if (debug) console.log(`settle +${Date.now() - t0} ms: lost articles ${last.lostArticles.length}, lost stories ${last.tallies.map((t) => `${t.channel} ${t.lost}/${t.expected}`).join(', ')}`);
    return last.lostArticles.length === 0 && last.tallies.every((t) => t.lost === 0);
  }, ms);
  last = await account(w, channels);
  return { ...last, complete };
}

/** Whether every outlet polled before `frozenAt` has been polled again since. */
function polledSinceFreeze(w: World, frozenAt: number): boolean {
  for (const times of w.farm.requests.values()) {
    if (times.some((t) => t < frozenAt) && !times.some((t) => t >= frozenAt)) return false;
  }
  return true;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}
