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
 * dearer verification on positions. Sets with `source:`/`lang:` keys are left to verification.
 */
import type { CompiledRule, Expr } from './compile.js';
import type { PatternTable } from './wildcard.js';

/** What the presearcher looks up: an exact token, a pattern id, or `source:`/`lang:` keys. */
export type Anchor = { readonly key: string; readonly term?: number } | { readonly pattern: number };

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
  return expr.tokens.map((t): Anchor[] => ['exact' in t ? { key: t.exact, term: t.term } : { pattern: t.pattern }]);
}

/** The anchors of an expression, or undefined when it can be true without any positive term. */
export function anchorsOf(expr: Expr, patterns: PatternTable): readonly Anchor[] | undefined {
  switch (expr.kind) {
    case 'text':
      return cheapest(tokenAnchors(expr), patterns);
    case 'source':
    case 'lang':
      return [{ key: `${expr.kind}:${expr.value}` }];
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
    case 'any': {
      const anchors = anchorsOf(expr, patterns);
      return anchors ? [anchors] : [];
    }
    default:
      return [];
  }
}

/**
 * Required sets as the matcher reads them, flat: `[count, length, ...codes, length, ...codes]`,
 * codes being term ids (>= 0) and patterns as -(id + 1). A set with a `source:` or `lang:` key
 * cannot be checked from tokens and is left out (verification does it).
 */
export function encodeRequired(sets: readonly (readonly Anchor[])[]): number[] {
  const out = [0];
  for (const set of sets) {
    const codes: number[] = [];
    for (const a of set) {
      if ('pattern' in a) codes.push(-(a.pattern + 1));
      else if (a.term !== undefined) codes.push(a.term);
    }
    if (codes.length === set.length) {
      out[0] = (out[0] ?? 0) + 1;
      out.push(codes.length, ...codes);
    }
  }
  return out;
}

/** Readable anchors of a rule, for `belwatch rules check`. */
export function describeAnchors(rule: CompiledRule, patterns: PatternTable): string[] {
  return rule.anchors.map((a) => ('key' in a ? a.key : (patterns.patterns[a.pattern]?.text ?? '?')));
}
