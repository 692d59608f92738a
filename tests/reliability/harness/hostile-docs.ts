/**
 * Hostile documents of a given size: the shapes of issue 11, each one byte string a source might
 * serve, for scenario 9, the parse pool's tests and `npm run bench:hostile`.
 *
 *   identical-items   a feed of one item (title and link) repeated: every copy gets the same key, as
 *                     the audit's 40,000 identical items (560 KB) that took 139 s
 *   doctype           `<!DOCTYPE ` repeated
 *   rss-open          `<rss` repeated
 *   comment-attr      an RSS channel whose `<title a="<!--">` is followed by deep XML nesting
 *   svg-title         an HTML page with `<svg><title>` and deep nesting inside it (a `page` source)
 *   nested-article    an article page nested deeply around its text (a `fullText` article page)
 *   long-token        a feed with one item whose text is a single wildcard-heavy token
 *
 * Each generator fills `bytes` as closely as its repeating unit allows and never goes over it, so
 * every document fits the default body cap when asked for 4 MiB. Pure and deterministic.
 */

export const HOSTILE_SHAPES = ['identical-items', 'doctype', 'rss-open', 'comment-attr', 'svg-title', 'nested-article', 'long-token'] as const;
export type HostileShape = (typeof HOSTILE_SHAPES)[number];

/** How a source reads the shape: as a feed, as a `page` source, or as the article page of a `fullText` feed. */
export const SHAPE_KIND: Readonly<Record<HostileShape, 'feed' | 'page' | 'full-text'>> = {
  'identical-items': 'feed',
  doctype: 'feed',
  'rss-open': 'feed',
  'comment-attr': 'feed',
  'svg-title': 'page',
  'nested-article': 'full-text',
  'long-token': 'feed',
};

/** `head`, then `unit` as many times as fit with `tail` into `bytes` (ASCII only, so length = bytes). */
function fill(head: string, unit: string, tail: string, bytes: number): string {
  const n = Math.max(0, Math.floor((bytes - head.length - tail.length) / unit.length));
  return head + unit.repeat(n) + tail;
}

const RSS_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Hostile</title><link>https://hostile.example/</link><description>x</description>\n';
const RSS_TAIL = '\n</channel></rss>\n';
const ARTICLE_TEXT = 'The foreign ministry in Minsk said on Tuesday that talks on sanctions would resume. '.repeat(8);

export function hostileDocument(shape: HostileShape, bytes: number): Buffer {
  switch (shape) {
    case 'identical-items':
      return Buffer.from(fill(RSS_HEAD, '<item><title>Same</title><link>https://outlet.example/same</link></item>', RSS_TAIL, bytes));
    case 'doctype':
      return Buffer.from(fill('<?xml version="1.0"?>\n', '<!DOCTYPE ', '<rss version="2.0"><channel><title>x</title></channel></rss>', bytes));
    case 'rss-open':
      return Buffer.from(fill('<?xml version="1.0"?>\n', '<rss', '', bytes));
    case 'comment-attr':
      return Buffer.from(fill(`${RSS_HEAD}<item><title a="<!--">`, '<a>', '', bytes));
    case 'svg-title':
      return Buffer.from(fill('<!doctype html><html><head><title>Hostile</title></head><body><main><svg><title>', '<div>', '', bytes));
    case 'nested-article':
      return Buffer.from(fill('<!doctype html><html><head><title>Hostile article</title></head><body>', '<div>', `<article><h1>Talks</h1><p>${ARTICLE_TEXT}</p></article></body></html>`, bytes));
    case 'long-token': {
      const head = `${RSS_HEAD}<item><title>Sanctions on Belarus</title><link>https://hostile.example/long</link><guid>long-token</guid><description>`;
      return Buffer.from(fill(head, 'a*b?', `</description></item>${RSS_TAIL}`, bytes));
    }
  }
}

/** A small feed whose one item links to `articleUrl` (the `fullText` source that reads a nested-article page). */
export function feedLinkingTo(articleUrl: string): Buffer {
  return Buffer.from(`${RSS_HEAD}<item><title>Talks on sanctions</title><link>${articleUrl}</link><guid>nested-article</guid><description>Short summary.</description></item>${RSS_TAIL}`);
}
