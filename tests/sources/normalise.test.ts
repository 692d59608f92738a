import { describe, expect, it } from 'vitest';
import { clip, normaliseFeed } from '../../src/sources/normalise/article.js';
import { normaliseDate } from '../../src/sources/normalise/date.js';
import { htmlToText } from '../../src/sources/normalise/text.js';
import { canonicalLink } from '../../src/sources/normalise/url.js';
import type { ParsedFeed } from '../../src/sources/parse/parsed-feed.js';

const FETCHED = new Date('2025-01-15T12:00:00Z');

describe('htmlToText', () => {
  it.each([
    ['<div class="center"><p>Belarus</p><p>sanctions</p></div>', 'Belarus sanctions'],
    ['a&nbsp;b &amp; c &#8217; &mdash; d', 'a b & c \u2019 \u2014 d'],
    ['&lt;p class="center"&gt;double &amp;amp; escaped&lt;/p&gt;', 'double & escaped'],
    ['<script>var x = "class=center";</script>text<style>.a{}</style>', 'text'],
    ['<!-- comment -->  many\n\n  spaces\t here ', 'many spaces here'],
    ['plain text', 'plain text'],
    ['x < y and y > z', 'x < y and y > z'],
    ['<![CDATA[inside]]>', 'inside'],
    ['<SCRIPT type="x">a</Script >b<noscript>c</noscript>d<template>e</template>f', 'b d f'],
    ['kept <script>never closed, runs to the end', 'kept'],
    ['kept <!-- never closed, runs to the end', 'kept'],
    ['a <script src="x.js"></script> b <style>p{}</style> c', 'a b c'],
  ])('%j -> %j', (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });

  it.each([
    ['ANSI escapes, raw or as references', 'a\u001b[31mred\u001b[0m &#27;]0;title&#7; b\u0080\u009bc', 'a[31mred[0m ]0;title bc'],
    ['bidi controls, the Arabic letter mark among them', 'x\u202eevil\u202c \u2066y\u2069 \u061c\u200e\u200fz', 'xevil y z'],
    ['soft hyphens, word joiners and tag characters', 'Lukash\u00adenka\u2060 \u{e0041}hidden', 'Lukashenka hidden'],
    ['tab, line feed, carriage return and NEL become one space', 'a\tb\nc\r\nd\u0085e', 'a b c d e'],
    ['ZWNJ and ZWJ, which scripts and emoji need', '\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u{1f468}\u200d\u{1f469}', '\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u{1f468}\u200d\u{1f469}'],
  ])('removes control and format characters: %s', (_label, input, text) => {
    expect(htmlToText(input)).toBe(text);
    expect(htmlToText(`<b>${input}</b>`)).toBe(text);
  });

  it('takes time in proportion to the text for unclosed blocks and comments', () => {
    // a lazy block regex looked for the closer again from every opener: 20,000 openers took 1.5 s
    const started = Date.now();
    for (const opener of ['<script>', '<!--', '<style x="1">', '<noscript>']) expect(htmlToText(`x ${opener.repeat(100_000)}`)).toBe('x');
    expect(htmlToText(`x ${'<script '.repeat(100_000)}`)).toMatch(/^x <script <script/); // no ">": not a tag, kept as text
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('canonicalLink', () => {
  it.each([
    ['HTTPS://Jamestown.ORG:443/a/?utm_source=rss&utm_medium=rss#respond', null, 'https://jamestown.org/a/'],
    ['http://example.org:80/x?b=2&a=1&fbclid=zz&gclid=1&mc_cid=2&mc_eid=3', null, 'http://example.org/x?a=1&b=2'],
    ['/article/1', 'https://ecfr.eu/feed/', 'https://ecfr.eu/article/1'],
    ['article/1', 'https://ecfr.eu/feed/', 'https://ecfr.eu/feed/article/1'],
    ['javascript:alert(1)', 'https://ecfr.eu/', null],
    ['data:text/html,<b>x</b>', null, null],
    ['mailto:a@b.c', null, null],
    ['', 'https://ecfr.eu/', null],
    ['http://example.org./x', null, 'http://example.org/x'],
    ['https://example.org:8443/x', null, 'https://example.org:8443/x'],
    ['https://belta.by@evil.test/news', null, 'https://evil.test/news'],
    ['https://belta.by:news@evil.test/news', null, 'https://evil.test/news'],
    ['//belta.by%40x@evil.test/a', 'https://belta.by/', 'https://evil.test/a'],
  ])('%s (base %s) -> %s', (raw, base, out) => {
    expect(canonicalLink(raw, base)).toBe(out);
  });
});

describe('normaliseDate', () => {
  it.each([
    ['Tue, 14 Jan 2025 16:48:33 +0000', '2025-01-14T16:48:33.000Z', false],
    ['Tue, 14 Jan 2025 16:48:33 GMT', '2025-01-14T16:48:33.000Z', false],
    ['Wed, 15 Jan 2025 14:20:00 MSK', '2025-01-15T11:20:00.000Z', false],
    ['Tue, 14 Jan 2025 10:00:00 EST', '2025-01-14T15:00:00.000Z', false],
    ['Tue, 14 Jan 2025 10:00:00 CEST', '2025-01-14T08:00:00.000Z', false],
    ['2025-01-15T09:30:00+01:00', '2025-01-15T08:30:00.000Z', false],
    ['2025-01-15 09:30:00', '2025-01-15T09:30:00.000Z', false],
    ['2025-01-15', '2025-01-15T00:00:00.000Z', false],
    ['15.01.2025 10:05', '2025-01-15T10:05:00.000Z', false],
    ['14 January 2025', '2025-01-14T00:00:00.000Z', false],
    ['14 января 2025', '2025-01-14T00:00:00.000Z', false],
    ['14 студзеня 2025, 10:30', '2025-01-14T10:30:00.000Z', false],
    ['2025/01/14', '2025-01-14T00:00:00.000Z', false],
    ['', FETCHED.toISOString(), true],
    ['yesterday-ish', FETCHED.toISOString(), true],
    ['Tue, 14 Jan 0001 10:00:00 GMT', FETCHED.toISOString(), true],
    ['Sat, 14 Oct 1066 10:00:00 GMT', FETCHED.toISOString(), true],
    ['9999-01-01T00:00:00Z', FETCHED.toISOString(), true],
    ['2025-01-17T12:00:00Z', FETCHED.toISOString(), true],
    ['2025-01-16T06:00:00Z', '2025-01-16T06:00:00.000Z', false],
  ])('%j -> %s (estimated %s)', (raw, iso, estimated) => {
    expect(normaliseDate(raw, FETCHED)).toEqual({ iso, estimated });
  });
});

describe('normaliseFeed', () => {
  const feed = (items: ParsedFeed['items'], extra: Partial<ParsedFeed> = {}): ParsedFeed => ({ format: 'rss', title: 'T', link: '', items, ...extra });
  const ctx = { sourceId: 'src', url: 'https://outlet.example/feed/', fetchedAt: FETCHED, lang: 'en' };

  it('bounds the length of every text field, cutting with an ellipsis and never inside a surrogate pair', () => {
    const [a] = normaliseFeed(
      feed([
        {
          link: 'https://outlet.example/long',
          title: `<b>Minsk</b> ${'t'.repeat(1_000_000)}`,
          summary: 's'.repeat(30_000),
          content: `<p>${'c'.repeat(600_000)}</p>`,
          author: 'a'.repeat(1_000),
          categories: [...Array.from({ length: 150 }, (_, i) => `cat ${i}`), 'x'.repeat(500)],
        },
      ]),
      ctx,
    );
    expect(a!.title).toHaveLength(1_000);
    expect(a!.title.startsWith('Minsk ttt')).toBe(true);
    expect(a!.title.endsWith('t…')).toBe(true);
    expect(a!.summary).toHaveLength(20_000);
    expect(a!.content).toHaveLength(500_000);
    expect(a!.author).toHaveLength(300);
    expect(a!.categories).toHaveLength(100);
    expect(clip(`${'x'.repeat(8)}😀😀`, 10)).toBe(`${'x'.repeat(8)}…`); // the cut would split the first emoji
    expect(clip('short', 10)).toBe('short');
  });

  it('keeps twenty items that share one guid apart', () => {
    const items = Array.from({ length: 20 }, (_, i) => ({ guid: 'same-guid', title: `Item ${i}`, date: `2025-01-${String(i + 1).padStart(2, '0')}` }));
    const ids = new Set(normaliseFeed(feed(items), ctx).map((a) => a.id));
    expect(ids.size).toBe(20);
  });

  it('keeps items that all link to the home page apart', () => {
    const items = Array.from({ length: 5 }, (_, i) => ({ link: 'https://outlet.example/', title: `Item ${i}` }));
    expect(new Set(normaliseFeed(feed(items), ctx).map((a) => a.id)).size).toBe(5);
  });

  it('derives a stable id from the canonical URL, ignoring tracking parameters and the source', () => {
    const a = normaliseFeed(feed([{ link: 'https://outlet.example/a?utm_source=rss', title: 'x' }]), ctx)[0]!;
    const b = normaliseFeed(feed([{ link: 'https://OUTLET.example/a#top', title: 'other title' }]), { ...ctx, sourceId: 'other' })[0]!;
    expect(a.id).toBe(b.id);
    expect(a.url).toBe('https://outlet.example/a');
  });

  it('falls back to the guid, then to title and date', () => {
    const [g, t] = normaliseFeed(feed([{ guid: 'tag:x,2025:1', title: 'A' }, { title: 'B', date: '2025-01-01' }]), ctx);
    expect(g!.url).toBeNull();
    expect(g!.guid).toBe('tag:x,2025:1');
    expect(t!.id).not.toBe(g!.id);
    expect(normaliseFeed(feed([{ title: 'B', date: '2025-01-01' }]), ctx)[0]!.id).toBe(t!.id);
  });

  it('takes lang from the item, then the feed, then the source', () => {
    const out = normaliseFeed(feed([{ title: 'a', lang: 'be_Latn' }, { title: 'b' }], { lang: 'RU' }), ctx);
    expect(out.map((a) => a.lang)).toEqual(['be-Latn', 'ru']);
    expect(normaliseFeed(feed([{ title: 'c' }]), ctx)[0]!.lang).toBe('en');
  });

  it('uses the content as summary when there is none, and flags a missing date', () => {
    const [a] = normaliseFeed(feed([{ title: 't', content: '<p>Body text</p>' }]), ctx);
    expect(a!.summary).toBe('Body text');
    expect(a!.publishedEstimated).toBe(true);
    expect(a!.published).toBe(FETCHED.toISOString());
  });

  it('drops items with nothing in them', () => {
    expect(normaliseFeed(feed([{}, { title: '   ' }]), ctx)).toEqual([]);
  });
});
