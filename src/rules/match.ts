/**
 * Matching articles against a compiled rule set.
 *
 * Order: analyse the article's four text fields once (positions of every distinct token); walk its
 * distinct tokens through the presearch index (exact tokens by hash lookup, wildcards through the
 * pattern tries) to collect the candidate rules whose anchors occur, plus the rules anchored on its
 * `source:` and `lang:` keys; then verify only the candidates on positions (`evaluate.ts`). A rule
 * that is not a candidate cannot match, because every rule needs one of its anchors.
 *
 * Results come in the rule set's order, one per matching rule, with highlight spans per field as
 * UTF-16 offsets into the original field text, sorted and merged, and the analysed terms that
 * contributed (for an alias, the spelling that matched), in the order they were found.
 * `matchArticleNaive` tests every rule without the index; it exists as the benchmark's baseline
 * and the tests' oracle, and must always agree with `matchArticle`.
 */
import type { Article, RuleMatch, Span, TextField } from '../types.js';
import { analyzeText } from './analyze.js';
import type { CompiledRule, CompiledRuleSet } from './compile.js';
import { evaluate, FIELD_STRIDE, type AnalyzedArticle, type EvalContext, type Occurrence } from './evaluate.js';
import { TEXT_FIELDS } from './syntax.js';

export type MatchableArticle = Pick<Article, 'title' | 'summary' | 'content' | 'author' | 'sourceId' | 'lang'>;

export function analyzeArticle(article: MatchableArticle): AnalyzedArticle {
  const texts = [article.title, article.summary, article.content, article.author ?? ''];
  const fields = texts.map((t) => analyzeText(t));
  const positions = new Map<string, number[]>();
  fields.forEach((field, f) => {
    const base = f * FIELD_STRIDE;
    field.terms.forEach((term, p) => {
      const list = positions.get(term);
      if (list) list.push(base + p);
      else positions.set(term, [base + p]);
    });
  });
  return { fields, positions, sourceId: article.sourceId, lang: article.lang };
}

/** The presearch keys of an article's source and language (`lang:be-latn` also yields `lang:be`). */
function metaKeys(article: AnalyzedArticle): string[] {
  const keys = [`source:${article.sourceId.toLowerCase()}`];
  const parts = (article.lang ?? '').toLowerCase().split('-');
  for (let i = 1; i <= parts.length && parts[0] !== ''; i++) keys.push(`lang:${parts.slice(0, i).join('-')}`);
  return keys;
}

export function matchArticle(set: CompiledRuleSet, article: MatchableArticle): RuleMatch[] {
  return matchAnalyzed(set, analyzeArticle(article));
}

export function matchAnalyzed(set: CompiledRuleSet, article: AnalyzedArticle): RuleMatch[] {
  const { ctx, candidates } = presearch(set, article);
  const out: RuleMatch[] = [];
  for (const r of candidates) {
    const rule = set.rules[r];
    const m = rule && verifyRule(rule, ctx);
    if (m) out.push(m);
  }
  return out;
}

/** The rules (indexes, in order) that may match `article`, and the context to verify them in. */
export function presearch(set: CompiledRuleSet, article: AnalyzedArticle): { ctx: EvalContext; candidates: number[] } {
  const candidates = new Set<number>();
  const addAll = (list: readonly number[] | undefined): void => {
    if (list) for (const r of list) candidates.add(r);
  };
  const byPattern = new Map<number, string[]>();
  for (const token of article.positions.keys()) {
    addAll(set.byKey.get(token));
    set.patterns.forEachMatch(token, (id) => {
      const tokens = byPattern.get(id);
      if (tokens) tokens.push(token);
      else byPattern.set(id, [token]);
    });
  }
  for (const id of byPattern.keys()) addAll(set.byPattern.get(id));
  for (const key of metaKeys(article)) addAll(set.byKey.get(key));
  const ctx: EvalContext = { article, patterns: set.patterns, tokensMatching: (id) => byPattern.get(id) ?? [] };
  return { ctx, candidates: [...candidates].sort((a, b) => a - b) };
}

/** Tests every rule, resolving wildcards by scanning the article's tokens: the baseline. */
export function matchArticleNaive(set: CompiledRuleSet, article: MatchableArticle): RuleMatch[] {
  const analyzed = analyzeArticle(article);
  const cache = new Map<number, string[]>();
  const ctx: EvalContext = {
    article: analyzed,
    patterns: set.patterns,
    tokensMatching: (id) => {
      let tokens = cache.get(id);
      if (!tokens) {
        tokens = [...analyzed.positions.keys()].filter((t) => set.patterns.test(id, t));
        cache.set(id, tokens);
      }
      return tokens;
    },
  };
  const out: RuleMatch[] = [];
  for (const rule of set.rules) {
    const m = verifyRule(rule, ctx);
    if (m) out.push(m);
  }
  return out;
}

/** Evaluates one rule in a context; the match with its highlights and terms, if it holds. */
export function verifyRule(rule: CompiledRule, ctx: EvalContext): RuleMatch | undefined {
  const occ = evaluate(rule.expr, ctx);
  return occ ? { ruleId: rule.id, highlights: toHighlights(occ, ctx.article), terms: [...new Set(occ.map((o) => o.label))] } : undefined;
}

function toHighlights(occ: readonly Occurrence[], article: AnalyzedArticle): Partial<Record<TextField, readonly Span[]>> {
  const out: Partial<Record<TextField, Span[]>> = {};
  TEXT_FIELDS.forEach((name, f) => {
    const text = article.fields[f];
    if (!text) return;
    const spans = occ
      .filter((o) => o.field === f)
      .map((o) => ({ start: text.starts[o.first] ?? 0, end: text.ends[o.last] ?? 0 }))
      .sort((a, b) => a.start - b.start || a.end - b.end);
    const merged: Span[] = [];
    for (const s of spans) {
      const prev = merged[merged.length - 1];
      if (prev && s.start <= prev.end) merged[merged.length - 1] = { start: prev.start, end: Math.max(prev.end, s.end) };
      else merged.push(s);
    }
    if (merged.length > 0) out[name] = merged;
  });
  return out;
}
