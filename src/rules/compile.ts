/**
 * Compiles watch rules, once per config load, into a `CompiledRuleSet`: each query parsed, its
 * aliases resolved, its words analysed into exact tokens and wildcard patterns, field prefixes
 * pushed down to the leaves, and the rule indexed for the presearcher by the terms it requires;
 * the presearcher's token index (`token-index.ts`) is built with the set, not on its first article.
 *
 * Required terms (the Luwak idea, see `anchors.ts`): a rule is indexed by its anchors, one of which
 * must occur in any article it matches, and keeps further required sets that the matcher checks
 * before verifying. A query whose root has no anchors could match an article without any positive
 * term (`NOT iran`, `NOT a OR b`) and is refused.
 *
 * `findRuleProblems` runs the same checks without keeping anything (config validation in roles
 * that never match). Failure behaviour: every rule is compiled; all problems (syntax, unknown
 * alias, no positive term, alias spellings with no letters) are collected and thrown together as one `RuleError`, each with
 * its rule id and offset in the query. Nothing is partly compiled.
 */
import { RuleError, type RuleProblem } from '../errors.js';
import type { Aliases, RuleConfig } from '../config/types.js';
import { analyzeTerms } from './analyze.js';
import { anchorsOf, cheapest, encodeRequired, metaKey, requiredSets, requiredSetsDecide } from './anchors.js';
import { compileCheck } from './evaluate.js';
import { parseQuery } from './parse.js';
import { preparePresearch } from './presearch.js';
import { QuerySyntaxError, TEXT_FIELDS, type QueryNode } from './syntax.js';
import { DEFAULT_FIELDS, type CompiledRule, type CompiledRuleSet, type Expr, type FieldMask } from './types.js';
import { isWildcard, PatternTable } from './wildcard.js';



/** What compiling one rule set adds to: the distinct patterns and the exact tokens' ids. */
interface Tables {
  readonly patterns: PatternTable;
  readonly terms: Map<string, number>;
}



class CompileError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

let setsCompiled = 0;

/** How many rule sets this process has compiled (`compileRules` calls that returned): the service
 *  compiles once per config load in processors and never elsewhere unless asked to match. */
export function compiledSetCount(): number {
  return setsCompiled;
}

export function compileRules(rules: readonly RuleConfig[], aliases: Aliases): CompiledRuleSet {
  const patterns = new PatternTable();
  const tables: Tables = { patterns, terms: new Map() };
  const problems: RuleProblem[] = [];
  const compiled: CompiledRule[] = [];
  for (const rule of rules) {
    const r = compileRule(rule, aliases, tables);
    if ('problem' in r) problems.push(r.problem);
    else if ('rule' in r) compiled.push(r.rule);
  }
  if (problems.length > 0) throw new RuleError(problems);
  const set: CompiledRuleSet = { rules: compiled, patterns, terms: tables.terms, ...indexRules(compiled) };
  preparePresearch(set);
  setsCompiled++;
  return set;
}

/**
 * The problems `compileRules` would throw, found without building the rule set: each rule is
 * compiled and dropped at once, and no presearch index is built, so a role that never matches
 * checks 10,000 rules without holding them.
 */
export function findRuleProblems(rules: readonly RuleConfig[], aliases: Aliases): RuleProblem[] {
  const tables: Tables = { patterns: new PatternTable(), terms: new Map() };
  const problems: RuleProblem[] = [];
  for (const rule of rules) {
    const r = compileRule(rule, aliases, tables, { check: true });
    if ('problem' in r) problems.push(r.problem);
  }
  return problems;
}

function compileRule(
  rule: RuleConfig,
  aliases: Aliases,
  tables: Tables,
  opts: { readonly check?: boolean } = {},
): { readonly rule: CompiledRule } | { readonly problem: RuleProblem } | { readonly checked: true } {
  const { patterns } = tables;
  try {
    const tree = parseQuery(rule.query);
    const expr = toExpr(tree, DEFAULT_FIELDS, aliases, tables);
    const anchors = anchorsOf(expr, patterns);
    if (!anchors) throw new CompileError('the query could match without any positive term (add a term that must be present)', 0);
    if (opts.check) return { checked: true };
    const unique = [...new Map(anchors.map((a) => ['key' in a ? `k${a.key}` : `p${a.pattern}`, a])).values()];
    const required = encodeRequired(requiredSets(expr, patterns), unique);
    const decidedByRequired = requiredSetsDecide(expr);
    return { rule: { id: rule.id, name: rule.name, priority: rule.priority, query: rule.query, tree, expr, check: compileCheck(expr), anchors: unique, required, decidedByRequired } };
  } catch (e) {
    if (e instanceof QuerySyntaxError || e instanceof CompileError) return { problem: { ruleId: rule.id, offset: e.offset, message: e.message } };
    throw e;
  }
}

function indexRules(rules: readonly CompiledRule[]): Pick<CompiledRuleSet, 'byKey' | 'byPattern' | 'required' | 'requiredStart'> {
  const byKey = new Map<string, number[]>();
  const byPattern = new Map<number, number[]>();
  rules.forEach((rule, i) => {
    for (const a of rule.anchors) {
      const list = 'key' in a ? byKey.get(a.key) ?? [] : byPattern.get(a.pattern) ?? [];
      if (list[list.length - 1] !== i) list.push(i);
      if ('key' in a) byKey.set(a.key, list);
      else byPattern.set(a.pattern, list);
    }
  });
  const requiredStart = new Int32Array(rules.length);
  let length = 0;
  rules.forEach((rule, i) => {
    requiredStart[i] = length;
    length += rule.required.length;
  });
  const required = new Int32Array(length);
  rules.forEach((rule, i) => required.set(rule.required, requiredStart[i]));
  return { byKey, byPattern, required, requiredStart };
}

function termId(token: string, tables: Tables): number {
  let id = tables.terms.get(token);
  if (id === undefined) {
    id = tables.terms.size;
    tables.terms.set(token, id);
  }
  return id;
}

function textLeaf(written: string, fields: FieldMask, tables: Tables, offset: number): Expr {
  const tokens = analyzeTerms(written, { wildcards: true });
  if (tokens.length === 0) throw new CompileError(`"${written}" has no letters or digits to match`, offset);
  return {
    kind: 'text',
    fields,
    label: tokens.join(' '),
    tokens: tokens.map((t) => (isWildcard(t) ? { pattern: tables.patterns.add(t) } : { exact: t, term: termId(t, tables) })),
  };
}

function toExpr(node: QueryNode, fields: FieldMask, aliases: Aliases, tables: Tables): Expr {
  const sub = (n: QueryNode, f: FieldMask = fields): Expr => toExpr(n, f, aliases, tables);
  switch (node.kind) {
    case 'word':
    case 'phrase':
      return textLeaf(node.text, fields, tables, node.offset);
    case 'alias': {
      const spellings = Object.hasOwn(aliases, node.name) ? aliases[node.name] : undefined;
      if (!spellings) throw new CompileError(`unknown alias @${node.name}`, node.offset);
      const children = spellings.map((s) => textLeaf(s, fields, tables, node.offset));
      return children.length === 1 ? children[0]! : { kind: 'any', children };
    }
    case 'field':
      if (fields !== DEFAULT_FIELDS) throw new CompileError(`field ${node.field}: inside another field prefix`, node.offset);
      return sub(node.child, 1 << TEXT_FIELDS.indexOf(node.field));
    case 'source':
    case 'lang':
      return { kind: node.kind, value: node.value, term: termId(metaKey(node.kind, node.value), tables) };
    case 'or':
      return { kind: 'any', children: node.children.map((c) => sub(c)) };
    case 'and': {
      const children = node.children.map((c) => sub(c));
      const options = children.map((c) => anchorsOf(c, tables.patterns));
      const anchored = cheapest(options, tables.patterns);
      const last = anchored ? options.indexOf(anchored) : -1;
      return { kind: 'all', children, check: [...children.filter((_, i) => i !== last), ...children.filter((_, i) => i === last)] };
    }
    case 'not':
      return { kind: 'not', child: sub(node.child) };
    case 'near':
      return { kind: 'near', distance: node.distance, ordered: node.ordered, left: sub(node.left), right: sub(node.right) };
  }
}
