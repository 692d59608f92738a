/**
 * Durations in configuration: a whole number followed by a unit, `ms`, `s`, `m`, `h` or `d`
 * (`15m`, `90s`, `1d`), or several such parts written together (`1h30m`). Anything else is
 * refused by `parseDuration`, which returns `undefined` so the caller can report where it stood.
 */
const PART = /(\d+)(ms|s|m|h|d)/y;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const m = PART.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN);
  }
  return Number.isFinite(total) ? total : undefined;
}
