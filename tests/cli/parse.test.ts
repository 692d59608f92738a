import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasStackTrace, runCli } from '../helpers/cli.js';
import { writeConfigDir, type TempConfig } from '../helpers/config-dir.js';

const FEEDS = path.resolve(import.meta.dirname, '../fixtures/feeds');
const PAGES = path.resolve(import.meta.dirname, '../fixtures/pages');
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'belwatch-parse-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('belwatch parse', () => {
  it('--json prints {feed, items} for one file', () => {
    const r = runCli(['parse', '--json', path.join(FEEDS, 'rferl-pangea.xml')]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.feed).toEqual({ title: 'RFE/RL - Belarus', url: 'https://www.rferl.org/z/16264' });
    expect(out.items).toHaveLength(2);
    expect(out.items[0]).toMatchObject({ sourceId: 'file', title: 'Belarusian Opposition Figure Sentenced In Absentia', lang: 'en' });
    expect(r.stdout).toContain('\n  "feed"');
  });

  it('--jsonl prints one line per input, refusals included, and exits 1 if any was refused', () => {
    const html = path.join(tmp, 'page.xml');
    writeFileSync(html, '<html><body>not a feed</body></html>');
    const args = [path.join(FEEDS, 'jamestown-wordpress.xml'), html, path.join(tmp, 'missing.xml'), path.join(FEEDS, 'jsonfeed.json')];
    const r = runCli(['parse', '--jsonl', ...args]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; ok: boolean; error?: string; items?: unknown[] });
    expect(lines.map((l): [string, boolean] => [l.file, l.ok])).toEqual(args.map((a, i) => [a, i === 0 || i === 3]));
    expect(lines[1]!.error).toBe('not-a-feed: an HTML page, not a feed');
    expect(lines[2]!.error).toMatch(/cannot read .*missing\.xml: ENOENT/);
    expect(lines[0]!.items).toHaveLength(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('prints no raw control characters in its human listing, and notes the item cap', () => {
    const name = path.join(tmp, 'esc\u001b[2J.xml');
    const items = Array.from({ length: 501 }, (_, i) => `<item><title>n${i} \u001b[31mred</title><link>https://a.example/${i}</link></item>`).join('');
    writeFileSync(name, `<rss version="2.0"><channel><title>T\u001b]0;pwned\u0007</title>${items}</channel></rss>`);
    const r = runCli(['parse', name]);
    expect(r.code).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(r.stdout).toContain('esc\\x1b[2J.xml: T]0;pwned — 500 items (the newest 500 of 501 listed: maxItemsPerPoll)');
    expect(r.stdout).toContain('  n0 [31mred');
  });

  it('exits 0 when every input parsed', () => {
    const r = runCli(['parse', '--jsonl', path.join(FEEDS, 'ru-koi8r.xml'), path.join(FEEDS, 'atom-xml-base.xml')]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('gets through 2,000 files in one process', () => {
    const files: string[] = [];
    const feed = (i: number) => `<rss version="2.0"><channel><title>F${i}</title><item><title>Item ${i}</title><link>https://a.example/${i}</link></item></channel></rss>`;
    for (let i = 0; i < 2000; i++) {
      const f = path.join(tmp, `f${i}.xml`);
      writeFileSync(f, feed(i));
      files.push(f);
    }
    const started = Date.now();
    const r = runCli(['parse', '--jsonl', ...files]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(2000);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('--source parses a local file as that configured page source', () => {
    let cfg: TempConfig | undefined;
    try {
      cfg = writeConfigDir({
        'sources.yaml': `sources:
  - id: forstrategy
    name: CSFPS
    kind: page
    url: https://forstrategy.org/en/publications
    lang: en
    selectors: { item: ".views-row", link: "a[href]", title: ".views-field-title", date: "time, .views-field-created" }
`,
      });
      const r = runCli(['--config', cfg.dir, 'parse', '--json', '--source', 'forstrategy', path.join(PAGES, 'forstrategy-listing.html')]);
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout);
      expect(out.items[0]).toMatchObject({ sourceId: 'forstrategy', url: 'https://forstrategy.org/en/publications/belarus-china-2025', lang: 'en' });
      const unknown = runCli(['--config', cfg.dir, 'parse', '--source', 'nope', path.join(PAGES, 'forstrategy-listing.html')]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/no source with id "nope"/);
    } finally {
      cfg?.cleanup();
    }
  });

  it('--json with a refused input prints one line on stderr, no stack trace', () => {
    const empty = path.join(tmp, 'empty.xml');
    writeFileSync(empty, '');
    const r = runCli(['parse', '--json', empty]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/not-a-feed: empty body/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('refuses a local file larger than the body cap without reading it', () => {
    const big = path.join(tmp, 'big.xml');
    writeFileSync(big, '');
    truncateSync(big, 5 * 1024 * 1024);
    const r = runCli(['parse', '--jsonl', big]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatch(/5242880 bytes, larger than 4194304 \(maxBodyBytes\)/);
  });

  it('refuses a URL to a private address with the service guard', () => {
    const r = runCli(['parse', '--jsonl', 'http://169.254.169.254/latest/meta-data/']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatch(/^blocked-address: refused to connect to 169\.254\.169\.254/);
  });

  it('rejects --json with several inputs as a usage error', () => {
    const r = runCli(['parse', '--json', path.join(FEEDS, 'ru-koi8r.xml'), path.join(FEEDS, 'ru-koi8r.xml')]);
    expect(r.code).toBe(2);
  });
});
