import { describe, expect, it } from 'vitest';
import { parseFeedText } from '../../src/sources/parse/feed.js';

describe('CDF (Channel Definition Format)', () => {
  it('reads the channel, its items, links, abstracts and dates', async () => {
    const feed = await parseFeedText(`<?xml version="1.0"?>
<CHANNEL HREF="http://example.org/">
  <TITLE>Example &amp; channel</TITLE>
  <ABSTRACT>About the channel</ABSTRACT>
  <ITEM HREF="http://example.org/a" LASTMOD="2004-01-01T12:00">
    <TITLE>First item</TITLE>
    <ABSTRACT>Item abstract</ABSTRACT>
  </ITEM>
  <item href="http://example.org/b"><title>Second</title></item>
</CHANNEL>`);
    expect(feed.title).toBe('Example & channel');
    expect(feed.link).toBe('http://example.org/');
    expect(feed.items).toEqual([
      { title: 'First item', link: 'http://example.org/a', summary: 'Item abstract', date: '2004-01-01T12:00' },
      { title: 'Second', link: 'http://example.org/b', summary: undefined, date: undefined },
    ]);
  });
});
