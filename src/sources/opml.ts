/**
 * OPML subscription lists in and out (pure).
 *
 * `parseOpml` reads every `<outline>` that has an `xmlUrl` (nested folders included) with cheerio in
 * XML mode, which never expands entities; outlines whose URL is not absolute http(s) are skipped, and
 * a `language` attribute that is not a language code (en, be-Latn) is dropped.
 * Input that is not OPML (no `<opml>` root) is an `InputError`. `renderOpml` writes OPML 2.0 for the
 * feed sources (pages have no feed URL to subscribe to). `addFeedsToSourcesYaml` adds feeds to the
 * text of sources.yaml through the `yaml` Document API, so comments and layout survive; a feed whose
 * canonical URL is already configured is skipped, and ids are made unique. Imported text stays
 * literal: every `$` is written as `$$`, so the loader's `${VAR}` substitution never reads an OPML
 * title or URL (a `${BELWATCH_ADMIN_TOKEN}` in a URL would otherwise send the token to that host).
 */
import { load } from 'cheerio';
import { isMap, isSeq, parseDocument, YAMLSeq } from 'yaml';
import { isLanguageCode } from '../config/schema.js';
import { isHttpUrl } from '../http-protocol.js';
import type { SourceConfig } from '../config/types.js';
import { InputError } from '../errors.js';
import { canonicalLink } from './normalise/url.js';

export interface OpmlFeed {
  readonly title: string;
  readonly xmlUrl: string;
  readonly htmlUrl?: string | undefined;
  readonly lang?: string | undefined;
}

export function parseOpml(text: string): OpmlFeed[] {
  const $ = load(text, { xml: true });
  if ($('opml').length === 0) throw new InputError('not an OPML file (no <opml> element)');
  const feeds: OpmlFeed[] = [];
  $('outline[xmlUrl]').each((_i, el) => {
    const $o = $(el);
    const xmlUrl = ($o.attr('xmlUrl') ?? '').trim();
    if (!isHttpUrl(xmlUrl)) return;
    const title = ($o.attr('title') ?? $o.attr('text') ?? '').trim() || new URL(xmlUrl).hostname;
    const language = ($o.attr('language') ?? '').trim();
    feeds.push({ title, xmlUrl, htmlUrl: $o.attr('htmlUrl'), lang: isLanguageCode(language) ? language : undefined });
  });
  return feeds;
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderOpml(sources: readonly SourceConfig[], title = 'belwatch sources'): string {
  const outlines = sources
    .filter((s) => s.kind === 'feed')
    .map((s) => `    <outline type="rss" text="${escapeXml(s.name)}" title="${escapeXml(s.name)}" xmlUrl="${escapeXml(s.url)}"${s.lang ? ` language="${escapeXml(s.lang)}"` : ''}/>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head>
    <title>${escapeXml(title)}</title>
  </head>
  <body>
${outlines.join('\n')}
  </body>
</opml>
`;
}

function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return /^[a-z0-9]/.test(slug) ? slug : `feed${slug ? `-${slug}` : ''}`;
}

/** `$` doubled: the loader reads `$$` as one literal `$` and substitutes nothing in it. */
const literal = (s: string): string => s.replace(/\$/g, '$$$$');

export interface ImportResult {
  readonly text: string;
  readonly added: readonly string[];
  readonly skipped: readonly string[];
}

export function addFeedsToSourcesYaml(yamlText: string, feeds: readonly OpmlFeed[]): ImportResult {
  let doc = parseDocument(yamlText);
  if (doc.errors.length > 0) throw new InputError(`sources.yaml: ${doc.errors[0]?.message.split('\n')[0] ?? 'invalid YAML'}`);
  // A file holding only comments: keep them and start the list below.
  if (doc.contents === null) doc = parseDocument(`${yamlText.replace(/\n*$/, '\n')}sources: []\n`);
  if (!isMap(doc.contents)) throw new InputError('sources.yaml: the top level is not a mapping');
  let seq = doc.get('sources');
  if (!isSeq(seq)) {
    seq = new YAMLSeq();
    doc.set('sources', seq);
  }
  const list = seq as YAMLSeq;
  list.flow = false;
  const ids = new Set<string>();
  const urls = new Set<string>();
  for (const item of list.items) {
    if (!isMap(item)) continue;
    const id: unknown = item.get('id');
    const rawUrl: unknown = item.get('url');
    if (typeof id === 'string') ids.add(id);
    const url = typeof rawUrl === 'string' ? canonicalLink(rawUrl.replace(/\$\$/g, '$')) : null;
    if (url) urls.add(url);
  }
  const added: string[] = [];
  const skipped: string[] = [];
  for (const feed of feeds) {
    const canonical = canonicalLink(feed.xmlUrl);
    if (canonical === null || urls.has(canonical)) {
      skipped.push(feed.xmlUrl);
      continue;
    }
    const stem = slugify(feed.title);
    let id = stem;
    for (let n = 2; ids.has(id); n++) id = `${stem}-${n}`;
    ids.add(id);
    urls.add(canonical);
    list.add(doc.createNode({ id, name: literal(feed.title), kind: 'feed', url: literal(feed.xmlUrl), ...(feed.lang ? { lang: feed.lang } : {}) }));
    added.push(id);
  }
  return { text: doc.toString(), added, skipped };
}
