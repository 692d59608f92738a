/**
 * Explanations for analysts (`belwatch rules explain`): the parse tree as written, the compiled
 * tree with each node marked by whether it holds on the given article and what its leaves found,
 * the rule's anchors, and the article's fields with the matched spans in [[double brackets]].
 * Spellings of an alias that fold to one pattern (`Lukashenk*`, `Лукашенк*`, `Лукашэнк*` are all
 * `lukashenk*`) are one line in an OR: the evaluation is the same for each, so repeating it says nothing.
 * Pure: takes values, returns text.
 */
import type { RuleMatch, TextField } from '../types.js';
import { describeAnchors } from './anchors.js';
import { evaluate } from './evaluate.js';
import { DEFAULT_FIELDS, type CompiledRule, type CompiledRuleSet, type EvalContext, type Expr } from './types.js';
import { verifyRule, type MatchableArticle } from './match.js';
import { presearch } from './presearch.js';
import { formatTree, TEXT_FIELDS } from './syntax.js';

function fieldNames(mask: number): string {
  if (mask === DEFAULT_FIELDS) return '';
  return `${TEXT_FIELDS.filter((_, i) => (mask & (1 << i)) !== 0).join('|')}:`;
}

function describeExpr(expr: Expr, set: CompiledRuleSet): string {
  switch (expr.kind) {
    case 'text': {
      const text = expr.tokens.map((t) => ('exact' in t ? t.exact : (set.patterns.patterns[t.pattern]?.text ?? '?'))).join(' ');
      return `${fieldNames(expr.fields)}${expr.tokens.length > 1 ? `"${text}"` : text}`;
    }
    case 'source':
    case 'lang':
      return `${expr.kind}:${expr.value}`;
    case 'any':
      return 'OR';
    case 'all':
      return 'AND';
    case 'not':
      return 'NOT';
    case 'near':
      return `${expr.ordered ? 'ONEAR' : 'NEAR'}/${expr.distance}`;
  }
}

function children(expr: Expr): readonly Expr[] {
  switch (expr.kind) {
    case 'any':
    case 'all':
      return expr.children;
    case 'not':
      return [expr.child];
    case 'near':
      return [expr.left, expr.right];
    default:
      return [];
  }
}

/** The children to show: in an OR, a term or phrase that reads the same as an earlier sibling is left out. */
function shownChildren(expr: Expr, set: CompiledRuleSet): readonly Expr[] {
  if (expr.kind !== 'any') return children(expr);
  const seen = new Set<string>();
  return expr.children.filter((c) => {
    if (c.kind !== 'text') return true;
    const key = describeExpr(c, set);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function explainExpr(expr: Expr, set: CompiledRuleSet, ctx: EvalContext, indent: string): string {
  const occ = evaluate(expr, ctx);
  let found = '';
  if (expr.kind === 'text' && occ) {
    const texts = occ.map((o) => {
      const field = ctx.article.fields[o.field];
      return `${TEXT_FIELDS[o.field] ?? '?'}@${field?.starts[o.first] ?? 0}-${field?.ends[o.last] ?? 0}`;
    });
    found = `  found at ${texts.join(', ')}`;
  }
  const line = `${indent}[${occ ? 'yes' : 'no '}] ${describeExpr(expr, set)}${found}\n`;
  return line + shownChildren(expr, set).map((c) => explainExpr(c, set, ctx, `${indent}  `)).join('');
}

function markSpans(text: string, spans: RuleMatch['highlights'][TextField]): string {
  let out = '';
  let at = 0;
  for (const s of spans ?? []) {
    out += `${text.slice(at, s.start)}[[${text.slice(s.start, s.end)}]]`;
    at = s.end;
  }
  return out + text.slice(at);
}

export function explainRule(set: CompiledRuleSet, rule: CompiledRule, article: MatchableArticle): string {
  const { ctx } = presearch(set, article);
  const m = verifyRule(rule, ctx);
  const verdict = m ? 'MATCHES' : 'does not match';
  let out = `rule ${rule.id}: ${rule.query.replace(/\s+/g, ' ').trim()}\n\nparse tree:\n${formatTree(rule.tree, '  ')}`;
  out += `\nrequires one of: ${describeAnchors(rule, set.patterns).join(', ')}\n`;
  out += `\nevaluation:\n${explainExpr(rule.expr, set, ctx, '  ')}\nresult: ${verdict}\n`;
  if (m) {
    out += `terms: ${m.terms.join(', ')}\n`;
    const texts: Record<TextField, string> = { title: article.title, summary: article.summary, content: article.content, author: article.author ?? '' };
    for (const field of TEXT_FIELDS) if (m.highlights[field]) out += `${field}: ${markSpans(texts[field], m.highlights[field])}\n`;
  }
  return out;
}
