import { describe, expect, it } from 'vitest';
import { cutSnippet, mergeSpans } from '../../src/digest/snippet.js';
import { spansOf } from '../fixtures/digest/items.js';

const marked = (s: { text: string; highlights: readonly { start: number; end: number }[] }): string[] => s.highlights.map((h) => s.text.slice(h.start, h.end));

describe('mergeSpans', () => {
  it.each([
    ['sorts and merges overlapping and touching spans', [{ start: 5, end: 8 }, { start: 0, end: 2 }, { start: 2, end: 3 }, { start: 7, end: 10 }], 20, [{ start: 0, end: 3 }, { start: 5, end: 10 }]],
    ['clips to the text and drops empty spans', [{ start: -3, end: 1 }, { start: 4, end: 4 }, { start: 8, end: 99 }], 10, [{ start: 0, end: 1 }, { start: 8, end: 10 }]],
  ])('%s', (_name, spans, len, expected) => {
    expect(mergeSpans(spans, len)).toEqual(expected);
  });
});

describe('cutSnippet', () => {
  it('keeps a short text whole with its highlights', () => {
    const text = 'EU extends sanctions against Minsk';
    const s = cutSnippet(text, spansOf(text, 'sanctions'));
    expect(s).toEqual({ text, highlights: [{ start: 11, end: 20 }], cutStart: false, cutEnd: false });
  });

  it('picks the window holding the most matches, cut on word boundaries', () => {
    const filler = 'lorem ipsum dolor sit amet '.repeat(20);
    const text = `${filler}one sanctions mention. ${filler}integration and sanctions and more sanctions here. ${filler}`;
    const s = cutSnippet(text, spansOf(text, 'sanctions', 'integration'));
    expect(s.text.length).toBeLessThanOrEqual(240);
    expect(marked(s)).toEqual(['integration', 'sanctions', 'sanctions']);
    expect(s.cutStart && s.cutEnd).toBe(true);
    // cut on word boundaries: the snippet starts and ends with whole words of the source
    const words = new Set(text.split(/\s+/));
    const parts = s.text.split(' ');
    expect(words.has(parts[0]!)).toBe(true);
    expect(words.has(parts[parts.length - 1]!)).toBe(true);
  });

  it('collapses whitespace and moves highlights with it', () => {
    const text = 'Talks   on\n\nsanctions\tresumed';
    const s = cutSnippet(text, spansOf(text, 'sanctions'));
    expect(s.text).toBe('Talks on sanctions resumed');
    expect(marked(s)).toEqual(['sanctions']);
  });

  it('clips a span longer than the window and gives the beginning of a text without spans', () => {
    const long = 'x'.repeat(600);
    const s = cutSnippet(long, [{ start: 0, end: 600 }]);
    expect(s.text.length).toBeLessThanOrEqual(240);
    expect(s.highlights).toEqual([{ start: 0, end: s.text.length }]);
    const plain = cutSnippet('word '.repeat(100), []);
    expect(plain.text.startsWith('word word')).toBe(true);
    expect(plain.cutStart).toBe(false);
    expect(plain.cutEnd).toBe(true);
  });

  it('never splits a surrogate pair', () => {
    const text = '😀'.repeat(300);
    const s = cutSnippet(text, [{ start: 300, end: 302 }]);
    expect(s.text).toMatch(/^(?:😀)+$/u);
  });
});
