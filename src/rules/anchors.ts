/**
 * Required terms of a compiled query, for the presearcher (Lucene Monitor / Luwak).
 *
 * `anchorsOf` gives one set of anchors of which at least one occurs in every article the query
 * matches: a term or phrase is anchored by one of its tokens (an exact one, the longest, if it has
 * any); OR needs every branch anchored and unites them; AND and NEAR take their cheapest anchored
 * operand (exact tokens over wildcards, longer over shorter, `source:`/`lang:` last); NOT anchors
 * nothing, so a query whose root has no anchors can match without any positive term.
 *
 * `requiredSets` gives every such set it can find (each token of a phrase, each operand of AND and
 * NEAR): the rule is indexed under its anchors, and the matcher drops a candidate as soon as one
 * of the other sets has no member in the article (Luwak's multipass presearcher), before the
 * dearer verification on positions. A token counts as a member only when it occurs in one of the
 * fields its leaf searches (`title:putin` needs putin in the title); a `source:`/`lang:` key counts
 * when the article's source or language yields it.
 */
import type { Anchor, CompiledRule, Expr, FieldMask } from './types.js';
import type { PatternTable } from './wildcard.js';

/**
 * What the presearcher looks up: an exact token, a pattern id, or a `source:`/`lang:` key, each
 * with the fields it must occur in to count (a key counts in every field).
 */

const ALL_FIELDS: FieldMask = 0b1111;

function anchorCost(a: Anchor, patterns: PatternTable): number {
  if ('pattern' in a) return 3 + 4 / Math.max(1, (patterns.patterns[a.pattern]?.text.length ?? 1) - 1);
  if (a.key.startsWith('source:') || a.key.startsWith('lang:')) return 50;
  return 1 + 2 / a.key.length;
}

function setCost(anchors: readonly Anchor[], patterns: PatternTable): number {
  return anchors.reduce((sum, a) => sum + anchorCost(a, patterns), 0);
}

export function cheapest(options: readonly (readonly Anchor[] | undefined)[], patterns: PatternTable): readonly Anchor[] | undefined {
  let best: readonly Anchor[] | undefined;
  for (const o of options) if (o && (!best || setCost(o, patterns) < setCost(best, patterns))) best = o;
  return best;
}

function tokenAnchors(expr: Extract<Expr, { kind: 'text' }>): Anchor[][] {
  const { fields } = expr;
  return expr.tokens.map((t): Anchor[] => ['exact' in t ? { key: t.exact, term: t.term, fields } : { pattern: t.pattern, fields }]);
}

/** The anchors of an expression, or undefined when it can be true without any positive term. */
export function anchorsOf(expr: Expr, patterns: PatternTable): readonly Anchor[] | undefined {
  switch (expr.kind) {
    case 'text':
      return cheapest(tokenAnchors(expr), patterns);
    case 'source':
    case 'lang':
      return [{ key: metaKey(expr.kind, expr.value), term: expr.term, fields: ALL_FIELDS }];
    case 'not':
      return undefined;
    case 'any': {
      const all = expr.children.map((c) => anchorsOf(c, patterns));
      return all.every((a) => a !== undefined) ? all.flat() : undefined;
    }
    case 'all':
      return cheapest(expr.children.map((c) => anchorsOf(c, patterns)), patterns);
    case 'near':
      return cheapest([anchorsOf(expr.left, patterns), anchorsOf(expr.right, patterns)], patterns);
  }
}

/** Every set of anchors of which one member must occur for `expr` to hold. */
export function requiredSets(expr: Expr, patterns: PatternTable): (readonly Anchor[])[] {
  switch (expr.kind) {
    case 'text':
      return tokenAnchors(expr);
    case 'all':
      return expr.children.flatMap((c) => requiredSets(c, patterns));
    case 'near':
      return [...requiredSets(expr.left, patterns), ...requiredSets(expr.right, patterns)];
    case 'any':
    case 'source':
    case 'lang': {
      const anchors = anchorsOf(expr, patterns);
      return anchors ? [anchors] : [];
    }
    case 'not':
      return [];
  }
}

/** Whether `expr` is one token or key, or an OR of such: its one required set holds exactly when it does. */
function isLiteral(expr: Expr): boolean {
  if (expr.kind === 'any') return expr.children.every(isLiteral);
  return (expr.kind === 'text' && expr.tokens.length === 1) || expr.kind === 'source' || expr.kind === 'lang';
}

/**
 * Whether `requiredSets(expr)` having members in the fields they name is not only necessary but
 * also sufficient for `expr` to hold: an AND of literals (tokens, keys, ORs of them), without
 * phrases, NEAR or NOT. Such a rule, once the presearcher has checked its sets, needs no separate
 * true/false check before its occurrences are collected.
 */
export function requiredSetsDecide(expr: Expr): boolean {
  return expr.kind === 'all' ? expr.children.every(requiredSetsDecide) : isLiteral(expr);
}

/** The presearch key of `source:ID` or `lang:CODE`, as the matcher derives it from an article. */
export function metaKey(kind: 'source' | 'lang', value: string): string {
  return `${kind}:${value}`;
}

/** The presearch code of an anchor: its term id (>= 0), or -(id + 1) for a pattern. */
function codeOf(a: Anchor): number {
  return 'pattern' in a ? -(a.pattern + 1) : a.term;
}

/**
 * Required sets as the matcher reads them, flat: `[count, length, code, fields, code, fields, ...,
 * length, ...]`, `length` counting the (code, fields) pairs of one set, codes as `codeOf` gives
 * them (a `source:`/`lang:` key has a term id too). Sets that contain none of the rule's `anchors`
 * come first: a candidate was selected by an anchor, so those are the ones that can still fail.
 */
export function encodeRequired(sets: readonly (readonly Anchor[])[], anchors: readonly Anchor[]): number[] {
  const anchorCodes = new Set(anchors.map(codeOf));
  const hasAnchor = (set: readonly Anchor[]): number => (set.some((a) => anchorCodes.has(codeOf(a))) ? 1 : 0);
  const out = [sets.length];
  for (const set of [...sets].sort((a, b) => hasAnchor(a) - hasAnchor(b))) {
    out.push(set.length);
    for (const a of set) out.push(codeOf(a), a.fields);
  }
  return out;
}

/** Readable anchors of a rule, for `belwatch rules check`. */
export function describeAnchors(rule: CompiledRule, patterns: PatternTable): string[] {
  return rule.anchors.map((a) => ('key' in a ? a.key : (patterns.patterns[a.pattern]?.text ?? '?')));
}
