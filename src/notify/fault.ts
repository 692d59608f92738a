/**
 * Testing hook: `BELWATCH_FAULT=<step>:<n>` makes the notifier SIGKILL its own process the n-th
 * time (1-based, counted per process) it reaches `step`, where step is one of
 *
 *   before-send   the delivery record says `sending`, nothing sent yet
 *   after-send    the channel accepted the digest, the record not yet marked `sent`
 *   after-mark    the record is marked `sent`
 *
 * Only the notifier's delivery loop reads it; the crash tests (tests/notify/crash.test.ts) use it
 * to prove that a kill at any step loses nothing and can duplicate only at `after-send`. Unset or
 * malformed, it does nothing.
 */
export type FaultStep = 'before-send' | 'after-send' | 'after-mark';

const counts = new Map<string, number>();

export function injectFault(step: FaultStep, env: NodeJS.ProcessEnv = process.env): void {
  const spec = env['BELWATCH_FAULT'];
  if (!spec) return;
  const [want, nth] = spec.split(':');
  if (want !== step) return;
  const n = (counts.get(step) ?? 0) + 1;
  counts.set(step, n);
  if (n === Number(nth ?? '1')) process.kill(process.pid, 'SIGKILL');
}
