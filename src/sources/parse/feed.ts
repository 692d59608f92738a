/**
 * Decoded feed text to a `ParsedFeed` (pure apart from rss-parser's promise API).
 *
 * Sniffing first: an empty body is `not-a-feed` ("empty body"; one RFE/RL endpoint answers so); a
 * body starting with `{` is JSON Feed; otherwise the first element decides: `rss`, `feed`, `RDF`
 * go to rss-parser's `parseString` (never `parseURL`), `CHANNEL` is CDF (`cdf.ts`), `html` and
 * anything else is `not-a-feed`.
 * The DOCTYPE is always removed first (no entity declaration ever reaches the XML parser: XXE and
 * billion-laughs entities stay literal text); RSS elements under a namespace prefix are unprefixed
 * and an `rss`/`RDF` document without `<channel>` gets one. Elements nested deeper than
 * `MAX_NESTING` (2,000) levels are a `parse-error` before any parser runs. If strict parsing fails,
 * the text is salvaged in steps (`repairEntities`, then `reserialiseXml`) and parsed again; an Atom
 * feed whose dates rss-parser cannot handle is retried with those dates read raw. When every step
 * fails the first error is reported as `parse-error` with its line and column. Every document gets
 * a new rss-parser instance (`parserFor`).
 */
import Parser from 'rss-parser';
import './rss-parser-snippets.js';
import { ParseError } from '../../errors.js';
import { textOf } from '../normalise/text.js';
import { parseCdf } from './cdf.js';
import { parseJsonFeed } from './json-feed.js';
import type { ParsedFeed, RawItem } from './parsed-feed.js';
import { ensureChannel, findStartTag, MAX_NESTING, nestsDeeperThan, repairEntities, reserialiseXml, stripDoctype, unprefixRss } from './xml-salvage.js';

type Obj = Record<string, unknown>;

// RSS needs only what rss-parser reads by default. Atom also needs its categories and its raw dates
// (Atom 0.3 says issued/modified/created; the retry below renames the dates rss-parser's own Date
// handling throws on). Two option sets keep the common RSS path free of the extra fields.
const RSS_OPTIONS: Parser.ParserOptions<Obj, Obj> = { defaultRSS: 2, customFields: { feed: ['dc:language'], item: [] } };
const ATOM_OPTIONS: Parser.ParserOptions<Obj, Obj> = {
  customFields: {
    feed: [],
    item: [['category', 'bwCategories', { keepArray: true }], ['bw-published', 'bwPublished'], ['bw-updated', 'bwUpdated'], 'updated', 'published', 'issued', 'modified', 'created'],
  },
};

/**
 * A new parser for every document. rss-parser keeps one xml2js parser per instance, and xml2js, after
 * a document that failed, leaves that parser marked as ended: the next document without a root
 * element (a salvaged truncated feed can be a lone comment) then never calls back, its promise never
 * settles, and a poll waits forever (`belwatch parse` exited with status 13). An instance costs
 * about 15 µs.
 */
function parserFor(root: string): Parser<Obj, Obj> {
  return new Parser(root.toLowerCase() === 'feed' ? ATOM_OPTIONS : RSS_OPTIONS);
}

const FEED_ROOTS = /^(rss|feed|(?:[a-z]+:)?rdf)$/i;
const SPACE = /\s*/y;
const ELEMENT_NAME = /<([A-Za-z_][\w:.-]*)/y;

/**
 * The name of the document's root element, or undefined when the text does not start like XML
 * (within its first 64 KiB): whitespace, processing instructions and comments are skipped. A
 * scan, not one regular expression: `(?:\s+|<\?…\?>|<!--…-->)*<name` backtracks exponentially
 * on whitespace that is not followed by an element (40 spaces and a letter took minutes).
 */
export function rootElementName(text: string): string | undefined {
  const head = text.slice(0, 64 * 1024);
  let i = 0;
  for (;;) {
    SPACE.lastIndex = i;
    SPACE.exec(head);
    i = SPACE.lastIndex;
    const close = head.startsWith('<?', i) ? '?>' : head.startsWith('<!--', i) ? '-->' : undefined;
    if (close === undefined) break;
    const end = head.indexOf(close, i + (close === '?>' ? 2 : 4));
    if (end < 0) return undefined;
    i = end + close.length;
  }
  ELEMENT_NAME.lastIndex = i;
  return ELEMENT_NAME.exec(head)?.[1];
}

function categoriesOf(item: Obj): string[] {
  const raw = item['categories'] ?? item['bwCategories'];
  if (!Array.isArray(raw)) return [];
  return raw
    .map((c: unknown) => {
      const o = c as { $?: { term?: unknown; label?: unknown } } | null;
      return textOf(c) || textOf(o?.$?.label) || textOf(o?.$?.term);
    })
    .filter((c) => c !== '');
}

function rawItem(item: Obj, isAtom: boolean): RawItem {
  const pick = (...keys: string[]): string | undefined => {
    for (const k of keys) {
      const v = textOf(item[k]);
      if (v !== '') return v;
    }
    return undefined;
  };
  const encoded = pick('content:encoded');
  const content = pick('content');
  const snippet = (key: string): string | undefined => (typeof item[key] === 'string' ? item[key] : undefined);
  return {
    summarySnippet: isAtom ? undefined : snippet('contentSnippet'),
    contentSnippet: encoded !== undefined ? snippet('content:encodedSnippet') : snippet('contentSnippet'),
    title: pick('title'),
    link: pick('link') ?? (isAtom ? undefined : pick('rdf:about')),
    guid: pick('guid', 'id'),
    summary: isAtom ? pick('summary') : content,
    content: encoded ?? content,
    author: pick('creator', 'author', 'dc:creator'),
    categories: categoriesOf(item),
    date: isAtom ? pick('published', 'bwPublished', 'issued', 'updated', 'bwUpdated', 'modified', 'created', 'pubDate') : pick('pubDate', 'dc:date', 'date', 'isoDate'),
    lang: pick('language'),
  };
}

const FEED_ROOT_TAG = /<(rss|feed|(?:[a-z]+:)?RDF)\b/i;

function rootAttr(text: string, name: string): string | undefined {
  const root = findStartTag(text.slice(0, 64 * 1024), FEED_ROOT_TAG)?.text ?? '';
  return new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`).exec(root)?.[1];
}

function describeXmlError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/\s*\n\s*/g, ' ').slice(0, 200);
}

const NOT_RECOGNISED = /not recognized as RSS/i;

async function parseXml(text: string, root: string): Promise<ParsedFeed> {
  const attempts: (() => string)[] = [() => text, () => repairEntities(text), () => reserialiseXml(repairEntities(text))];
  let first: unknown;
  for (const attempt of attempts) {
    let candidate: string;
    try {
      candidate = attempt();
    } catch (e) {
      first ??= e;
      continue;
    }
    const variants = [(): string => candidate, (): string => candidate.replace(/<(\/?)(published|updated)\b/g, '<$1bw-$2')];
    for (const variant of variants) {
      try {
        const feed = (await parserFor(root).parseString(variant())) as unknown as Obj;
        return toParsedFeed(feed, text, root);
      } catch (e) {
        if (e instanceof Error && NOT_RECOGNISED.test(e.message)) throw new ParseError('not-a-feed', `root element <${root}> is not a feed`);
        first ??= e;
        if (!(e instanceof RangeError)) break;
      }
    }
  }
  throw new ParseError('parse-error', `ill-formed XML: ${describeXmlError(first)}`, { cause: first });
}

function toParsedFeed(feed: Obj, text: string, root: string): ParsedFeed {
  const isAtom = root.toLowerCase() === 'feed';
  const items = Array.isArray(feed['items']) ? (feed['items'] as unknown[]) : [];
  return {
    format: isAtom ? 'atom' : /rdf$/i.test(root) ? 'rdf' : 'rss',
    title: textOf(feed['title']),
    link: textOf(feed['link']),
    lang: textOf(feed['language']) || textOf(feed['dc:language']) || rootAttr(text, 'xml:lang') || undefined,
    base: rootAttr(text, 'xml:base'),
    items: items.filter((i): i is Obj => i !== null && typeof i === 'object').map((i) => rawItem(i, isAtom)),
  };
}

/** Parses decoded feed text; throws `ParseError` (`not-a-feed` or `parse-error`). */
export async function parseFeedText(decoded: string): Promise<ParsedFeed> {
  const text = stripDoctype(decoded.replace(/^\uFEFF/, ''));
  const trimmed = text.trimStart();
  if (trimmed === '') throw new ParseError('not-a-feed', 'empty body');
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return parseJsonFeed(trimmed);
  let root = rootElementName(trimmed);
  let xml = trimmed;
  if (root?.includes(':') && !/rdf$/i.test(root)) {
    xml = unprefixRss(trimmed);
    root = rootElementName(xml);
  }
  if (root === undefined) throw new ParseError('not-a-feed', 'neither XML nor JSON');
  if (/^html$/i.test(root)) throw new ParseError('not-a-feed', 'an HTML page, not a feed');
  if (nestsDeeperThan(xml, MAX_NESTING)) throw new ParseError('parse-error', `elements nested deeper than ${MAX_NESTING} levels`);
  if (/^channel$/i.test(root)) return parseCdf(xml);
  if (!FEED_ROOTS.test(root)) throw new ParseError('not-a-feed', `root element <${root}> is not a feed`);
  if (/^rss$/i.test(root) || /rdf$/i.test(root)) xml = ensureChannel(/rdf$/i.test(root) ? unprefixRss(xml) : xml);
  return parseXml(xml, root);
}
