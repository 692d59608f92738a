/**
 * Shutdown without stalled jobs. Every worker's processor runs inside `handBackOnShutdown`: when the
 * service's shutdown grace period ends (`shutdown` aborts) while a job is still running, the job is
 * moved from active back to waiting (`job.moveToWait`) and BullMQ is told so (`WaitingError`), so
 * another process takes it at once instead of waiting for its lock to expire as a stalled job. The
 * same signal reaches the job's own work (a poll's fetch aborts and records nothing), and whatever of
 * it still runs stops with the process. Jobs are idempotent (deterministic ids, claims re-entered by
 * the same job id), so a job handed back mid-way is simply run again.
 */
import { DelayedError, WaitingError, type Job } from 'bullmq';

export type InterruptibleRun<D, R> = (job: Job<D>, token: string | undefined, signal: AbortSignal | undefined) => Promise<R>;

export function handBackOnShutdown<D, R>(shutdown: AbortSignal | undefined, run: InterruptibleRun<D, R>): (job: Job<D>, token?: string) => Promise<R> {
  return async (job, token) => {
    if (!shutdown) return run(job, token, undefined);
    let onAbort: (() => void) | undefined;
    const interrupted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new WaitingError('shutdown: job handed back to the queue'));
      if (shutdown.aborted) onAbort();
      else shutdown.addEventListener('abort', onAbort, { once: true });
    });
    interrupted.catch(() => undefined);
    try {
      return await Promise.race([run(job, token, shutdown), interrupted]);
    } catch (e) {
      if (shutdown.aborted && token && !(e instanceof DelayedError)) {
        await job.moveToWait(token);
        throw new WaitingError('shutdown: job handed back to the queue');
      }
      throw e;
    } finally {
      if (onAbort) shutdown.removeEventListener('abort', onAbort);
    }
  };
}
