/**
 * A listing page (`kind: page`) to a `ParsedFeed`, with the source's CSS selectors (pure; cheerio).
 *
 * `selectors.item` (default `article`) picks each entry; inside it `link` (default `a[href]`; the
 * item itself when it is a link) gives the href, `title` the text (default: the link's text),
 * `date` a `datetime` attribute (on the match or inside it), a `content` attribute, or the text, `summary` the text. Links stay relative here;
 * the normaliser resolves them against the page URL. A selector that matches nothing — the item
 * selector on the page, or a configured field selector in every item — is a `selector-broke`
 * `ParseError` naming it: a redesigned page must show up in source health, not as an empty success.
 */
import { load, type Cheerio, type CheerioAPI } from 'cheerio';
import { ParseError } from '../../errors.js';
import type { SourceConfig } from '../../config/types.js';
import { descendantElements, type DomNode } from './dom-walk.js';
import type { ParsedFeed, RawItem } from './parsed-feed.js';

export type PageSelectors = NonNullable<SourceConfig['selectors']>;

type Field = 'link' | 'title' | 'date' | 'summary';

type Selection = Cheerio<Parameters<CheerioAPI['contains']>[1]>;
const RELATIVE = /^\s*[>+~]/;

/**
 * The first element under `$in` that `selector` matches, in document order. `.find(selector)`
 * sorts every match into document order with a lookup in the parent's children per comparison:
 * one item holding 20,000 links took 37 s. Filtering the descendants (already in document order)
 * matches the same elements; a selector that starts with a combinator (`> a`) is relative to the
 * item and still goes to `.find`.
 */
function firstMatch($: CheerioAPI, $in: Selection, selector: string): Selection {
  const root = $in.get(0) as DomNode | undefined;
  if (root === undefined) return $in;
  if (RELATIVE.test(selector)) return $in.find(selector).first();
  return $(descendantElements(root) as unknown as Parameters<CheerioAPI['contains']>[1][]).filter(selector).first();
}

function htmlLang($: CheerioAPI): string | undefined {
  return $('html').attr('lang') ?? undefined;
}

export function parsePage(html: string, selectors: PageSelectors = {}): ParsedFeed {
  const $ = load(html);
  const itemSel = selectors.item ?? 'article';
  const linkSel = selectors.link ?? 'a[href]';
  const items = $(itemSel);
  if (items.length === 0) throw new ParseError('selector-broke', `item selector ${JSON.stringify(itemSel)} matched nothing`);
  const hits: Record<Field, number> = { link: 0, title: 0, date: 0, summary: 0 };
  const out: RawItem[] = [];
  items.each((_i, el) => {
    const $item = $(el);
    const $link = $item.is('a[href]') ? $item : firstMatch($, $item, linkSel);
    const $title = selectors.title ? firstMatch($, $item, selectors.title) : $link;
    const $date = firstMatch($, $item, selectors.date ?? 'time');
    const $summary = selectors.summary ? firstMatch($, $item, selectors.summary) : undefined;
    if ($link.length > 0) hits.link++;
    if ($title.length > 0) hits.title++;
    if ($date.length > 0) hits.date++;
    if ($summary && $summary.length > 0) hits.summary++;
    const $stamp = $date.is('[datetime]') ? $date : firstMatch($, $date, '[datetime]');
    const date = $stamp.attr('datetime') ?? $date.attr('content') ?? $date.text();
    out.push({
      title: $title.text(),
      link: $link.attr('href'),
      summary: $summary?.text(),
      date: date.trim() === '' ? undefined : date,
    });
  });
  const configured: [Field, string | undefined][] = [
    ['link', selectors.link],
    ['title', selectors.title],
    ['date', selectors.date],
    ['summary', selectors.summary],
  ];
  for (const [field, sel] of configured) {
    if (sel !== undefined && hits[field] === 0) {
      throw new ParseError('selector-broke', `${field} selector ${JSON.stringify(sel)} matched nothing in ${items.length} items`);
    }
  }
  return { format: 'page', title: $('title').first().text().trim(), link: '', lang: htmlLang($), items: out };
}
