/**
 * Snippets: the part of an article's text that best shows why it matched.
 *
 * Given a field's text and the matched spans in it (sorted or not, overlapping or not), `cutSnippet`
 * picks the window of at most `maxLength` characters (default 240) that holds the most spans — the
 * earliest such window on a tie — widens it with context on both sides, cuts both ends on word
 * boundaries, collapses runs of whitespace to one space, and returns the spans moved into the new
 * text. A span longer than the window is clipped. Spans outside the text are dropped. The cut never
 * splits a UTF-16 surrogate pair. Text without spans gives its beginning.
 */
import type { Span } from '../types.js';
import type { Snippet } from './model.js';

export const SNIPPET_LENGTH = 240;

/** Sorts spans, drops empty or out-of-range ones, and merges overlapping or touching ones. */
export function mergeSpans(spans: readonly Span[], textLength: number): Span[] {
  const sorted = spans
    .map((s) => ({ start: Math.max(0, s.start), end: Math.min(textLength, s.end) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) out[out.length - 1] = { start: last.start, end: Math.max(last.end, s.end) };
    else out.push(s);
  }
  return out;
}

/** How many spans fall inside the best window, and that window's core [start, end). */
function findBestCore(spans: readonly Span[], maxLength: number): { count: number; start: number; end: number } {
  let best = { count: 0, start: 0, end: 0 };
  for (let i = 0; i < spans.length; i++) {
    const first = spans[i]!;
    let j = i;
    while (j + 1 < spans.length && spans[j + 1]!.end - first.start <= maxLength) j++;
    const count = j - i + 1;
    if (count > best.count) best = { count, start: first.start, end: Math.min(spans[j]!.end, first.start + maxLength) };
  }
  return best;
}

/** Counts the spans the best window of `text` would hold, to choose between fields. */
export function scoreSnippet(spans: readonly Span[], textLength: number, maxLength = SNIPPET_LENGTH): number {
  return findBestCore(mergeSpans(spans, textLength), maxLength).count;
}

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

function snapStart(text: string, start: number, limit: number): number {
  if (start <= 0) return 0;
  if (isSpace(text[start - 1])) return start;
  let i = start;
  while (i < limit && !isSpace(text[i])) i++;
  if (i < limit) return i + 1;
  return isLowSurrogate(text.charCodeAt(start)) ? start + 1 : start;
}

function snapEnd(text: string, end: number, limit: number): number {
  if (end >= text.length) return text.length;
  if (isSpace(text[end])) return end;
  let i = end;
  while (i > limit && !isSpace(text[i - 1])) i--;
  if (i > limit) return i - 1;
  return isLowSurrogate(text.charCodeAt(end)) ? end - 1 : end;
}

/** Collapses whitespace in text[start, end) and maps each original offset to its new one. */
function collapse(text: string, start: number, end: number): { text: string; map: (i: number) => number } {
  const offsets = new Array<number>(end - start + 1);
  let out = '';
  let pendingSpace = false;
  for (let i = start; i < end; i++) {
    const c = text[i]!;
    if (isSpace(c)) {
      offsets[i - start] = out.length;
      pendingSpace = out.length > 0;
      continue;
    }
    if (pendingSpace) {
      out += ' ';
      pendingSpace = false;
    }
    offsets[i - start] = out.length;
    out += c;
  }
  offsets[end - start] = out.length;
  return { text: out, map: (i) => offsets[i - start] ?? out.length };
}

export function cutSnippet(text: string, spans: readonly Span[], maxLength = SNIPPET_LENGTH): Snippet {
  const merged = mergeSpans(spans, text.length);
  const core = merged.length > 0 ? findBestCore(merged, maxLength) : { count: 0, start: 0, end: 0 };
  const room = Math.max(0, maxLength - (core.end - core.start));
  let start = merged.length > 0 ? Math.max(0, core.start - Math.floor(room * 0.35)) : 0;
  let end = Math.min(text.length, start + Math.max(maxLength, core.end - start));
  if (end === text.length) start = Math.max(0, Math.min(start, end - maxLength, core.start));
  start = snapStart(text, start, core.count > 0 ? core.start : end);
  end = snapEnd(text, end, core.count > 0 ? core.end : start);
  const { text: cut, map } = collapse(text, start, end);
  const highlights = mergeSpans(
    merged
      .filter((s) => s.end > start && s.start < end)
      .map((s) => ({ start: map(Math.max(s.start, start)), end: map(Math.min(s.end, end)) })),
    cut.length,
  );
  const before = text.slice(0, start).trim();
  const after = text.slice(end).trim();
  return { text: cut, highlights, cutStart: before.length > 0, cutEnd: after.length > 0 };
}
