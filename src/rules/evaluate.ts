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
import type { AnalyzedText } from './analyze.js';
import type { Expr, TokenTest } from './compile.js';
import type { PatternTable } from './wildcard.js';

/** Positions of one token across fields are packed as `field * FIELD_STRIDE + position`. */
export const FIELD_STRIDE = 2 ** 26;

export interface AnalyzedArticle {
  /** Indexed like `TEXT_FIELDS`: title, summary, content, author. */
  readonly fields: readonly AnalyzedText[];
  /** Every distinct token -> its packed positions in all fields. */
  readonly positions: ReadonlyMap<string, readonly number[]>;
  readonly sourceId: string;
  readonly lang: string | null;
}

export interface Occurrence {
  readonly field: number;
  readonly first: number;
  readonly last: number;
  readonly label: string;
}

export interface EvalContext {
  readonly article: AnalyzedArticle;
  readonly patterns: PatternTable;
  /** The article's distinct tokens that pattern `id` matches. */
  tokensMatching(id: number): readonly string[];
}

const NONE: readonly Occurrence[] = [];
const NO_POSITIONS: readonly number[] = [];

function packedPositions(test: TokenTest, ctx: EvalContext): readonly number[] {
  if ('exact' in test) return ctx.article.positions.get(test.exact) ?? NO_POSITIONS;
  const out: number[] = [];
  for (const token of ctx.tokensMatching(test.pattern)) out.push(...(ctx.article.positions.get(token) ?? []));
  return out;
}

function tokenPasses(test: TokenTest, token: string | undefined, patterns: PatternTable): boolean {
  if (token === undefined) return false;
  return 'exact' in test ? test.exact === token : patterns.test(test.pattern, token);
}

function textOccurrences(leaf: Extract<Expr, { kind: 'text' }>, ctx: EvalContext): Occurrence[] {
  const [head, ...rest] = leaf.tokens;
  const out: Occurrence[] = [];
  if (!head) return out;
  for (const packed of packedPositions(head, ctx)) {
    const field = Math.floor(packed / FIELD_STRIDE);
    if ((leaf.fields & (1 << field)) === 0) continue;
    const first = packed - field * FIELD_STRIDE;
    const terms = ctx.article.fields[field]?.terms ?? [];
    if (rest.every((t, k) => tokenPasses(t, terms[first + 1 + k], ctx.patterns))) {
      out.push({ field, first, last: first + rest.length, label: leaf.label });
    }
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
