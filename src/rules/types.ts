/**
 * The rule engine's shared types: the compiled expression tree (`Expr`) and its token tests, a
 * compiled rule and rule set, the analysed article the matcher reads and the evaluation context.
 * Plain types (and one constant) only: every rules module imports from here, and this module
 * imports nothing but leaf modules (`analyze.ts`, `syntax.ts`, `wildcard.ts`), so the compiler,
 * evaluator, anchors and presearcher need not import each other for their shapes.
 */
import type { RuleConfig } from '../config/types.js';
import type { AnalyzedText } from './analyze.js';
import type { QueryNode } from './syntax.js';
import type { PatternTable } from './wildcard.js';

/** A bit per entry of `TEXT_FIELDS`; unscoped leaves search title, summary and content. */
export type FieldMask = number;
export const DEFAULT_FIELDS: FieldMask = 0b0111;

/**
 * One token of a term or phrase: an exact analysed token with its dense id in the rule set (the
 * matcher keeps per-article positions in arrays indexed by it, so verifying a rule needs no hash
 * lookup), or a wildcard pattern's id.
 */
export type TokenTest = { readonly exact: string; readonly term: number } | { readonly pattern: number };

export type Expr =
  | { readonly kind: 'text'; readonly fields: FieldMask; readonly tokens: readonly TokenTest[]; readonly label: string }
  | { readonly kind: 'any'; readonly children: readonly Expr[] }
  /** `check` is `children` with the cheapest-anchored operand last: the presearcher found that one
   *  already, so a true/false check fails fastest by testing the others first. */
  | { readonly kind: 'all'; readonly children: readonly Expr[]; readonly check: readonly Expr[] }
  | { readonly kind: 'not'; readonly child: Expr }
  | { readonly kind: 'near'; readonly distance: number; readonly ordered: boolean; readonly left: Expr; readonly right: Expr }
  /** `term` is the id of the presearch key (`metaKey`), which the matcher marks present from the article's metadata. */
  | { readonly kind: 'source' | 'lang'; readonly value: string; readonly term: number };

export type Anchor = { readonly key: string; readonly term: number; readonly fields: FieldMask } | { readonly pattern: number; readonly fields: FieldMask };

export interface AnalyzedArticle {
  /** Indexed like `TEXT_FIELDS`: title, summary, content, author. */
  readonly fields: readonly AnalyzedText[];
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
  /** The packed positions of an exact token in the article, if it occurs. */
  exact(test: Extract<TokenTest, { exact: string }>): readonly number[] | undefined;
  /** The packed positions of each distinct article token that pattern `id` matches. */
  matching(id: number): readonly (readonly number[])[];
  /** The fields an exact token occurs in, a bit per field (0 when it does not occur). */
  exactFields(test: Extract<TokenTest, { exact: string }>): number;
  /** The fields some token that pattern `id` matches occurs in. */
  matchingFields(id: number): number;
}

/** Whether an `Expr` holds for an article, compiled (see `compileCheck` in `evaluate.ts`). */
export type Check = (ctx: EvalContext) => boolean;

export interface CompiledRule {
  readonly id: string;
  readonly name: string;
  readonly priority: RuleConfig['priority'];
  readonly query: string;
  readonly tree: QueryNode;
  readonly expr: Expr;
  /** Whether `expr` holds, compiled (see `compileCheck`). */
  readonly check: Check;
  readonly anchors: readonly Anchor[];
  /** Further sets of which one member must occur, encoded by `encodeRequired`. */
  readonly required: readonly number[];
  /** Whether the required sets having members decides the rule (`requiredSetsDecide`). */
  readonly decidedByRequired: boolean;
}

export interface CompiledRuleSet {
  readonly rules: readonly CompiledRule[];
  readonly patterns: PatternTable;
  /** Exact token, `source:ID` or `lang:CODE` -> indexes into `rules`. */
  readonly byKey: ReadonlyMap<string, readonly number[]>;
  /** Pattern id -> indexes into `rules` anchored on it. */
  readonly byPattern: ReadonlyMap<number, readonly number[]>;
  /** Every rule's `required`, concatenated in one array (rule i's starts at `requiredStart[i]`) for locality. */
  readonly required: Int32Array;
  readonly requiredStart: Int32Array;
  /** Every exact token any rule tests, and every `source:`/`lang:` key, -> its id: other tokens of an article need no positions. */
  readonly terms: ReadonlyMap<string, number>;
}
