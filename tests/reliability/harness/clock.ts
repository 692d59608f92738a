/**
 * A machine's wall clock jumping, for one world's processes: `installClockShift(dir)` writes a
 * preload module and an offset file; processes started with `clockArgs()` (node `--import`) see
 * `Date.now()` and `new Date()` shifted by the offset in the file, re-read every 50 ms, so
 * `jump(ms)` moves their wall clock at once, as an NTP step or an operator's `date -s` would.
 * Monotonic time (`performance.now()`, timers) is untouched, exactly as with a real clock step.
 * Redis's own clock is not shifted: the jump happens on the service's machine only.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const PRELOAD = `
import { readFileSync } from 'node:fs';
const file = process.env.BELWATCH_CLOCK_FILE;
let offset = 0;
const read = () => { try { offset = Number(readFileSync(file, 'utf8')) || 0; } catch { /* keep */ } };
read();
setInterval(read, 50).unref();
const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);
class ShiftedDate extends RealDate {
  constructor(...args) { if (args.length === 0) super(realNow() + offset); else super(...args); }
  static now() { return realNow() + offset; }
}
globalThis.Date = ShiftedDate;
`;

export interface ClockShift {
  /** Node arguments and environment for a process whose clock follows this shift. */
  readonly nodeArgs: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Sets the offset from real time (ms). */
  set(offsetMs: number): void;
}

export function installClockShift(dir: string): ClockShift {
  const preload = path.join(dir, 'clock-shift.mjs');
  const file = path.join(dir, 'clock-offset');
  writeFileSync(preload, PRELOAD);
  writeFileSync(file, '0');
  return {
    nodeArgs: ['--import', pathToFileURL(preload).href],
    env: { BELWATCH_CLOCK_FILE: file },
    set: (ms) => writeFileSync(file, String(ms)),
  };
}
