/**
 * Watch rules for load: the shipped default rules plus `n` generated ones written over the feed
 * farm's own filler vocabulary (so they really select and verify candidates), mixing terms,
 * wildcards, phrases, NEAR and NOT as analysts write them.
 */
import { DEFAULT_RULES } from './world.js';
import { fillerWords } from './feed-farm.js';

export function withGeneratedRules(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const [a, b, c, d] = fillerWords(i, 7, 4).split(' ') as [string, string, string, string];
    const stem = b.slice(0, -1); // ministry12* : ministry12, ministry120-129
    const query = [`${a} AND ${stem}*`, `"${a} ${b}" OR ${c}`, `${a} NEAR/5 ${c} NOT ${d}`, `(${a} OR ${b}) AND NOT ${d}`][i % 4];
    lines.push(`  - { id: gen-${i}, name: Generated ${i}, query: '${query}' }`);
  }
  return `${DEFAULT_RULES.trimEnd()}\n${lines.join('\n')}\n`;
}
