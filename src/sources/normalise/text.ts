/**
 * HTML (or plain text) to plain text for matching and display (pure).
 *
 * Script, style and comment blocks are dropped with their contents; every other tag becomes a space
 * (block boundaries must not glue words together); entities are decoded (HTML5 named and numeric);
 * whitespace, including non-breaking spaces, collapses to single spaces. Feeds often escape HTML
 * twice, so if decoding reveals tags they are stripped once more: rule matching must never see
 * `class="center"`. Text without `<` or `&` takes a fast path. Any string is accepted.
 */
import { decodeHTML } from 'entities';

const DROP_BLOCKS = /<(script|style|noscript|template)\b[^>]*>[\s\S]*?<\/\1\s*>|<!--[\s\S]*?-->|<!\[CDATA\[|\]\]>/gi;
const TAG = /<\/?[a-zA-Z][^<>]*>|<![a-zA-Z][^<>]*>/g;
const WS = /[\s\u00a0\u2000-\u200b\u2028\u2029\u202f\u205f\u3000]+/g;

function stripOnce(s: string): string {
  return decodeHTML(s.replace(DROP_BLOCKS, ' ').replace(TAG, ' '));
}

export function htmlToText(input: string): string {
  if (input.indexOf('<') === -1 && input.indexOf('&') === -1) return input.replace(WS, ' ').trim();
  let s = stripOnce(input);
  if (/<\/?[a-zA-Z][^<>]*>/.test(s)) s = stripOnce(s);
  return s.replace(WS, ' ').trim();
}

/** Any feed value (string, xml2js node `{ _: text }`, array, number) as a string; '' for anything else. */
export function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.length > 0 ? textOf(v[0]) : '';
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('_' in o) return textOf(o['_']);
    if ('name' in o) return textOf(o['name']);
  }
  return '';
}
