/**
 * CPU time of one thread, read from Linux's procfs: `/proc/thread-self/stat` inside the thread,
 * `/proc/self/task/<tid>/stat` from any other thread of the process. Fields 14 and 15 (utime,
 * stime) count clock ticks of USER_HZ, which Linux fixes at 100 per second for procfs, so the
 * resolution is 10 ms. The command name (field 2) may hold spaces and parentheses: fields are
 * counted from the last ')'.
 *
 * Off Linux, or when procfs is not mounted, every reader returns null and callers fall back to
 * wall-clock time; nothing here throws.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

export const MS_PER_TICK = 10;

/** utime + stime of a `stat` line, in ticks; null for anything that is not one. */
export function statTicks(stat: string): number | null {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): utime is field 14, stime field 15
  const ticks = Number(rest[11]) + Number(rest[12]);
  return Number.isFinite(ticks) ? ticks : null;
}

let ownTid: number | null | undefined;

/** This thread's kernel thread id and CPU ticks so far; null where procfs cannot tell. */
export function currentThreadCpu(): { readonly tid: number; readonly ticks: number } | null {
  try {
    ownTid ??= Number(readlinkSync('/proc/thread-self').split('/').pop());
    const ticks = statTicks(readFileSync('/proc/thread-self/stat', 'utf8'));
    return Number.isInteger(ownTid) && ticks !== null ? { tid: ownTid, ticks } : null;
  } catch {
    ownTid = null;
    return null;
  }
}

/** CPU ticks of thread `tid` of this process; null when it has gone or procfs cannot tell. */
export async function threadCpuTicks(tid: number): Promise<number | null> {
  try {
    return statTicks(await readFile(`/proc/self/task/${tid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}
