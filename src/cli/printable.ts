/**
 * Text for a terminal (pure). Every control character but line feed and tab, and every format
 * character (Unicode Cf: bidi marks, embeddings, overrides and isolates, U+061C, soft hyphens,
 * tag characters …) but ZWNJ and ZWJ, is printed as a visible escape — `\x1b`, `\u{202e}` — instead
 * of raw: a feed title carrying `ESC[31m` or `ESC]…` recoloured, retitled or rewrote the terminal of
 * whoever ran `belwatch parse` or `belwatch search`. New articles are clean already (`cleanText`
 * at normalisation); the archive may hold older ones, and file names and error texts come from
 * elsewhere. For human output only: JSON output escapes control characters itself.
 */
import { unsafeChars } from '../unsafe-chars.js';

const UNPRINTABLE = unsafeChars({ keep: '\n\t', separators: true });

function escapeOf(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u{${cp.toString(16)}}`;
}

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escapeOf);
}
