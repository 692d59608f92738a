import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { checkRules } from '../../src/rules/check.js';
import { compileRules } from '../../src/rules/compile.js';
import { matchArticle } from '../../src/rules/match.js';

interface Labelled {
  readonly id: string;
  readonly lang: string;
  readonly title: string;
  readonly summary: string;
  readonly themes: readonly string[];
}

const ROOT = path.resolve(import.meta.dirname, '../..');
const SAMPLE: Labelled[] = readFileSync(path.join(ROOT, 'tests/fixtures/labelled/headlines.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Labelled);

describe('default rules on the labelled sample', () => {
  const config = loadConfig(path.join(ROOT, 'config'), { checks: [checkRules] });
  const set = compileRules(config.rules, config.aliases);
  const predicted = new Map(
    SAMPLE.map((item) => {
      const article = { title: item.title, summary: item.summary, content: '', author: null, sourceId: 'sample', lang: item.lang };
      return [item.id, new Set(matchArticle(set, article).map((m) => m.ruleId))];
    }),
  );

  it('has at least 60 headlines with positives and negatives for each theme in EN, RU, BE and Łacinka', () => {
    expect(SAMPLE.length).toBeGreaterThanOrEqual(60);
    expect(new Set(SAMPLE.map((s) => s.id)).size).toBe(SAMPLE.length);
    for (const rule of config.rules) {
      for (const lang of ['en', 'ru', 'be', 'be-Latn']) {
        const inLang = SAMPLE.filter((s) => s.lang === lang);
        expect(inLang.some((s) => s.themes.includes(rule.id)), `${rule.id} positive in ${lang}`).toBe(true);
        expect(inLang.some((s) => !s.themes.includes(rule.id)), `${rule.id} negative in ${lang}`).toBe(true);
      }
    }
  });

  it.each(['lukashenka-putin', 'sanctions', 'integration'])('%s reaches precision and recall of at least 0.95', (theme) => {
    const wrong: string[] = [];
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const item of SAMPLE) {
      const want = item.themes.includes(theme);
      const got = predicted.get(item.id)?.has(theme) === true;
      if (want && got) tp++;
      if (!want && got) fp++;
      if (want && !got) fn++;
      if (want !== got) wrong.push(`${want ? 'missed' : 'false positive'}: ${item.id} ${item.title}`);
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    console.log(`${theme}: ${tp + fn} positives, precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (tp ${tp}, fp ${fp}, fn ${fn})`);
    expect(tp + fn).toBeGreaterThanOrEqual(10);
    expect(precision, wrong.join('\n')).toBeGreaterThanOrEqual(0.95);
    expect(recall, wrong.join('\n')).toBeGreaterThanOrEqual(0.95);
  });

  it('the hard negatives would fool a naive keyword rule', () => {
    const naive = compileRules(
      [
        { id: 'lukashenka-putin', name: 'n', priority: 'normal', query: '@lukashenka AND @putin' },
        { id: 'sanctions', name: 'n', priority: 'normal', query: 'sanction* OR санкц* OR санкцы* OR sankcy*' },
        { id: 'integration', name: 'n', priority: 'normal', query: 'integrat* OR интеграц* OR інтэграц* OR intehrac* OR (union AND belarus*)' },
      ],
      config.aliases,
    );
    for (const theme of ['lukashenka-putin', 'sanctions', 'integration']) {
      const fooled = SAMPLE.filter((item) => {
        const article = { title: item.title, summary: item.summary, content: '', author: null, sourceId: 's', lang: item.lang };
        return !item.themes.includes(theme) && matchArticle(naive, article).some((m) => m.ruleId === theme);
      });
      expect(fooled.length, theme).toBeGreaterThanOrEqual(4);
    }
  });
});
