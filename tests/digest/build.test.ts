import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../src/digest/build.js';
import { makeDigestId } from '../../src/digest/model.js';
import { ITEMS, sampleInput } from '../fixtures/digest/items.js';

describe('buildDigest', () => {
  const digest = buildDigest(sampleInput());

  it('derives a deterministic, file-name-safe id from subscription and window end', () => {
    expect(digest.id).toBe('daily-2026-11-27T05-00-00Z');
    expect(makeDigestId('daily', '2026-11-27T05:00:00.250Z', 'alert')).toBe('daily-alert-2026-11-27T05-00-00-250Z');
    expect(buildDigest(sampleInput({ items: [...ITEMS].reverse() }))).toEqual(digest);
  });

  it('groups by rule in the given order, newest first, one entry per story', () => {
    expect(digest.groups.map((g) => g.ruleId)).toEqual(['sanctions', 'integration']);
    const sanctions = digest.groups[0]!.entries;
    expect(sanctions.map((e) => e.articleId)).toEqual(['evil1', 'a3', 'a1', 'evil2']);
    const integration = digest.groups[1]!.entries;
    expect(integration.map((e) => e.articleId)).toEqual(['a3', 'a2']);
    expect(digest.counts).toEqual([
      { ruleId: 'sanctions', ruleName: 'Sanctions', count: 4 },
      { ruleId: 'integration', ruleName: 'Integration', count: 2 },
    ]);
    // a3 is under both themes but one story
    expect(digest.total).toBe(5);
  });

  it('keeps the earliest copy of a cluster and lists the others as also reported by', () => {
    const entry = digest.groups[0]!.entries.find((e) => e.articleId === 'a1')!;
    expect(entry.outlet).toEqual({ sourceId: 'belta', name: 'BelTA' });
    expect(entry.alsoReportedBy.map((a) => [a.outlet.name, a.url])).toEqual([
      ['RFE/RL Belarus Service', 'https://rferl.example.org/eu-sanctions'],
      ['Zerkalo', 'https://zerkalo.example.org/a1-copy'],
    ]);
  });

  it('drops URLs that are not http(s)', () => {
    const entries = digest.groups[0]!.entries;
    expect(entries.find((e) => e.articleId === 'evil1')!.url).toBeNull();
    expect(entries.find((e) => e.articleId === 'evil2')!.url).toBeNull();
  });

  it('cuts snippets around the rule’s own matches, from summary or content', () => {
    const integration = digest.groups[1]!.entries.find((e) => e.articleId === 'a2')!;
    const s = integration.snippet;
    expect(s.text.length).toBeLessThanOrEqual(240);
    expect(s.highlights.map((h) => s.text.slice(h.start, h.end))).toEqual(['integration', 'Union State', 'integration']);
    expect(s.cutStart).toBe(true);
    const a3 = digest.groups[1]!.entries.find((e) => e.articleId === 'a3')!;
    expect(a3.snippet.highlights.map((h) => a3.snippet.text.slice(h.start, h.end))).toEqual(['integration']);
    expect(a3.titleHighlights.map((h) => a3.title.slice(h.start, h.end))).toEqual(['integration']);
  });

  it('is JSON-serialisable without loss and names unknown rules and sources by id', () => {
    expect(JSON.parse(JSON.stringify(digest))).toEqual(digest);
    const d = buildDigest(sampleInput({ rules: [], sources: {} }));
    expect(d.groups.map((g) => [g.ruleId, g.ruleName])).toEqual([
      ['integration', 'integration'],
      ['sanctions', 'sanctions'],
    ]);
    expect(d.groups[0]!.entries[0]!.outlet.name).toBe('nasha');
  });

  it('builds an empty digest for an empty window', () => {
    const d = buildDigest(sampleInput({ items: [] }));
    expect(d.total).toBe(0);
    expect(d.groups).toEqual([]);
  });
});
