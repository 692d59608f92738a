/**
 * HTML (or plain text) to plain text for matching and display (pure).
 *
 * Script, style and comment blocks are dropped with their contents; every other tag becomes a space
 * (block boundaries must not glue words together); entities are decoded (HTML5 named and numeric);
 * whitespace, including non-breaking spaces, collapses to single spaces. Feeds often escape HTML
 * twice, so if decoding reveals tags they are stripped once more: rule matching must never see
 * `class="center"`. Text without `<` or `&` takes a fast path. Any string is accepted.
 *
 * The result is clean (`cleanText`, applied after entities are decoded, so `&#27;` is caught too):
 * no C0 or C1 control characters (a title carrying `ESC[31m` recoloured the terminal of whoever
 * ran `belwatch parse` or `search`; tab, line feed and the other whitespace controls collapse to a
 * space instead), and no format characters (Unicode category Cf) but two: bidirectional marks,
 * embeddings, overrides and isolates (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069, and the Arabic
 * letter mark U+061C), soft hyphens, word joiners, invisible operators and tag characters either
 * reorder what a reader sees or hide text from the reader and from rule matching ("Lukash\u00ADenka"
 * does not match `Lukashenka`). ZWNJ (U+200C) and ZWJ (U+200D) stay: Persian, the Indic scripts and
 * emoji sequences need them to join or not join letters, and neither can reorder or hide text.
 */
import { decodeHTML } from 'entities';
import { unsafeChars } from '../../unsafe-chars.js';

// Openers of what is dropped (a block, up to its closer) and of CDATA markers (only the marker).
const BLOCK_OPEN = /<(script|style|noscript|template)\b[^<>]*>|<!--|<!\[CDATA\[|\]\]>/gi;
const BLOCK_CLOSE: Record<string, RegExp> = {
  script: /<\/script\s*>/gi,
  style: /<\/style\s*>/gi,
  noscript: /<\/noscript\s*>/gi,
  template: /<\/template\s*>/gi,
};
const TAG = /<\/?[a-zA-Z][^<>]*>|<![a-zA-Z][^<>]*>/g;
// Whitespace as JS `\s` defines it (NBSP and the Unicode spaces included) plus U+200B. Single plain
// spaces are not matched, so ordinary text costs no replacement.
const WS = /[\t\n\r\v\f\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff][\s\u0085\u200b]*| [\s\u0085\u200b]+/g;
const VISIBLE_TAG = /<\/?[a-zA-Z][^<>]*>/;

const NOT_TEXT_BLOCK = /<(?:script|style|noscript|template)\b|<!--/i;

/** True when the HTML has blocks whose contents are not text (a snippet would keep them). */
function needsFullStrip(html: string): boolean {
  return NOT_TEXT_BLOCK.test(html);
}

// Controls and format characters, except the whitespace ones (collapsed to a space by WS) and ZWNJ/ZWJ.
const UNSAFE = unsafeChars({ keep: '\t\n\v\f\r\u0085\u200b\ufeff', separators: false });

/**
 * `text` without control and format characters (see the module comment); whitespace is left as it
 * is (tab, line feed, carriage return, NEL and the like), ZWNJ and ZWJ are kept.
 */
export function cleanText(text: string): string {
  return text.replace(UNSAFE, '');
}

function collapse(s: string): string {
  return cleanText(s).replace(WS, ' ').trim();
}

/**
 * Script, style, noscript and template blocks and comments become a space, contents and all; CDATA
 * markers become a space, contents kept. One left-to-right pass: a block or comment with no closer
 * runs to the end of the text, as in a browser (a lazy `<script>[\s\S]*?</script>` looked for the
 * closer again from every unclosed opener: 20,000 of them took 1.5 s).
 */
function dropBlocks(s: string): string {
  const open = new RegExp(BLOCK_OPEN.source, 'gi');
  let out = '';
  let from = 0;
  for (let m = open.exec(s); m !== null; m = open.exec(s)) {
    out += s.slice(from, m.index) + ' ';
    from = open.lastIndex;
    const name = m[1]?.toLowerCase();
    if (name === undefined && m[0] !== '<!--') continue;
    let end = s.length;
    if (name === undefined) {
      const at = s.indexOf('-->', from);
      if (at !== -1) end = at + 3;
    } else {
      const close = BLOCK_CLOSE[name]!;
      close.lastIndex = from;
      if (close.exec(s) !== null) end = close.lastIndex;
    }
    from = end;
    open.lastIndex = end;
  }
  return from === 0 ? s : out + s.slice(from);
}

function stripOnce(s: string): string {
  const t = dropBlocks(s).replace(TAG, ' ');
  return t.indexOf('&') === -1 ? t : decodeHTML(t);
}

export function htmlToText(input: string): string {
  if (input.indexOf('<') === -1 && input.indexOf('&') === -1) return collapse(input);
  let s = stripOnce(input);
  if (s.indexOf('<') !== -1 && VISIBLE_TAG.test(s)) s = stripOnce(s);
  return collapse(s);
}

/**
 * Plain text from rss-parser's snippet of `html` (tags removed, entities decoded: the same work
 * `htmlToText` does, already paid for by rss-parser). Falls back to `htmlToText` when the HTML has
 * script, style or comment blocks (the snippet keeps their contents) or the snippet still shows tags.
 */
export function snippetToText(snippet: string, html: string): string {
  if (needsFullStrip(html)) return htmlToText(html);
  return snippet.indexOf('<') !== -1 && VISIBLE_TAG.test(snippet) ? htmlToText(snippet) : collapse(snippet);
}

/**
 * Any feed value as a string: a string or number as is, an xml2js node `{ _: text }` by its text, an
 * array by its first element, an element tree (Atom `type="xhtml"`) by all its text joined, skipping
 * attributes (`$`); for mixed content xml2js keeps no order, so text comes before child elements.
 * '' for anything else. Depth-limited.
 */
export function textOf(v: unknown, depth = 0): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (depth > 8) return '';
  if (Array.isArray(v)) return v.length > 0 ? textOf(v[0], depth + 1) : '';
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => k !== '$');
    if (keys.length === 1 && keys[0] === '_') return textOf(o['_'], depth + 1);
    if ('name' in o && !('_' in o)) return textOf(o['name'], depth + 1);
    const parts: string[] = [];
    // Mixed content loses its order in xml2js (text in `_`, children by name): text first, then children.
    for (const [k, child] of Object.entries(o).sort(([a], [b]) => Number(b === '_') - Number(a === '_'))) {
      if (k === '$') continue;
      for (const c of Array.isArray(child) ? child : [child]) parts.push(textOf(c, depth + 1));
    }
    return parts.filter((p) => p !== '').join(' ');
  }
  return '';
}
