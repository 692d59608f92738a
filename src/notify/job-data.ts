/**
 * The notify queue's job payload and priority: what the scheduler and the instant-alert hooks add
 * and the notifier's worker runs. Here, with the notifier, so `notify/` needs nothing from the
 * pipeline's wiring (the queue itself is opened in `pipeline/queues.ts`).
 */
/**
 * One window of one subscription's stream to claim and deliver; the job id is the digest id, so
 * every scheduler and instance that finds the window due adds the same job once.
 */
export interface NotifyJobData {
  readonly subscriptionId: string;
  readonly stream: 'digest' | 'alert' | 'admin';
  /** Window end, ms. */
  readonly endMs: number;
}

/**
 * BullMQ priority of a notify job: scheduled digests queue behind instant alerts and admin
 * notices (jobs without a priority are taken first), so a large digest being rendered and sent
 * never holds back an alert that is due (reliability scenario 10: alerts waited up to 14 s behind
 * digests of hundreds of stories).
 */
export function notifyPriority(stream: NotifyJobData['stream']): { priority?: number } {
  return stream === 'digest' ? { priority: 10 } : {};
}
