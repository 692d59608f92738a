import { describe, expect, it } from 'vitest';
import { parseSourceBytes } from '../../src/sources/parse-source.js';
import { extractFullText } from '../../src/sources/parse/full-text.js';
import { detectPageChange, extractMainText } from '../../src/sources/parse/page-change.js';
import { fixture } from './http-test-server.js';

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
