/**
 * Poll schedules as BullMQ job schedulers: one scheduler per enabled source, id `poll-<source>`,
 * repeating every `interval` (or the shortened interval recorded in health) with a fixed offset
 * derived from the source id, anywhere in the interval: sources with one interval are polled
 * evenly spread over it, not in one wave (a thousand sources polled within one second of each
 * ten sent a thousand articles to the processors at once, and the last waited seconds for the
 * rest: reliability scenario 10).
 * BullMQ gives each repetition a deterministic job id, so however many scheduler processes run,
 * each poll happens once. Schedulers of sources no longer configured (or disabled) are removed.
 */
import type { Queue } from 'bullmq';
import type { Config } from '../config/types.js';
import { pollSchedulerId, type PollJobData } from './queues.js';

/** A point in the interval, fixed per source id (FNV-1a of the id). */
export function pollOffset(sourceId: string, intervalMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < sourceId.length; i++) h = Math.imul(h ^ sourceId.charCodeAt(i), 0x01000193) >>> 0;
  return intervalMs > 1 ? h % Math.floor(intervalMs) : 0;
}

export async function upsertPollSchedule(queue: Queue<PollJobData>, sourceId: string, every: number): Promise<void> {
  await queue.upsertJobScheduler(pollSchedulerId(sourceId), { every, offset: pollOffset(sourceId, every) }, { name: 'poll', data: { sourceId } });
}

/**
 * Removes every poll scheduler (and its waiting repetition), for `syncPollSchedules` to add them
 * again on a fresh timeline: BullMQ times the next repetition from the previous one, so after a
 * wall-clock step back they would all wait out the step (see clock-jumps.ts).
 */
export async function removePollSchedules(queue: Queue<PollJobData>): Promise<number> {
  let removed = 0;
  for (const s of await queue.getJobSchedulers(0, -1)) {
    const id = s.id ?? s.key;
    if (id.startsWith('poll-')) {
      await queue.removeJobScheduler(id);
      removed++;
    }
  }
  return removed;
}

export async function syncPollSchedules(
  queue: Queue<PollJobData>,
  config: Config,
  intervalOverrides: ReadonlyMap<string, number> = new Map(),
): Promise<{ upserted: number; removed: number }> {
  const wanted = new Set<string>();
  let upserted = 0;
  for (const source of config.sources) {
    if (!source.enabled) continue;
    const id = pollSchedulerId(source.id);
    wanted.add(id);
    await upsertPollSchedule(queue, source.id, intervalOverrides.get(source.id) ?? source.interval);
    upserted++;
  }
  let removed = 0;
  const existing = await queue.getJobSchedulers(0, -1);
  for (const s of existing) {
    const id = s.id ?? s.key;
    if (id.startsWith('poll-') && !wanted.has(id)) {
      await queue.removeJobScheduler(id);
      removed++;
    }
  }
  return { upserted, removed };
}
