import { describe, expect, it } from 'vitest';
import { parseSourceBytes, type ParsedSource } from '../../src/sources/parse-source.js';
import { nestsDeeperThan } from '../../src/sources/parse/xml-salvage.js';
import { fixture } from './http-test-server.js';

const FETCHED = new Date('2025-01-15T12:00:00Z');

async function parse(bytes: Buffer | string, opts: { contentType?: string; url?: string; lang?: string } = {}): Promise<ParsedSource> {
  return parseSourceBytes({
    bytes: typeof bytes === 'string' ? Buffer.from(bytes) : bytes,
    contentType: opts.contentType,
    url: opts.url ?? null,
    fetchedAt: FETCHED,
    source: { id: 'test', kind: 'feed', ...(opts.lang ? { lang: opts.lang } : {}) },
  });
}

async function ok(bytes: Buffer | string, opts: Parameters<typeof parse>[1] = {}) {
  const r = await parse(bytes, opts);
  if (!r.ok) throw new Error(`expected a feed, got ${r.error.kind}: ${r.error.message}`);
  return r;
}

describe('feeds shaped like the default outlets', () => {
  it('reads a WordPress feed (Jamestown): content:encoded, dc:creator, categories, tracking removed', async () => {
    const r = await ok(fixture('feeds/jamestown-wordpress.xml'), { url: 'https://jamestown.org/programs/edm/feed/' });
    expect(r.feed).toEqual({ title: 'Eurasia Daily Monitor Archives - Jamestown', url: 'https://jamestown.org/programs/edm/' });
    const [a] = r.articles;
    expect(a!.title).toBe('Lukashenka Courts Beijing as Minsk\u2019s Western Ties Fray');
    expect(a!.url).toBe('https://jamestown.org/program/lukashenka-courts-beijing/');
    expect(a!.author).toBe('Grigory Ioffe');
    expect(a!.categories).toEqual(['Belarus', 'China', 'Foreign Policy']);
    expect(a!.published).toBe('2025-01-14T16:48:33.000Z');
    expect(a!.content).toContain('Minsk seeks Chinese investment as Western sanctions bite.');
    expect(a!.content).not.toMatch(/class=|<|tracking/);
    expect(a!.summary).toMatch(/^Executive Summary: Belarusian leader/);
    expect(a!.lang).toBe('en-US');
    expect(r.articles[1]!.content).toContain('Belarus & the Union State\u2019s new doctrine');
  });

  it('reads an RFE/RL Pangea feed', async () => {
    const r = await ok(fixture('feeds/rferl-pangea.xml'));
    expect(r.articles).toHaveLength(2);
    expect(r.articles[0]!.url).toBe('https://www.rferl.org/a/belarus-opposition-sentenced-absentia/33270521.html');
    expect(r.articles[0]!.author).toBe("RFE/RL's Belarus Service");
    expect(r.articles[1]!.categories).toEqual(['Lithuania', 'Belarus']);
  });

  it('reads windows-1251 declared only in the HTTP header', async () => {
    const r = await ok(fixture('feeds/ru-cp1251-http-only.xml'), { contentType: 'application/rss+xml; charset=windows-1251' });
    expect(r.feed.title).toBe('БелТА — Политика');
    expect(r.articles[0]!.title).toBe('Лукашенко провел переговоры с Си Цзиньпином');
    expect(r.articles[0]!.published).toBe('2025-01-15T11:20:00.000Z');
    expect(r.articles[1]!.published).toBe('2025-01-15T10:05:00.000Z');
    expect(r.articles[0]!.lang).toBe('ru');
  });

  it('reads windows-1251 declared only in the XML declaration', async () => {
    const r = await ok(fixture('feeds/ru-cp1251-declared.xml'), { contentType: 'text/xml' });
    expect(r.articles[1]!.title).toBe('МИД Беларуси: санкции ЕС незаконны');
  });

  it('reads koi8-r, UTF-16 with BOM and UTF-32 without BOM', async () => {
    expect((await ok(fixture('feeds/ru-koi8r.xml'))).articles[0]!.title).toBe('Ёлки и санкции: итоги года');
    expect((await ok(fixture('feeds/be-utf16le-bom.xml'))).articles[0]!.title).toBe('Беларусь і Кітай: новы этап');
    expect((await ok(fixture('feeds/be-utf32be.xml'))).articles[0]!.summary).toBe('Ґанак і ўздых.');
  });

  it('reads a Nasha Niva feed in Łacinka', async () => {
    const r = await ok(fixture('feeds/nashaniva-lacinka.xml'));
    const [a] = r.articles;
    expect(a!.title).toBe('Łukašenka sustreŭsia z paŭnamockim pasłom Kitaja');
    expect(a!.url).toBe('https://nashaniva.com/356123');
    expect(a!.lang).toBe('be-Latn');
    expect(a!.published).toBe('2025-01-15T09:30:00.000Z');
  });

  it('resolves Atom links against xml:base', async () => {
    const r = await ok(fixture('feeds/atom-xml-base.xml'), { url: 'https://feeds.example/ecfr.atom' });
    expect(r.articles.map((a) => a.url)).toEqual([
      'https://ecfr.eu/article/belarus-and-the-eu-frozen/',
      'https://ecfr.eu/article/belarus-potash-sanctions/',
    ]);
    const [a, b] = r.articles;
    expect(a!.title).toBe('Belarus & the EU: the frozen relationship');
    expect(a!.summary).toBe("Minsk's multi-vector policy is dead.");
    expect(a!.published).toBe('2025-01-15T08:30:00.000Z');
    expect(a!.categories).toEqual(['Belarus', 'EU']);
    expect(a!.author).toBe('Pavel Slunkin');
    expect(a!.lang).toBe('en');
    expect(b!.published).toBe('2025-01-10T08:00:00.000Z');
    expect(r.feed.url).toBe('https://ecfr.eu/programmes/wider-europe/');
  });

  it('reads a JSON Feed 1.1', async () => {
    const r = await ok(fixture('feeds/jsonfeed.json'));
    const [a, b] = r.articles;
    expect(a!.url).toBe('https://belarusdigest.example/2025/01/15/minsk-dialogue/?ref=home');
    expect(a!.content).toBe('The Minsk Dialogue forum convened in Vienna & online.');
    expect(a!.author).toBe('Yauheni Preiherman');
    expect(a!.published).toBe('2025-01-15T05:00:00.000Z');
    expect(b!.url).toBeNull();
    expect(b!.guid).toBe('2025-01-14-note');
  });
});

describe('hostile and broken feeds', () => {
  it('leaves an external entity literal and reads no file (XXE)', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><item><title>leak &xxe; here</title><link>https://a.example/1</link></item></channel></rss>`;
    const r = await ok(xxe);
    expect(r.articles[0]!.title).toBe('leak &xxe; here');
    expect(JSON.stringify(r)).not.toContain('root:');
  });

  it('does not expand billion-laughs entities, in bounded time', async () => {
    const decl = Array.from({ length: 10 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
    const doc = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${decl}]><rss version="2.0"><channel><title>&lol10;</title><item><title>t &lol10;</title></item></channel></rss>`;
    const started = Date.now();
    const r = await parse(doc);
    expect(Date.now() - started).toBeLessThan(2000);
    if (r.ok) {
      expect(r.feed.title).toBe('&lol10;');
      expect(JSON.stringify(r).length).toBeLessThan(10_000);
    } else {
      expect(r.error.kind).toBe('parse-error');
    }
  });

  it('salvages a bare & and HTML entities', async () => {
    const r = await ok('<rss version="2.0"><channel><title>A & B&nbsp;&mdash; C &bogus; D</title><item><title>x</title></item></channel></rss>');
    expect(r.feed.title).toBe('A & B \u2014 C &bogus; D');
  });

  it('salvages unclosed tags', async () => {
    const r = await ok('<rss version="2.0"><channel><title>T</title><item><title>One</title><link>https://a.example/1</link></item><item><title>Two</ti');
    expect(r.articles.map((a) => [a.title, a.url])).toEqual([['One', 'https://a.example/1'], ['Two', null]]);
  });

  it('settles on a truncated document whose salvage is a lone comment (it used to hang the parser for good)', async () => {
    // strict parsing fails, and the salvaged text has no root element: rss-parser's shared xml2js
    // parser, marked ended by the failure, never called back on it
    const truncated = '<!-- a comment -->\n<rss a0="0" a1="1" ';
    for (let round = 0; round < 3; round++) {
      const r = await Promise.race([parse(truncated), new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 2000))]);
      expect(r).not.toBe('hung');
      if (r === 'hung') return;
      expect(r.ok === false && r.error.kind).toBe('parse-error');
    }
    const after = await ok('<rss version="2.0"><channel><title>t</title><item><title>x</title></item></channel></rss>');
    expect(after.articles).toHaveLength(1);
  });

  it('finds the root element after whitespace, processing instructions and comments, in linear time', async () => {
    // the old one-regex prolog skip backtracked exponentially: 32 spaces before a letter took ~11 s
    const started = Date.now();
    for (const body of [' '.repeat(32) + 'x', '\n'.repeat(20_000) + 'Error', '<?a?>'.repeat(5_000) + 'x', '<!-- -->'.repeat(5_000) + ' x']) {
      const r = await parse(body);
      expect(r.ok === false && r.error.kind).toBe('not-a-feed');
    }
    expect(Date.now() - started).toBeLessThan(5000);
    const r = await ok('\uFEFF  \n<?xml version="1.0"?>\n<!-- generated -->\n<?xml-stylesheet href="s.xsl"?>\n<rss version="2.0"><channel><item><title>x</title></item></channel></rss>');
    expect(r.articles).toHaveLength(1);
    expect((await parse('<?xml version="1.0"?><!-- never closed <rss>')).ok).toBe(false);
  });

  it('makes text of a description full of unclosed tags in linear time', async () => {
    // rss-parser's own snippet regex took 2.2 s for 10,000 "&lt;p" (it grows with the square)
    const started = Date.now();
    const r = await ok(`<rss version="2.0"><channel><title>t</title><item><title>x</title><link>http://a.example/1</link><description>Minsk ${'&lt;p'.repeat(100_000)}</description></item></channel></rss>`);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.articles[0]!.summary?.startsWith('Minsk')).toBe(true);
    const tagged = await ok('<rss version="2.0"><channel><title>t</title><item><title>x</title><link>http://a.example/2</link><description>&lt;p&gt;Lukashenka &amp;amp; Putin&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;</description></item></channel></rss>');
    expect(tagged.articles[0]!.summary).toBe('Lukashenka & Putin');
  });

  it('refuses elements nested deeper than 2,000 levels before parsing, and still reads 1,500', async () => {
    const nested = (depth: number): string => `<rss version="2.0"><channel><title>t</title><item><title>x</title><description>${'<div>'.repeat(depth)}deep${'</div>'.repeat(depth)}</description></item></channel></rss>`;
    const started = Date.now();
    const deep = await parse(nested(200_000));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(deep.ok === false && deep.error.kind).toBe('parse-error');
    expect(deep.ok === false && deep.error.message).toMatch(/nested deeper than 2000 levels/);
    expect((await ok(nested(1500))).articles).toHaveLength(1);
  });

  it.each([
    ['siblings', '<a><b/><c></c><d>x</d></a>', 2, false],
    ['self-closing tags do not nest', `<a>${'<br/>'.repeat(50)}</a>`, 1, false],
    ['unclosed tags count as open', `${'<p>'.repeat(5)}`, 4, true],
    ['end tags close', `${'<i>'.repeat(4)}${'</i>'.repeat(4)}${'<i>'.repeat(4)}`, 4, false],
    ['text, comments and declarations are not tags', '<?xml version="1.0"?><!DOCTYPE x><!-- <a><b><c> --><a>1 < 2 > 0</a>', 1, false],
    ['HTML in CDATA is text', `<rss><channel>${`<item><description><![CDATA[${'<p>a<br>b<img src=x>'.repeat(100)}]]></description></item>`.repeat(30)}</channel></rss>`, 10, false],
    ['an unterminated CDATA section ends the scan', `<a><![CDATA[${'<b>'.repeat(100)}`, 10, false],
  ])('bounds the nesting depth: %s', (_label, text, max, deeper) => {
    expect(nestsDeeperThan(text, max)).toBe(deeper);
  });

  it.each([
    ['an empty body', '', 'not-a-feed', /empty body/],
    ['whitespace only', '  \n ', 'not-a-feed', /empty body/],
    ['HTML served as a feed', '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>challenge</body></html>', 'not-a-feed', /HTML/],
    ['another XML vocabulary', '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', 'not-a-feed', /<svg>/],
    ['plain text', 'Service unavailable', 'not-a-feed', /neither XML nor JSON/],
    ['JSON that is not a feed', '{"error": "nope"}', 'not-a-feed', /JSON Feed/],
    ['broken JSON', '{"version": "https://jsonfeed.org/version/1", ', 'parse-error', /invalid JSON/],
    ['hopeless XML', '<rss version="2.0"<channel><title>x</title>', 'parse-error', /ill-formed XML: Invalid attribute name/],
  ])('refuses %s', async (_label, body, kind, message) => {
    const r = await parse(body);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe(kind);
    expect(r.error.code).toBe('BW_PARSE');
    expect(r.error.message).toMatch(message);
    expect(r.error.message).not.toContain('\n');
  });

  it('reads an Atom title written as XHTML', async () => {
    const r = await ok('<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="https://a.example/x"/><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Minsk <b>talks</b></div></title></entry></feed>');
    expect(r.articles[0]!.title).toMatch(/^Minsk\s+talks$/);
  });

  it('reads RSS 0.91, RSS 1.0 (RDF) and an rss element without channel', async () => {
    const rss091 = '<rss version="0.91"><channel><title>Old</title><item><title>a</title><link>http://old.example/a</link></item></channel></rss>';
    const rdf = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://r.example/"><title>R</title><link>http://r.example/</link></channel>
<item rdf:about="http://r.example/1"><title>one</title><link>http://r.example/1</link><dc:date>2025-01-10T10:00:00+03:00</dc:date><dc:creator>Kh.</dc:creator></item></rdf:RDF>`;
    expect((await ok(rss091)).articles[0]!.url).toBe('http://old.example/a');
    const r = await ok(rdf);
    expect(r.articles[0]!.published).toBe('2025-01-10T07:00:00.000Z');
    expect(r.articles[0]!.author).toBe('Kh.');
    expect((await ok('<rss version="2.0"></rss>')).articles).toEqual([]);
  });
});
