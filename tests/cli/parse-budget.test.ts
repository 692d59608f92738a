/**
 * `belwatch parse` (the built CLI, dist/) parses in the parse pool with the configuration's
 * `parse` settings: a document over `parse.cpuBudget` is refused as `parse-timeout`, the inputs
 * after it still parse, and the process exits at once when done (no worker thread holds it).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasStackTrace, runCli } from '../helpers/cli.js';
import { writeConfigDir } from '../helpers/config-dir.js';
import { rssFeed } from '../helpers/fixture-server.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'belwatch-parse-budget-'));
const config = writeConfigDir({
  'sources.yaml': 'sources:\n  - { id: outlet, name: Outlet, kind: feed, url: "https://outlet.example/feed", lang: en }\n',
  'settings.yaml': 'parse:\n  cpuBudget: 100ms\n  workers: 1\n',
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  config.cleanup();
});

const feed = (n: number): string =>
  rssFeed('Outlet', 'https://outlet.example/', Array.from({ length: n }, (_, i) => ({ title: `Story ${i}`, link: `https://outlet.example/${i}`, description: `Text of story ${i}. `.repeat(10), pubDate: new Date(Date.UTC(2026, 11, 4, 8, i % 600)).toUTCString() })));

describe('belwatch parse with a CPU budget', () => {
  it('refuses a document over parse.cpuBudget as parse-timeout, parses the next one, and exits promptly', () => {
    const big = path.join(dir, 'big.xml');
    const small = path.join(dir, 'small.xml');
    writeFileSync(big, feed(5000)); // 3.6 MB, some 400 ms of CPU on a quiet machine
    writeFileSync(small, feed(2));
    const started = Date.now();
    const r = runCli(['parse', '--config', config.dir, '--source', 'outlet', '--jsonl', big, small]);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; ok: boolean; error?: string; items?: unknown[] });
    expect(r.code).toBe(1);
    expect(lines[0]?.ok).toBe(false);
    expect(lines[0]?.error).toMatch(/^parse-timeout: document refused: parsing (used|took) .*over .*0\.10 s budget \(parse\.cpuBudget\)/);
    expect(lines[1]?.ok).toBe(true);
    expect(lines[1]?.items).toHaveLength(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
