/**
 * Matching articles against a compiled rule set: `presearch` (presearch.ts) selects the candidate
 * rules and records positions; only candidates are verified on positions (`evaluate.ts`), first
 * with a compiled true/false check, then collecting highlights for the rules that hold. A rule
 * that is not a candidate cannot match: every rule needs one of its anchors.
 *
 * Results come in the rule set's order, one per matching rule, with highlight spans per field as
 * UTF-16 offsets into the original field text, sorted and merged, and the analysed terms that
 * contributed (for an alias, the spelling that matched), in the order they were found.
 * `matchArticleNaive` tests every rule without the index; it exists as the benchmark's baseline
 * and the tests' oracle, and must always agree with `matchArticle`.
 */
import type { RuleMatch, Span, TextField } from '../types.js';
import { evaluate, FIELD_STRIDE, fieldsOfPositions } from './evaluate.js';
import type { AnalyzedArticle, CompiledRule, CompiledRuleSet, EvalContext, Occurrence } from './types.js';
import { analyzeFields, presearch, type MatchableArticle } from './presearch.js';
import { TEXT_FIELDS } from './syntax.js';

export { presearch, type MatchableArticle } from './presearch.js';

/** The full analysis: positions of every distinct token (for the naive baseline). */
export function analyzeArticle(article: MatchableArticle): AnalyzedArticle & { readonly positions: ReadonlyMap<string, number[]> } {
  const fields = analyzeFields(article);
  const positions = new Map<string, number[]>();
  fields.forEach((field, f) => {
    field.terms.forEach((term, p) => {
      const list = positions.get(term);
      if (list) list.push(f * FIELD_STRIDE + p);
      else positions.set(term, [f * FIELD_STRIDE + p]);
    });
  });
  return { fields, positions, sourceId: article.sourceId, lang: article.lang };
}

export function matchArticle(set: CompiledRuleSet, article: MatchableArticle): RuleMatch[] {
  const { ctx, candidates } = presearch(set, article);
  const found: { index: number; match: RuleMatch }[] = [];
  for (const index of candidates) {
    const rule = set.rules[index];
    // Presearch has checked every candidate's required sets; where they decide the rule, only the occurrences are left to find.
    const match = rule && verifyRule(rule, ctx, rule.decidedByRequired);
    if (match) found.push({ index, match });
  }
  // Sorting the few matches, not the many candidates, restores the rule set's order.
  return found.sort((a, b) => a.index - b.index).map((f) => f.match);
}

/** Tests every rule, resolving wildcards by scanning the article's tokens: the baseline. */
export function matchArticleNaive(set: CompiledRuleSet, article: MatchableArticle): RuleMatch[] {
  const analyzed = analyzeArticle(article);
  const cache = new Map<number, number[][]>();
  const ctx: EvalContext = {
    article: analyzed,
    patterns: set.patterns,
    exact: (test) => analyzed.positions.get(test.exact),
    matching: (id) => {
      let lists = cache.get(id);
      if (!lists) {
        lists = [];
        for (const [token, list] of analyzed.positions) if (set.patterns.test(id, token)) lists.push(list);
        cache.set(id, lists);
      }
      return lists;
    },
    exactFields: (test) => fieldsOfPositions(analyzed.positions.get(test.exact)),
    matchingFields: (id) => ctx.matching(id).reduce((fields, list) => fields | fieldsOfPositions(list), 0),
  };
  const out: RuleMatch[] = [];
  for (const rule of set.rules) {
    const m = verifyRule(rule, ctx);
    if (m) out.push(m);
  }
  return out;
}

/**
 * Evaluates one rule in a context; the match with its highlights and terms, if it holds. The
 * compiled check runs first, so a rule that does not hold costs no occurrences, unless the caller
 * knows the rule holds already (`skipCheck`); the occurrences decide either way.
 */
export function verifyRule(rule: CompiledRule, ctx: EvalContext, skipCheck = false): RuleMatch | undefined {
  if (!skipCheck && !rule.check(ctx)) return undefined;
  const occ = evaluate(rule.expr, ctx);
  if (!occ) return undefined;
  return { ruleId: rule.id, highlights: toHighlights(occ, ctx.article), terms: labelsOf(occ) };
}

/** The distinct labels of `occ`, in order of appearance (there are few: one per leaf that matched). */
function labelsOf(occ: readonly Occurrence[]): string[] {
  const out: string[] = [];
  for (const o of occ) if (!out.includes(o.label)) out.push(o.label);
  return out;
}

/** Spans per field, in `TEXT_FIELDS` order, each field's sorted by start then end and overlapping ones merged. */
function toHighlights(occ: readonly Occurrence[], article: AnalyzedArticle): Partial<Record<TextField, readonly Span[]>> {
  const spans = occ.map((o) => {
    const text = article.fields[o.field];
    return { field: o.field, start: text?.starts[o.first] ?? 0, end: text?.ends[o.last] ?? 0 };
  });
  spans.sort((a, b) => a.field - b.field || a.start - b.start || a.end - b.end);
  const out: Partial<Record<TextField, Span[]>> = {};
  let merged: Span[] = [];
  let field = -1;
  for (const s of spans) {
    if (s.field !== field) {
      field = s.field;
      merged = [];
      const name = TEXT_FIELDS[field];
      if (name) out[name] = merged;
    }
    const prev = merged[merged.length - 1];
    if (prev && s.start <= prev.end) merged[merged.length - 1] = { start: prev.start, end: Math.max(prev.end, s.end) };
    else merged.push({ start: s.start, end: s.end });
  }
  return out;
}
