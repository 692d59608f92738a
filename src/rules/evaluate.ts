/**
 * Verifies one compiled rule against one analysed article, on token positions, and says why it
 * matched: every occurrence (field, first and last token) of the positive leaves that made it true.
 *
 * Evaluation: a term matches a token equal to it (a pattern: a token the pattern matches); a
 * phrase matches consecutive tokens of one field; NEAR/n pairs an occurrence of each side in the
 * same field, not overlapping, with at most n tokens between the nearer ends (ONEAR: left side
 * first); NOT is true when its operand has no occurrence, and contributes no highlight; AND needs
 * every operand, OR at least one, and both report the occurrences of every operand that matched.
 * `source:ID` compares the article's source id; `lang:CODE` accepts the language CODE and any
 * subtag of it (`lang:be` matches `be` and `be-Latn`; `lang:be-latn` only `be-Latn`), ignoring case.
 */
import type { PatternTable } from './wildcard.js';
import type { Check, EvalContext, Expr, Occurrence, TokenTest } from './types.js';

/** Positions of one token across fields are packed as `field * FIELD_STRIDE + position`. */
export const FIELD_STRIDE = 2 ** 26;




/** The fields (a bit each) of a list of packed positions. */
export function fieldsOfPositions(list: readonly number[] | undefined): number {
  let fields = 0;
  for (const packed of list ?? []) fields |= 1 << Math.floor(packed / FIELD_STRIDE);
  return fields;
}

const NONE: readonly Occurrence[] = [];
const NO_POSITIONS: readonly number[] = [];

function packedPositions(test: TokenTest, ctx: EvalContext): readonly number[] {
  if ('exact' in test) return ctx.exact(test) ?? NO_POSITIONS;
  const lists = ctx.matching(test.pattern);
  return lists.length === 1 ? (lists[0] ?? NO_POSITIONS) : lists.flat();
}

function tokenPasses(test: TokenTest | undefined, token: string | undefined, patterns: PatternTable): boolean {
  if (test === undefined || token === undefined) return false;
  return 'exact' in test ? test.exact === token : patterns.test(test.pattern, token);
}

/** The occurrences of a term or phrase; with `firstOnly`, at most one (for a true/false check). */
function textOccurrences(leaf: Extract<Expr, { kind: 'text' }>, ctx: EvalContext, firstOnly = false): Occurrence[] {
  const { tokens } = leaf;
  const out: Occurrence[] = [];
  const head = tokens[0];
  if (!head) return out;
  for (const packed of packedPositions(head, ctx)) {
    const field = Math.floor(packed / FIELD_STRIDE);
    if ((leaf.fields & (1 << field)) === 0) continue;
    const first = packed - field * FIELD_STRIDE;
    const terms = ctx.article.fields[field]?.terms ?? [];
    let k = 1;
    while (k < tokens.length && tokenPasses(tokens[k], terms[first + k], ctx.patterns)) k++;
    if (k < tokens.length) continue;
    out.push({ field, first, last: first + tokens.length - 1, label: leaf.label });
    if (firstOnly) break;
  }
  return out;
}

function gapBefore(a: Occurrence, b: Occurrence): number {
  return a.field === b.field && a.last < b.first ? b.first - a.last - 1 : Infinity;
}

function nearOccurrences(expr: Extract<Expr, { kind: 'near' }>, ctx: EvalContext): Occurrence[] | null {
  const left = evaluate(expr.left, ctx);
  const right = left && evaluate(expr.right, ctx);
  if (!left || !right) return null;
  const used = new Set<Occurrence>();
  for (const a of left) {
    for (const b of right) {
      if (gapBefore(a, b) <= expr.distance || (!expr.ordered && gapBefore(b, a) <= expr.distance)) {
        used.add(a);
        used.add(b);
      }
    }
  }
  return used.size > 0 ? [...used] : null;
}


/**
 * Compiles `expr` into a function that says whether it is true, without collecting occurrences:
 * the cheap first pass over candidates, so only rules that match pay for their highlights. A tree
 * of closures, each specialised to its node, is several times faster than interpreting the tree.
 */
export function compileCheck(expr: Expr): Check {
  switch (expr.kind) {
    case 'text': {
      const { fields, tokens } = expr;
      const head = tokens[0];
      if (head && tokens.length === 1) {
        if ('exact' in head) return (ctx) => (ctx.exactFields(head) & fields) !== 0;
        const id = head.pattern;
        return (ctx) => (ctx.matchingFields(id) & fields) !== 0;
      }
      return (ctx) => textOccurrences(expr, ctx, true).length > 0;
    }
    case 'all': {
      const parts = expr.check.map(compileCheck);
      const [a, b] = parts;
      if (parts.length === 2 && a && b) return (ctx) => a(ctx) && b(ctx);
      return (ctx) => parts.every((p) => p(ctx));
    }
    case 'any': {
      const parts = expr.children.map(compileCheck);
      const [a, b] = parts;
      if (parts.length === 2 && a && b) return (ctx) => a(ctx) || b(ctx);
      return (ctx) => parts.some((p) => p(ctx));
    }
    case 'not': {
      const child = compileCheck(expr.child);
      return (ctx) => !child(ctx);
    }
    default:
      return (ctx) => evaluate(expr, ctx) !== null;
  }
}

/** The occurrences that make `expr` true (empty for NOT, source, lang), or null when it is false. */
export function evaluate(expr: Expr, ctx: EvalContext): readonly Occurrence[] | null {
  switch (expr.kind) {
    case 'text': {
      const occ = textOccurrences(expr, ctx);
      return occ.length > 0 ? occ : null;
    }
    case 'all': {
      const out: Occurrence[] = [];
      for (const child of expr.children) {
        const occ = evaluate(child, ctx);
        if (!occ) return null;
        out.push(...occ);
      }
      return out;
    }
    case 'any': {
      let out: Occurrence[] | null = null;
      for (const child of expr.children) {
        const occ = evaluate(child, ctx);
        if (occ) (out ??= []).push(...occ);
      }
      return out;
    }
    case 'not':
      return evaluate(expr.child, ctx) ? null : NONE;
    case 'near':
      return nearOccurrences(expr, ctx);
    case 'source':
      return ctx.article.sourceId.toLowerCase() === expr.value ? NONE : null;
    case 'lang': {
      const lang = ctx.article.lang?.toLowerCase() ?? '';
      return lang === expr.value || lang.startsWith(`${expr.value}-`) ? NONE : null;
    }
  }
}
