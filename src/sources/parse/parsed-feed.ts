/**
 * What every parser (RSS/Atom, JSON Feed, listing page, page-change) hands to the normaliser: raw
 * strings as found, HTML and entities left in, links possibly relative. Plain data only.
 */

export interface RawItem {
  readonly title?: string | undefined;
  readonly link?: string | undefined;
  readonly guid?: string | undefined;
  /** Short description (RSS description, Atom summary, JSON Feed summary). HTML allowed. */
  readonly summary?: string | undefined;
  /** Full body (content:encoded, Atom content, content_html). HTML allowed. */
  readonly content?: string | undefined;
  /** `summary` / `content` already as text (rss-parser's snippets), when the parser made them. */
  readonly summarySnippet?: string | undefined;
  readonly contentSnippet?: string | undefined;
  readonly author?: string | undefined;
  readonly categories?: readonly string[] | undefined;
  readonly date?: string | undefined;
  readonly lang?: string | undefined;
  /** Base for this item's relative links (Atom xml:base), overriding the feed's. */
  readonly base?: string | undefined;
}

export interface ParsedFeed {
  readonly format: 'rss' | 'atom' | 'rdf' | 'json-feed' | 'page' | 'page-change';
  readonly title: string;
  /** The site's home page as the feed gives it (may be relative or empty). */
  readonly link: string;
  readonly lang?: string | undefined;
  /** Base for relative links: xml:base, else the fetched URL. */
  readonly base?: string | undefined;
  readonly items: readonly RawItem[];
}
