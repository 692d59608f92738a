/**
 * JSON Feed 1.0 and 1.1 (https://jsonfeed.org) to a `ParsedFeed` (pure).
 *
 * A JSON document is a feed when its `version` names jsonfeed.org or, lacking that, when it has an
 * `items` array. `content_html` wins over `content_text`; 1.1 `authors` and 1.0 `author` are both
 * read; `language` (1.1) is the feed's and item's language. Invalid JSON is a `parse-error`; JSON
 * that is not a feed is `not-a-feed`. Values of the wrong type are ignored, never thrown on.
 */
import { ParseError } from '../../errors.js';
import type { ParsedFeed, RawItem } from './parsed-feed.js';

type Obj = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function authorOf(item: Obj): string | undefined {
  const authors = Array.isArray(item['authors']) ? item['authors'] : isObj(item['author']) ? [item['author']] : [];
  const names = authors.filter(isObj).map((a) => str(a['name'])).filter((n): n is string => !!n);
  return names.length > 0 ? names.join(', ') : undefined;
}

function itemOf(v: unknown): RawItem | null {
  if (!isObj(v)) return null;
  const tags = Array.isArray(v['tags']) ? v['tags'].map(str).filter((t): t is string => t !== undefined) : [];
  return {
    title: str(v['title']),
    link: str(v['url']) ?? str(v['external_url']),
    guid: str(v['id']),
    summary: str(v['summary']),
    content: str(v['content_html']) ?? str(v['content_text']),
    author: authorOf(v),
    categories: tags,
    date: str(v['date_published']) ?? str(v['date_modified']),
    lang: str(v['language']),
  };
}

export function parseJsonFeed(text: string): ParsedFeed {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ParseError('parse-error', `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObj(doc)) throw new ParseError('not-a-feed', 'JSON document is not a JSON Feed (not an object)');
  const version = str(doc['version']) ?? '';
  if (!/jsonfeed\.org\/version\//i.test(version) && !Array.isArray(doc['items'])) {
    throw new ParseError('not-a-feed', 'JSON document is not a JSON Feed (no version, no items)');
  }
  const items = Array.isArray(doc['items']) ? doc['items'].map(itemOf).filter((i): i is RawItem => i !== null) : [];
  return {
    format: 'json-feed',
    title: str(doc['title']) ?? '',
    link: str(doc['home_page_url']) ?? '',
    lang: str(doc['language']),
    items,
  };
}
