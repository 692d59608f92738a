import { describe, expect, it } from 'vitest';
import { printable } from '../../src/cli/printable.js';

describe('printable', () => {
  it.each([
    ['an ANSI colour', 'a\u001b[31mred', 'a\\x1b[31mred'],
    ['an OSC title with BEL', '\u001b]0;x\u0007', '\\x1b]0;x\\x07'],
    ['a carriage return and C1 CSI', 'ok\rfake \u009b2J', 'ok\\x0dfake \\x9b2J'],
    ['bidi overrides and the Arabic letter mark', 'x\u202eevil\u061c', 'x\\u{202e}evil\\u{61c}'],
    ['line and paragraph separators', 'a\u2028b', 'a\\u{2028}b'],
  ])('shows %s as escapes', (_label, raw, shown) => {
    expect(printable(raw)).toBe(shown);
  });

  it('keeps line feeds, tabs, ZWNJ, ZWJ and ordinary text', () => {
    const text = 'Лукашэнка\tMinsk\n\u0645\u06cc\u200c\u062e \u{1f468}\u200d\u{1f469} 東京';
    expect(printable(text)).toBe(text);
  });
});
