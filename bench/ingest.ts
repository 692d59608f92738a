/**
 * `npm run bench:ingest`: normalised articles per second through belwatch's decode + parse +
 * normalise (`parseSourceBytes`), against bare rss-parser `parseString` on the same bytes, measured
 * in one run. Prints both rates and the ratio of time per article (target: at most 1.5).
 *
 * The feed set is fixed: the RSS/Atom fixtures of tests/fixtures/feeds that bare rss-parser can read
 * (it cannot decode UTF-16 or legacy charsets) plus generated WordPress-style
 * feeds (20 items, HTML content:encoded, categories, tracking links) that weigh like the real outlets.
 * The two contestants alternate feed by feed (and which goes first) so machine noise hits both
 * alike (garbage collection is paid by whoever's allocation triggers it, so in proportion); the
 * median round of each is compared. Everything is warmed up first: this is the steady state of a
 * long-running service.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Parser from 'rss-parser';
import { parseSourceBytes } from '../src/sources/parse-source.js';

const FIXTURES = path.resolve(import.meta.dirname, '../tests/fixtures/feeds');

function wordpressFeed(n: number): string {
  const items = Array.from({ length: 20 }, (_, i) => {
    const para = `<p>Belarus&#8217;s foreign ministry said the talks with <a href="https://example.org/x?id=${i}">Beijing</a> &amp; Moscow &#8220;opened a new chapter&#8221; in relations, while <strong>sanctions</strong> remain.</p>`;
    return `<item>
  <title>Item ${n}-${i}: Lukashenka &#8211; Minsk&#8217;s foreign policy</title>
  <link>https://outlet${n}.example/${2025}/01/${i}/story-${i}/?utm_source=rss&#038;utm_medium=rss</link>
  <dc:creator><![CDATA[Author ${i}]]></dc:creator>
  <pubDate>Tue, ${String((i % 28) + 1).padStart(2, '0')} Jan 2025 16:48:33 +0000</pubDate>
  <category><![CDATA[Belarus]]></category><category><![CDATA[Foreign Policy]]></category>
  <guid isPermaLink="false">https://outlet${n}.example/?p=${1000 + i}</guid>
  <description><![CDATA[<p>Summary of item ${i} &#8230;</p>]]></description>
  <content:encoded><![CDATA[<div class="center">${para.repeat(8)}</div>]]></content:encoded>
</item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Outlet ${n}</title><link>https://outlet${n}.example/</link><language>en-US</language>
${items.join('\n')}
</channel></rss>`;
}

const bare = new Parser();

// Only inputs bare rss-parser can read at all (it cannot decode UTF-16 or windows-1251), so both sides do the same work.
const candidates: Buffer[] = [
  ...readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.xml'))
    .map((f) => readFileSync(path.join(FIXTURES, f))),
  ...Array.from({ length: 8 }, (_, n) => Buffer.from(wordpressFeed(n))),
];
const inputs: Buffer[] = [];
for (const bytes of candidates) {
  try {
    await bare.parseString(bytes.toString('utf8'));
    inputs.push(bytes);
  } catch {
    // skipped: not comparable
  }
}
const fetchedAt = new Date('2025-01-15T12:00:00Z');

async function bareOne(bytes: Buffer): Promise<number> {
  return (await bare.parseString(bytes.toString('utf8'))).items.length;
}

async function oursOne(bytes: Buffer): Promise<number> {
  const r = await parseSourceBytes({ bytes, url: 'https://outlet.example/feed/', fetchedAt, source: { id: 'bench', kind: 'feed' } });
  if (!r.ok) throw new Error(`bench input refused: ${r.error.message}`);
  return r.articles.length;
}

async function timed(fn: (b: Buffer) => Promise<number>, bytes: Buffer): Promise<number> {
  const start = process.hrtime.bigint();
  await fn(bytes);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const ROUNDS = 60;
let items = 0;
for (const bytes of inputs) {
  items += await oursOne(bytes);
  await bareOne(bytes);
}
for (let i = 0; i < 5; i++) for (const bytes of inputs) await Promise.all([bareOne(bytes), oursOne(bytes)]);
const bareMs: number[] = [];
const oursMs: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  let b = 0;
  let o = 0;
  // Feed by feed, alternating which goes first, so a burst of machine noise hits both alike.
  for (const bytes of inputs) {
    if (i % 2 === 0) {
      b += await timed(bareOne, bytes);
      o += await timed(oursOne, bytes);
    } else {
      o += await timed(oursOne, bytes);
      b += await timed(bareOne, bytes);
    }
  }
  bareMs.push(b);
  oursMs.push(o);
}
// The median round of each: robust against a noisy, shared machine.
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const bareRate = (items / median(bareMs)) * 1000;
const oursRate = (items / median(oursMs)) * 1000;
const ratio = bareRate / oursRate;
console.log(`inputs: ${inputs.length} feeds, ${items} articles per round, ${ROUNDS} rounds (median round)`);
console.log(`rss-parser parseString alone:        ${bareRate.toFixed(0)} items/s`);
console.log(`belwatch decode + parse + normalise: ${oursRate.toFixed(0)} articles/s`);
console.log(`ratio (time per article, ours / rss-parser): ${ratio.toFixed(2)}x (target <= 1.50) ${ratio <= 1.5 ? 'OK' : 'OVER TARGET'}`);
