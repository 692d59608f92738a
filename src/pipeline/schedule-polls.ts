/**
 * Poll schedules as BullMQ job schedulers: one scheduler per enabled source, id `poll-<source>`,
 * repeating every `interval` (or the shortened interval recorded in health) with a fixed offset
 * derived from the source id, so sources with one interval do not all fire in the same second.
 * BullMQ gives each repetition a deterministic job id, so however many scheduler processes run,
 * each poll happens once. Schedulers of sources no longer configured (or disabled) are removed.
 */
import type { Queue } from 'bullmq';
import type { Config } from '../config/types.js';
import { pollSchedulerId, type PollJobData } from './queues.js';

/** Up to 10 % of the interval (at most 5 min), fixed per source id. */
export function pollOffset(sourceId: string, intervalMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < sourceId.length; i++) h = Math.imul(h ^ sourceId.charCodeAt(i), 0x01000193) >>> 0;
  const span = Math.min(Math.floor(intervalMs / 10), 5 * 60_000);
  return span > 0 ? h % span : 0;
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
