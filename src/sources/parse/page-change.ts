/**
 * Page-change sources (`kind: page-change`, e.g. the BTI country report): one page, watched for a
 * change of its main text (pure; cheerio).
 *
 * The main text is the text of `selectors.content`, else the first `main`, `article`, `[role=main]`,
 * else `body`, with scripts, styles, forms, navigation, headers and footers removed and whitespace
 * collapsed: rotating tokens, nonces and ad markup in the raw HTML do not count as a change. Its
 * SHA-256 is compared with the previous hash (the caller persists it). An item is emitted when the
 * hash differs, including the first time the page is seen (no previous hash); its guid carries the
 * hash, so each version of the page is a distinct article. A configured content selector that
 * matches nothing is `selector-broke`.
 */
import { createHash } from 'node:crypto';
import { load } from 'cheerio';
import { ParseError } from '../../errors.js';
import { textOfTree, withinSkipped, type DomNode } from './dom-walk.js';
import type { ParsedFeed } from './parsed-feed.js';
import type { PageSelectors } from './page.js';

export interface PageChange {
  readonly hash: string;
  readonly changed: boolean;
  readonly feed: ParsedFeed;
}

const NOISE = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'form', 'nav', 'header', 'footer', 'aside']);
const isNoise = (el: DomNode): boolean => NOISE.has(el.name ?? '') || el.attribs?.['role'] === 'navigation' || el.attribs?.['aria-hidden'] === 'true';
const BLOCKS = new Set(['br', 'p', 'div', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'td']);
const TEXT_WALK = { skip: isNoise, spaceAfter: (el: DomNode): boolean => BLOCKS.has(el.name ?? '') };

/**
 * The main text, walked once (`textOfTree`): noise elements are skipped rather than removed and
 * blocks followed by a space rather than given a text node (`.remove()` and `.after()` splice the
 * parent's children once per element; 1 MB of `<br>` never finished). The text is the same, so
 * the hash of a page does not change with this.
 */
export function extractMainText(html: string, contentSelector?: string): { title: string; text: string; lang: string | undefined } {
  const $ = load(html);
  const title = ($('h1').first().text() || $('title').first().text()).replace(/\s+/g, ' ').trim();
  const lang = $('html').attr('lang') ?? undefined;
  const outsideNoise = (_i: number, el: unknown): boolean => !withinSkipped(el as DomNode, isNoise);
  let $main = (contentSelector ? $(contentSelector) : $('main, article, [role=main]')).filter(outsideNoise).first();
  if (contentSelector && $main.length === 0) {
    throw new ParseError('selector-broke', `content selector ${JSON.stringify(contentSelector)} matched nothing`);
  }
  if ($main.length === 0) $main = $('body').first();
  const root = $main.get(0) as DomNode | undefined;
  const text = root === undefined ? '' : textOfTree(root, TEXT_WALK).replace(/\s+/g, ' ').trim();
  return { title, text, lang };
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function detectPageChange(html: string, selectors: PageSelectors, previousHash: string | undefined): PageChange {
  const { title, text, lang } = extractMainText(html, selectors.content);
  const hash = hashText(text);
  const changed = hash !== previousHash;
  return {
    hash,
    changed,
    feed: {
      format: 'page-change',
      title,
      link: '',
      lang,
      items: changed ? [{ title, link: '', guid: `page-change:${hash}`, content: text, lang }] : [],
    },
  };
}
