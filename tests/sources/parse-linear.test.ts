/**
 * Hostile documents whose parse grew faster than their size (issue 11: "one small document stalls
 * the whole service"). Each is built at a size the old code took many seconds for, and must parse
 * in a time generous enough for a loaded 2-core machine, with the right result.
 */
import { describe, expect, it } from 'vitest';
import { normaliseFeed } from '../../src/sources/normalise/article.js';
import { parseSourceBytes, type ParsedSource } from '../../src/sources/parse-source.js';
import { extractFullText } from '../../src/sources/parse/full-text.js';
import { htmlNestsDeeperThan } from '../../src/sources/parse/html-depth.js';
import type { RawItem } from '../../src/sources/parse/parsed-feed.js';
import { nestsDeeperThan, stripDoctype } from '../../src/sources/parse/xml-salvage.js';

const FETCHED = new Date('2025-01-15T12:00:00Z');

function parse(text: string, kind: 'feed' | 'page' = 'feed'): Promise<ParsedSource> {
  return parseSourceBytes({ bytes: Buffer.from(text), url: 'https://a.example/feed', fetchedAt: FETCHED, source: { id: 't', kind, selectors: { item: 'article' } } });
}

/** Milliseconds `fn` takes. */
async function timed<T>(fn: () => T | Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
}

const RSS = (items: string): string => `<rss version="2.0"><channel><title>t</title>${items}</channel></rss>`;

describe('feeds in linear time', () => {
  it('gives 40,000 identical items distinct ids with one counter per key', async () => {
    // the duplicate counter counted up from 2 for every copy: 40,000 copies took 139 s
    const items: RawItem[] = Array.from({ length: 40_000 }, () => ({ title: 'Same', link: 'https://a.example/x', date: 'Tue, 14 Jan 2025 10:00:00 GMT' }));
    const [articles, ms] = await timed(() => normaliseFeed({ format: 'rss', title: 't', link: '', items }, { sourceId: 's', fetchedAt: FETCHED }));
    expect(ms).toBeLessThan(5000);
    expect(articles).toHaveLength(40_000);
    expect(new Set(articles.map((a) => a.id)).size).toBe(40_000);
    // the ids are the ones the counter gave before: the first copy unnumbered, then 2, 3, ...
    const again = normaliseFeed({ format: 'rss', title: 't', link: '', items: items.slice(0, 3) }, { sourceId: 's', fetchedAt: FETCHED });
    expect(again.map((a) => a.id)).toEqual(articles.slice(0, 3).map((a) => a.id));
  });

  it('reads a megabyte of unterminated <!DOCTYPE in one pass', async () => {
    // the prolog regex rescanned the rest from every occurrence: 1 MB took 76 s
    const [r, ms] = await timed(() => parse('<!DOCTYPE'.repeat(110_000)));
    expect(ms).toBeLessThan(3000);
    expect(r.ok === false && r.error.kind).toBe('not-a-feed');
    const [withRoot, ms2] = await timed(() => parse(`${'<!DOCTYPE x [ <!ENTITY a "b">'.repeat(30_000)}]>${RSS('<item><title>x</title></item>')}`));
    expect(ms2).toBeLessThan(3000);
    expect(withRoot.ok && withRoot.articles.map((a) => a.title)).toEqual(['x']);
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE rss><rss/>', '<rss/>'],
    ['its internal subset, to "]" and ">"', '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "]>"> ] >\n<rss/>', '<?xml version="1.0"?>\n"> ] >\n<rss/>'],
    ['two, around a comment that is kept', '<!doctype a><!-- <!DOCTYPE b> --><!DOCTYPE c [ x ]><rss/>', '<!-- <!DOCTYPE b> --><rss/>'],
    ['an unterminated subset up to the first ">"', '<!DOCTYPE a [ <!ENTITY x "y"><rss/>', '<rss/>'],
    ['nothing after the root element', '<rss><![CDATA[<!DOCTYPE x>]]></rss>', '<rss><![CDATA[<!DOCTYPE x>]]></rss>'],
    ['nothing from an unterminated comment on', '<!-- <!DOCTYPE a> <rss/>', '<!-- <!DOCTYPE a> <rss/>'],
  ])('removes from the prolog %s', (_label, text, stripped) => {
    expect(stripDoctype(text)).toBe(stripped);
  });

  it('reads a megabyte of "<rss" without rescanning from each', async () => {
    // the root-tag regexes (ensureChannel, the xml:lang lookup) ran to the end from every "<rss": 1 MB took 61 s
    const [r, ms] = await timed(() => parse('<rss'.repeat(250_000)));
    expect(ms).toBeLessThan(3000);
    expect(r.ok === false && r.error.kind).toBe('parse-error');
    const [big, ms2] = await timed(() => parse(`<rss version="2.0" xml:lang="be">${'<rss'.repeat(100_000)}<item><title>x</title></item></rss>`));
    expect(ms2).toBeLessThan(3000);
    expect(big.ok || big.error.kind).toBe(big.ok ? true : 'parse-error');
  });

  it('removes RSS namespace prefixes in one pass however many are declared', async () => {
    const decls = Array.from({ length: 1_400 }, (_, i) => ` xmlns:p${i}="http://purl.org/rss/1.0/"`).join('');
    const items = '<p7:item><p7:title>Minsk</p7:title><p7:link>https://a.example/1</p7:link></p7:item>'.repeat(20_000);
    const [r, ms] = await timed(() => parse(`<p0:rss version="2.0"${decls}><p1:channel><p1:title>t</p1:title>${items}</p1:channel></p0:rss>`));
    expect(ms).toBeLessThan(5000);
    if (!r.ok) throw r.error;
    expect(r.feed.title).toBe('t');
    expect(r.articles.length).toBeGreaterThan(0);
    expect(r.articles[0]!.title).toBe('Minsk');
  });

  it('bounds the nesting of tags whose quoted attribute values hold "<!--"', async () => {
    // the depth regex stopped at '<' inside a value, read a comment there and stopped counting;
    // the salvage parse then took 118 s and 773 MB for 1.8 MB
    const [r, ms] = await timed(() => parse(RSS(`<item>${'<title a="<!--">'.repeat(110_000)}</item>`)));
    expect(ms).toBeLessThan(3000);
    expect(r.ok === false && r.error.message).toBe('elements nested deeper than 2000 levels');
  });

  it.each([
    ['a "<!--" in a quoted value is not a comment', `<a x="<!--">${'<b>'.repeat(2001)}`, true],
    ["a '>' in a quoted value does not end the tag", `${"<b t='>'>".repeat(2001)}`, true],
    ['end tags with no open element of their name close nothing', `${'<b>'.repeat(1500)}${'</x>'.repeat(1500)}${'<b>'.repeat(600)}`, true],
    ['an end tag closes what opened inside it', `${`<s>${'<b>'.repeat(1000)}</s>`.repeat(10)}`, false],
    ['names are any characters but space, "/" and ">"', `${'<é>'.repeat(2001)}`, true],
    ['self-closing tags, comments, CDATA and declarations do not nest', `<?xml version="1.0"?><!DOCTYPE x><a>${'<br/><!-- <i> --><![CDATA[<i>]]><?pi <i>?>'.repeat(3000)}</a>`, false],
    ['"<" before a space is text', `<a>${'< b'.repeat(3000)}</a>`, false],
    ['a tag left open at the end closes nothing more', `<a title="never closed ${'<i>'.repeat(3000)}`, false],
  ])('counts XML nesting as htmlparser2 reads tags: %s', (_label, text, deeper) => {
    expect(nestsDeeperThan(text, 2000)).toBe(deeper);
  });
});

describe('CDF and page-change in linear time', () => {
  it('lists the 60,000 items of a CDF channel without sorting them again', async () => {
    // cheerio's .find('item') sorted its matches in the square of their number: 40,000 took 8 s
    const xml = `<CHANNEL HREF="http://a.example/"><TITLE>c</TITLE>${'<ITEM HREF="http://a.example/x" LASTMOD="2025-01-01T00:00"><TITLE>x</TITLE></ITEM>'.repeat(60_000)}<ITEM HREF="http://a.example/last"><TITLE>last</TITLE><ITEM HREF="http://a.example/nested"><TITLE>nested</TITLE></ITEM></ITEM></CHANNEL>`;
    const [r, ms] = await timed(() => parseSourceBytes({ bytes: Buffer.from(xml), url: null, fetchedAt: FETCHED, source: { id: 't', kind: 'feed' } }));
    expect(ms).toBeLessThan(8000);
    if (!r.ok) throw r.error;
    expect(r.articles).toHaveLength(60_002);
    expect(r.articles.slice(-2).map((a) => a.title)).toEqual(['last', 'nested']);
  });

  it('hashes a page of 50,000 <br> or <script> siblings without splicing once per element', async () => {
    // one space inserted after every block and every noise element removed, each a splice of the
    // parent's children: 1 MB of <br> did not finish in five minutes
    for (const unit of ['<br>', '<script></script>x']) {
      const html = `<html><body><main>Minsk${unit.repeat(50_000)}</main></body></html>`;
      const [r, ms] = await timed(() => parseSourceBytes({ bytes: Buffer.from(html), url: 'https://a.example/p', fetchedAt: FETCHED, source: { id: 'p', kind: 'page-change' } }));
      expect(ms).toBeLessThan(3000);
      if (!r.ok) throw r.error;
      expect(r.articles[0]!.content).toBe(unit === '<br>' ? 'Minsk' : `Minsk${'x'.repeat(50_000)}`);
    }
  });
});

describe('pages in linear time', () => {
  const page = (inner: string): string => `<html><head><title>t</title></head><body><article><a href="/a">Minsk and Moscow</a></article>${inner}</body></html>`;

  it('refuses a page nesting markup inside <svg><title> before parse5 sees it', async () => {
    // <title> inside <svg> holds markup (an HTML integration point), not raw text: 200 KB took 9.3 s
    const [r, ms] = await timed(() => parse(page(`<svg><title>${'<div>'.repeat(40_000)}</title></svg>`), 'page'));
    expect(ms).toBeLessThan(3000);
    expect(r.ok === false && r.error.message).toBe('elements nested deeper than 2000 levels');
    const fine = await parse(page(`<svg><title>${'<div>'.repeat(100)}</title><style>.a{}</style><path/></svg>`), 'page');
    expect(fine.ok && fine.articles.map((a) => a.title)).toEqual(['Minsk and Moscow']);
  });

  it('finds the first link, title and date of an item holding 15,000 links without sorting them', async () => {
    // .find(selector).first() sorted every match into document order first: 20,000 links took 37 s
    const html = `<html><body><article><h2><span>Minsk</span></h2>${'<a href="/x">x</a><time datetime="2025-01-02T00:00:00Z">d</time>'.repeat(15_000)}</article></body></html>`;
    const [r, ms] = await timed(() => parseSourceBytes({ bytes: Buffer.from(html), url: 'https://a.example/', fetchedAt: FETCHED, source: { id: 'p', kind: 'page', selectors: { item: 'article', title: 'h2 span', summary: 'a' } } }));
    expect(ms).toBeLessThan(3000);
    if (!r.ok) throw r.error;
    expect(r.articles.map((a) => [a.title, a.url, a.published, a.summary])).toEqual([['Minsk', 'https://a.example/x', '2025-01-02T00:00:00.000Z', 'x']]);
    const relative = await parseSourceBytes({ bytes: Buffer.from('<html><body><article><h2>Direct</h2><div><h2>Inner</h2></div><a href="/y">y</a></article></body></html>'), url: 'https://a.example/', fetchedAt: FETCHED, source: { id: 'p', kind: 'page', selectors: { item: 'article', title: '> div > h2' } } });
    expect(relative.ok && relative.articles.map((a) => a.title)).toEqual(['Inner']);
  });

  it.each([
    ['<svg><title> holds markup', `<svg><title>${'<div>'.repeat(2001)}`, true],
    ['<svg><style> holds markup', `<svg><style>${'<g>'.repeat(2001)}`, true],
    ['<math><mi> holds markup', `<math><mi>${'<span>'.repeat(2001)}`, true],
    ['<style> in an integration point is raw text', `<svg><foreignObject><style>${'<div>'.repeat(5000)}</style></foreignObject></svg>`, false],
    ['elements with implied ends nest inside <svg>', `<svg>${'<td>'.repeat(2001)}`, true],
    ['<img> breaks out of <math>', `<math>${'<img>'.repeat(2001)}`, false], // <img> breaks out of foreign content
    ['an HTML tag breaks out of <svg>, closing its elements', `<svg>${'<g>'.repeat(1000)}<div>${'<x>'.repeat(1500)}`, false],
    ['without a breakout the <svg> elements count', `<svg>${'<g>'.repeat(1000)}<x>${'<x>'.repeat(1500)}`, true],
    ['"/>" closes inside <svg>, not in its integration points', `<svg><desc>${'<path/>'.repeat(2001)}`, true],
  ])('counts foreign content as parse5 does: %s', (_label, html, deeper) => {
    expect(htmlNestsDeeperThan(html)).toBe(deeper);
  });

  it('gives up on a deeply nested article page before Readability reads it, and still reads a normal one', async () => {
    // no nesting bound on fullText pages: 250 KB of nested <div> took 19 s, 2,000 nested tables over two minutes
    const article = `<p>${'Minsk and Moscow signed an agreement on the union state. '.repeat(10)}</p>`;
    for (const inner of ['<div>'.repeat(50_000), '<table><tr><td>'.repeat(2_000), `${'<div>'.repeat(1_500)}x${'</div>'.repeat(1_500)}`]) {
      const [text, ms] = await timed(() => extractFullText(`<html><body><article>${article}${inner}</article></body></html>`));
      expect(ms).toBeLessThan(3000);
      expect(text).toBeNull();
    }
    const [text, ms] = await timed(() => extractFullText(`<html><body><nav>menu</nav><article>${`<div>${article}</div>`.repeat(20)}</article></body></html>`));
    expect(ms).toBeLessThan(3000);
    expect(text).toMatch(/^Minsk and Moscow signed/);
  });
});

describe('the item cap of a poll', () => {
  const dated = (i: number): string => `<item><title>n${i}</title><link>https://a.example/${i}</link><pubDate>${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toUTCString()}</pubDate></item>`;

  it('keeps the newest items by date, in document order, and says how many were listed', async () => {
    // 20,000 items, oldest first: the newest 500 are the last 500
    const text = RSS(Array.from({ length: 20_000 }, (_, i) => dated(i)).join(''));
    const [r, ms] = await timed(() => parseSourceBytes({ bytes: Buffer.from(text), url: null, fetchedAt: FETCHED, source: { id: 't', kind: 'feed' }, maxItems: 500 }));
    expect(ms).toBeLessThan(10_000);
    if (!r.ok) throw r.error;
    expect(r.cut).toEqual({ kept: 500, listed: 20_000 });
    expect(r.articles.map((a) => a.title)).toEqual(Array.from({ length: 500 }, (_, i) => `n${19_500 + i}`));
    const under = await parseSourceBytes({ bytes: Buffer.from(RSS(dated(1) + dated(2))), url: null, fetchedAt: FETCHED, source: { id: 't', kind: 'feed' }, maxItems: 2 });
    expect(under.ok && under.cut).toBeUndefined();
  });

  it('ranks undated items after dated ones, in document order', () => {
    const items: RawItem[] = [
      { title: 'undated 1', link: 'https://a.example/u1' },
      { title: 'old', link: 'https://a.example/o', date: '2024-01-01T00:00:00Z' },
      { title: 'undated 2', link: 'https://a.example/u2', date: 'not a date' },
      { title: 'new', link: 'https://a.example/n', date: '2024-06-01T00:00:00Z' },
      { title: 'undated 3', link: 'https://a.example/u3' },
    ];
    const titles = (max: number): string[] => normaliseFeed({ format: 'rss', title: 't', link: '', items }, { sourceId: 's', fetchedAt: FETCHED, maxItems: max }).map((a) => a.title);
    expect(titles(1)).toEqual(['new']);
    expect(titles(3)).toEqual(['undated 1', 'old', 'new']);
    expect(titles(4)).toEqual(['undated 1', 'old', 'undated 2', 'new']);
    expect(titles(5)).toHaveLength(5);
  });
});
