import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSourceBytes } from '../../src/sources/parse-source.js';
import { extractFullText } from '../../src/sources/parse/full-text.js';
import { htmlNestsDeeperThan } from '../../src/sources/parse/html-depth.js';
import { detectPageChange, extractMainText } from '../../src/sources/parse/page-change.js';
import { FIXTURES, fixture } from './http-test-server.js';

const FETCHED = new Date('2025-01-15T12:00:00Z');
const FORSTRATEGY = {
  item: '.views-row',
  link: 'a[href]',
  title: '.views-field-title, h2, h3',
  date: 'time, .date-display-single, .views-field-created',
  summary: '.views-field-body, .field--name-body, p',
};

function parsePageBytes(html: Buffer | string, selectors = FORSTRATEGY) {
  return parseSourceBytes({
    bytes: typeof html === 'string' ? Buffer.from(html) : html,
    url: 'https://forstrategy.org/en/publications',
    fetchedAt: FETCHED,
    source: { id: 'forstrategy', kind: 'page', lang: 'en', selectors },
  });
}

describe('listing pages', () => {
  it('scrapes a Drupal listing (forstrategy.org) with the configured selectors', async () => {
    const r = await parsePageBytes(fixture('pages/forstrategy-listing.html'));
    if (!r.ok) throw r.error;
    expect(r.feed.title).toBe('Publications | Center for Strategic and Foreign Policy Studies');
    expect(r.articles.map((a) => [a.title, a.url, a.published])).toEqual([
      ['Belarus and China: the limits of an all-weather partnership', 'https://forstrategy.org/en/publications/belarus-china-2025', '2025-01-14T12:00:00.000Z'],
      ['Reviewing EU sanctions against Belarus', 'https://forstrategy.org/en/publications/eu-sanctions-review', '2025-01-09T09:30:00.000Z'],
      ['Subscribe to our newsletter', null, '2024-12-27T00:00:00.000Z'],
    ]);
    expect(r.articles[0]!.summary).toBe('Minsk bets on Beijing while keeping Moscow close.');
    expect(r.articles[0]!.lang).toBe('en');
  });

  it.each([
    ['the item selector', { ...FORSTRATEGY, item: '.view-row-renamed' }, /item selector ".view-row-renamed" matched nothing/],
    ['a field selector in every item', { ...FORSTRATEGY, title: '.node__title' }, /title selector ".node__title" matched nothing in 3 items/],
  ])('reports selector-broke when %s matches nothing', async (_label, selectors, message) => {
    const r = await parsePageBytes(fixture('pages/forstrategy-listing.html'), selectors);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('selector-broke');
    expect(r.error.message).toMatch(message);
  });
});

describe('page-change sources', () => {
  const v1 = fixture('pages/bti-report-v1.html').toString();
  const v1b = fixture('pages/bti-report-v1-new-tokens.html').toString();
  const v2 = fixture('pages/bti-report-v2.html').toString();

  it('hashes the main text, not the rotating tokens of the raw HTML', () => {
    expect(v1).not.toBe(v1b);
    expect(detectPageChange(v1b, {}, undefined).hash).toBe(detectPageChange(v1, {}, undefined).hash);
    expect(detectPageChange(v2, {}, undefined).hash).not.toBe(detectPageChange(v1, {}, undefined).hash);
    expect(extractMainText(v1).text).toBe(
      "Belarus Country Report 2024 Executive Summary Belarus' foreign policy is now almost entirely aligned with Russia. Relations with the European Union remain frozen since 2020.",
    );
  });

  it('emits an article the first time and when the text changes, none otherwise', async () => {
    const run = (html: string, previousPageHash?: string) =>
      parseSourceBytes({ bytes: Buffer.from(html), url: 'https://bti-project.org/en/reports/country-report/BLR', fetchedAt: FETCHED, source: { id: 'bti', kind: 'page-change' }, previousPageHash });
    const first = await run(v1);
    if (!first.ok) throw first.error;
    expect(first.articles).toHaveLength(1);
    expect(first.articles[0]!.title).toBe('Belarus Country Report 2024');
    expect(first.articles[0]!.url).toBe('https://bti-project.org/en/reports/country-report/BLR');
    const same = await run(v1b, first.pageHash);
    expect(same.ok && same.articles).toEqual([]);
    const changed = await run(v2, first.pageHash);
    if (!changed.ok) throw changed.error;
    expect(changed.articles).toHaveLength(1);
    expect(changed.articles[0]!.content).toContain('cautious opening on prisoner releases');
    expect(changed.articles[0]!.id).not.toBe(first.articles[0]!.id);
  });

  it('reports selector-broke when the content selector matches nothing', () => {
    expect(() => detectPageChange(v1, { content: '#report-body' }, undefined)).toThrow(/content selector "#report-body" matched nothing/);
  });
});

describe('full text', () => {
  it('extracts the article body without navigation', () => {
    const text = extractFullText(fixture('pages/article-full.html').toString());
    expect(text).toContain('Great Stone industrial park and potash logistics corridor');
    expect(text).not.toContain('Donate today');
  });

  it('returns null for a page with no article', () => {
    expect(extractFullText('<html><body><nav>menu</nav></body></html>')).toBeNull();
  });
});

describe('page nesting bound', () => {
  const nestedPage = (inner: string): string =>
    `<html><head><title>t</title></head><body>${inner}<div class="views-row"><h2><a href="/en/a">Minsk and Moscow</a></h2><time datetime="2025-01-10T10:00:00Z">10 Jan</time><p>Talks.</p></div></body></html>`;

  it('counts what parse5 keeps open, not void, implied-end, raw-text, comment or SVG self-closing tags', () => {
    expect(htmlNestsDeeperThan('<div>'.repeat(2001))).toBe(true);
    expect(htmlNestsDeeperThan('<div>'.repeat(2000))).toBe(false);
    expect(htmlNestsDeeperThan('<div/>'.repeat(2001))).toBe(true); // HTML has no self-closing div
    expect(htmlNestsDeeperThan('<div><span>x</span></div>'.repeat(50_000))).toBe(false);
    for (const sloppy of ['<p>', '<li>', '<td>', '<tr>', '<option>', '<br>', '<img src=x>', '<hr/>']) expect(htmlNestsDeeperThan(sloppy.repeat(10_000))).toBe(false);
    expect(htmlNestsDeeperThan(`<svg>${'<path d="M0"/>'.repeat(10_000)}</svg>${'<div>'.repeat(10)}`)).toBe(false);
    expect(htmlNestsDeeperThan(`<script>${'<div>'.repeat(5000)}</script><style>${'<b>'.repeat(5000)}</style><!--${'<i>'.repeat(5000)}-->`)).toBe(false);
    expect(htmlNestsDeeperThan(`<textarea>${'<div>'.repeat(5000)}`)).toBe(false);
    expect(htmlNestsDeeperThan(`${'<div>'.repeat(1500)}</div>${'<div>'.repeat(600)}`)).toBe(true);
    // end tags with no open element of their name close nothing, as in parse5
    expect(htmlNestsDeeperThan(`${'<b>'.repeat(1500)}${'</x></div>'.repeat(1500)}${'<b>'.repeat(600)}`)).toBe(true);
    // an end tag closes everything opened inside its element
    expect(htmlNestsDeeperThan(`${`<section>${'<span>'.repeat(1000)}</section>`.repeat(10)}`)).toBe(false);
    expect(htmlNestsDeeperThan(`<svg>${'<g>'.repeat(100)}</svg>${'<path/>'.repeat(2001)}`)).toBe(true); // outside svg, /> closes nothing
    // tokenised as parse5 does: "<!--" inside an end tag is not a comment (a fuzzed page hid 5,600
    // levels of <b> this way and overflowed cheerio's stack), ">" inside a quoted value ends nothing
    expect(htmlNestsDeeperThan(`<p>x</spanx/?${'<!--'.repeat(10)}more">${'<b>'.repeat(3000)}x${'</b>'.repeat(3000)}`)).toBe(true);
    expect(htmlNestsDeeperThan(`<a title="<!-- > -->">${'<i>'.repeat(2001)}`)).toBe(true);
    expect(htmlNestsDeeperThan(`<!-->${'<i>'.repeat(2001)}`)).toBe(true); // an empty comment
    expect(htmlNestsDeeperThan(`<!-- a --!>${'<i>'.repeat(2001)}`)).toBe(true);
    // a bogus comment ends at the first ">": the first <i> is inside it, the other nine count
    expect(htmlNestsDeeperThan(`<?php ${'<i>'.repeat(10)} ?>${'<i>'.repeat(1991)}`)).toBe(false);
    expect(htmlNestsDeeperThan(`<?php ${'<i>'.repeat(10)} ?>${'<i>'.repeat(1992)}`)).toBe(true);
    expect(htmlNestsDeeperThan(`<div title="never closed ${'<i>'.repeat(3000)}`)).toBe(false); // the page ends inside the tag
  });

  it('refuses a page nested deeper than 2,000 levels before cheerio parses it, and still reads 1,500', async () => {
    const started = Date.now();
    const deep = await parsePageBytes(nestedPage('<div>'.repeat(1_000_000)));
    expect(Date.now() - started).toBeLessThan(5000); // parse5 would need hours for a million levels
    expect(deep.ok === false && deep.error.kind).toBe('parse-error');
    expect(deep.ok === false && deep.error.message).toBe('elements nested deeper than 2000 levels');
    const change = await parseSourceBytes({ bytes: Buffer.from(nestedPage('<span>'.repeat(3000))), url: 'https://bti-project.org/en/reports/country-report/BLR', fetchedAt: FETCHED, source: { id: 'bti', kind: 'page-change' } });
    expect(change.ok === false && change.error.kind).toBe('parse-error');

    const fine = await parsePageBytes(nestedPage(`${'<div>'.repeat(1500)}x${'</div>'.repeat(1500)}`));
    if (!fine.ok) throw fine.error;
    expect(fine.articles.map((a) => a.title)).toEqual(['Minsk and Moscow']);
  });

  it('reads every page fixture', () => {
    for (const name of readdirSync(path.join(FIXTURES, 'pages'))) expect(htmlNestsDeeperThan(fixture(`pages/${name}`).toString('utf8'))).toBe(false);
  });
});
