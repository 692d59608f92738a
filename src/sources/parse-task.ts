/**
 * What the parse pool and its workers exchange (structured-clone-able): a task carries the
 * document's bytes (transferred, not copied) and a meter, an answer carries the normalised articles
 * or a failure as kind and message (a `ParseError` instance would lose its class on the way).
 *
 * The meter is a SharedArrayBuffer the worker writes when it starts a document and the pool reads
 * while the worker is busy: Int32 [0] state (0 queued, 1 running, written last, atomically),
 * Int32 [1] kernel thread id (-1 unknown); Float64 [1] the thread's CPU ticks at the start,
 * Float64 [2] the start as epoch milliseconds.
 */
import type { ParseErrorKind } from '../errors.js';
import type { Article } from '../types.js';
import type { FeedInfo, ItemsCut, ParseInput } from './parse-source.js';
import { currentThreadCpu } from './thread-cpu.js';

export const METER_BYTES = 24;

export type ParseTask =
  | { readonly op: 'source'; readonly meter: SharedArrayBuffer; readonly bytes: Uint8Array; readonly input: Omit<ParseInput, 'bytes'> }
  | { readonly op: 'full-text'; readonly meter: SharedArrayBuffer; readonly bytes: Uint8Array; readonly contentType: string | null };

export type ParseTaskResult =
  | { readonly ok: true; readonly feed: FeedInfo; readonly articles: Article[]; readonly cut?: ItemsCut; readonly pageHash?: string }
  | { readonly ok: true; readonly text: string | null }
  | { readonly ok: false; readonly kind: ParseErrorKind; readonly message: string };

/** The meter's views. */
export function meterViews(meter: SharedArrayBuffer): { readonly ints: Int32Array; readonly floats: Float64Array } {
  return { ints: new Int32Array(meter, 0, 2), floats: new Float64Array(meter, 8, 2) };
}

/** Worker side: marks the task as running now, on this thread, at this thread's CPU time. */
export function startMeter(meter: SharedArrayBuffer): void {
  const cpu = currentThreadCpu();
  const { ints, floats } = meterViews(meter);
  floats[0] = cpu?.ticks ?? 0;
  floats[1] = performance.timeOrigin + performance.now();
  ints[1] = cpu?.tid ?? -1;
  Atomics.store(ints, 0, 1);
}
