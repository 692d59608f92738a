/**
 * Main text of an article page for `fullText: true` sources (pure; Mozilla Readability on a
 * linkedom document, the algorithm behind Firefox Reader View). Returns the extracted plain text
 * with whitespace collapsed, or null when Readability finds no article, finds fewer than
 * `MIN_CHARS` characters (a menu is not an article body), throws on odd markup, or when the page
 * nests deeper than `MAX_FULL_TEXT_NESTING` levels as `html-depth.ts` counts them (then the feed's
 * own content stays). Readability's time grows faster than the depth — it scores every node's
 * ancestors and retries with relaxed flags: one block of 400 nested `<div>` took 1.9 s, 400 nested
 * tables 7 s, 2,000 nested tables (117 KB) over two minutes, and a 250 KB page of nested `<div>`
 * 19 s — so the bound here is far below the 2,000 of listing pages. Article pages nest a few dozen
 * levels; a page deeper than the bound is not one Readability could read in reasonable time. At or
 * under the bound Readability still costs about 10 ms per KB of nested markup (linear): a 4 MiB
 * article page takes tens of seconds, which the parse pool's CPU budget bounds.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { htmlNestsDeeperThan } from './html-depth.js';

const MIN_CHARS = 200;
/** Deepest nesting (counted as `html-depth.ts` counts) of an article page Readability reads. */
export const MAX_FULL_TEXT_NESTING = 128;

export function extractFullText(html: string): string | null {
  if (htmlNestsDeeperThan(html, MAX_FULL_TEXT_NESTING)) return null;
  try {
    // linkedom's bundled types do not resolve under NodeNext; its window is a DOM for Readability's purposes.
    const window = (parseHTML as (html: string) => { document: unknown })(html);
    const article = new Readability(window.document as ConstructorParameters<typeof Readability>[0], { charThreshold: 200 }).parse();
    const text = article?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
    return text.length < MIN_CHARS ? null : text;
  } catch {
    return null;
  }
}
