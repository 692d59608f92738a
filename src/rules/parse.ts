/**
 * The parser of the watch-rule query language. Grammar (EBNF; precedence from loosest to
 * tightest: OR, AND, NOT, NEAR/ONEAR, field prefix):
 *
 *   query    = or-expr END
 *   or-expr  = and-expr { "OR" and-expr }
 *   and-expr = not-expr { [ "AND" ] not-expr }          adjacent operands are ANDed
 *   not-expr = "NOT" not-expr | near-expr               `a NOT b` is `a AND (NOT b)`
 *   near-expr= prefixed { ( "NEAR/" n | "ONEAR/" n ) prefixed }
 *   prefixed = FIELD ":" prefixed                       title, summary, content, author
 *            | "source:" VALUE | "lang:" VALUE          VALUE is the rest of the word
 *            | primary
 *   primary  = WORD | PHRASE | "@" ALIAS | "(" or-expr ")"
 *
 * Operands of NEAR/ONEAR must be terms, phrases, aliases (optionally field-prefixed) or
 * parenthesised OR-groups of those; a chain `a NEAR/2 b NEAR/2 c` is refused because its middle
 * operand would be a NEAR. Operators are upper case only; `and`, `or`, `not`, `near` are words.
 *
 * Nesting is bounded: parentheses, `NOT` and field prefixes each open one level, and a query
 * nested deeper than `MAX_NESTING` (64) levels is refused at the lexeme that opens level 65. The
 * parser, the compiler and the evaluator all recurse over the tree, so without the bound a query of
 * a few thousand `(` or `NOT` overflowed the stack (an "unexpected error" with no position).
 *
 * Failure behaviour: the first problem throws a `QuerySyntaxError` with the offset of the lexeme
 * at fault: unbalanced parenthesis (at the unmatched one) or quote (at the opening quote), an
 * operator with nothing on one side (at the operator), an unknown field (at the prefix), a bad
 * NEAR operand (at the operand), nesting too deep (at the opening lexeme), a word with no letters
 * or digits, and an empty query. Unknown aliases and queries that could match without a positive
 * term are the compiler's to report.
 */
import { analyzeTerms } from './analyze.js';
import { lexQuery, type Lexeme } from './lex.js';
import { QuerySyntaxError, TEXT_FIELDS, type QueryNode } from './syntax.js';
import type { TextField } from '../types.js';

/** The deepest nesting of parentheses, `NOT` and field prefixes a query may have. */
export const MAX_NESTING = 64;

export function parseQuery(query: string): QueryNode {
  const lexemes = lexQuery(query);
  const first = lexemes[0];
  if (!first || first.type === 'end') throw new QuerySyntaxError('empty query', 0);
  const parser = new Parser(lexemes);
  const tree = parser.parseOr();
  const last = parser.peek();
  if (last.type === ')') throw new QuerySyntaxError("unbalanced parenthesis: this ')' has no '('", last.offset);
  if (last.type !== 'end') throw new QuerySyntaxError(`unexpected ${describe(last)}`, last.offset);
  return tree;
}

const OPERAND_START = new Set<Lexeme['type']>(['word', 'phrase', 'alias', 'field', '(', 'NOT']);

function describe(l: Lexeme): string {
  switch (l.type) {
    case 'word':
    case 'alias':
    case 'phrase':
      return `"${l.type === 'alias' ? '@' : ''}${l.text}"`;
    case 'field':
      return `"${l.text}:"`;
    case 'NEAR':
      return `"${l.ordered ? 'ONEAR' : 'NEAR'}/${l.distance}"`;
    case 'end':
      return 'end of query';
    default:
      return `"${l.type}"`;
  }
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly lexemes: readonly Lexeme[]) {}

  peek(): Lexeme {
    return this.lexemes[this.pos] ?? { type: 'end', offset: 0 };
  }

  /** Runs `parse` one nesting level deeper; `opener` is the lexeme that opens the level. */
  private nested(opener: Lexeme, parse: () => QueryNode): QueryNode {
    if (this.depth >= MAX_NESTING) {
      throw new QuerySyntaxError(`nested too deeply: at most ${MAX_NESTING} levels of parentheses, NOT and field prefixes`, opener.offset);
    }
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private take(): Lexeme {
    const l = this.peek();
    if (l.type !== 'end') this.pos++;
    return l;
  }

  parseOr(): QueryNode {
    const children = [this.parseAnd()];
    while (this.peek().type === 'OR') {
      const op = this.take();
      this.expectOperand(op);
      children.push(this.parseAnd());
    }
    return children.length === 1 ? children[0]! : { kind: 'or', offset: children[0]!.offset, children };
  }

  private parseAnd(): QueryNode {
    const children = [this.parseNot()];
    for (;;) {
      const next = this.peek();
      if (next.type === 'AND') {
        this.take();
        this.expectOperand(next);
      } else if (!OPERAND_START.has(next.type)) {
        break;
      }
      children.push(this.parseNot());
    }
    return children.length === 1 ? children[0]! : { kind: 'and', offset: children[0]!.offset, children };
  }

  private parseNot(): QueryNode {
    const next = this.peek();
    if (next.type !== 'NOT') return this.parseNear();
    this.take();
    this.expectOperand(next);
    return { kind: 'not', offset: next.offset, child: this.nested(next, () => this.parseNot()) };
  }

  private parseNear(): QueryNode {
    let left = this.parsePrefixed();
    for (let op = this.peek(); op.type === 'NEAR'; op = this.peek()) {
      this.take();
      this.expectOperand(op);
      const not = this.peek();
      if (not.type === 'NOT') throw new QuerySyntaxError(`bad ${describe(op).slice(1, -1)} operand: NOT cannot be a NEAR operand`, not.offset);
      const right = this.parsePrefixed();
      checkNearOperand(left, op);
      checkNearOperand(right, op);
      left = { kind: 'near', offset: left.offset, distance: op.distance, ordered: op.ordered, left, right };
    }
    return left;
  }

  private parsePrefixed(): QueryNode {
    const l = this.peek();
    if (l.type !== 'field') return this.parsePrimary();
    this.take();
    if (l.text === 'source' || l.text === 'lang') {
      const value = this.peek();
      if (value.type !== 'word' || value.offset !== l.offset + l.text.length + 1) {
        throw new QuerySyntaxError(`${l.text}: needs a value written straight after the colon, as in ${l.text === 'source' ? 'source:belta' : 'lang:be'}`, l.offset);
      }
      this.take();
      return { kind: l.text, offset: l.offset, value: value.text.toLowerCase() };
    }
    if (!(TEXT_FIELDS as readonly string[]).includes(l.text)) {
      throw new QuerySyntaxError(`unknown field "${l.text}:" (use title, summary, content, author, source or lang)`, l.offset);
    }
    this.expectOperand(l);
    return { kind: 'field', offset: l.offset, field: l.text as TextField, child: this.nested(l, () => this.parsePrefixed()) };
  }

  private parsePrimary(): QueryNode {
    const l = this.take();
    switch (l.type) {
      case 'word':
        if (analyzeTerms(l.text, { wildcards: true }).length === 0) {
          throw new QuerySyntaxError(`"${l.text}" has no letters or digits to match`, l.offset);
        }
        return { kind: 'word', offset: l.offset, text: l.text };
      case 'phrase':
        if (analyzeTerms(l.text, { wildcards: true }).length === 0) throw new QuerySyntaxError('empty phrase', l.offset);
        return { kind: 'phrase', offset: l.offset, text: l.text };
      case 'alias':
        return { kind: 'alias', offset: l.offset, name: l.text };
      case '(': {
        if (this.peek().type === ')') throw new QuerySyntaxError('empty parentheses', l.offset);
        const inner = this.nested(l, () => this.parseOr());
        const close = this.peek();
        if (close.type !== ')') {
          if (close.type === 'end') throw new QuerySyntaxError("unbalanced parenthesis: this '(' is never closed", l.offset);
          throw new QuerySyntaxError(`unexpected ${describe(close)}`, close.offset);
        }
        this.take();
        return inner;
      }
      case ')':
        throw new QuerySyntaxError("unbalanced parenthesis: this ')' has no '('", l.offset);
      case 'AND':
      case 'OR':
      case 'NEAR':
        throw new QuerySyntaxError(`dangling operator ${describe(l)}: nothing to its left`, l.offset);
      default:
        throw new QuerySyntaxError(`unexpected ${describe(l)}`, l.offset);
    }
  }

  /** After an operator, something must follow; otherwise the operator is dangling. */
  private expectOperand(op: Lexeme): void {
    const next = this.peek();
    const ok = OPERAND_START.has(next.type) && (op.type !== 'field' || next.type !== 'NOT');
    if (!ok) throw new QuerySyntaxError(`dangling operator ${describe(op)}: nothing to its right`, op.offset);
  }
}

function checkNearOperand(node: QueryNode, op: Extract<Lexeme, { type: 'NEAR' }>): void {
  const name = `${op.ordered ? 'ONEAR' : 'NEAR'}/${op.distance}`;
  const ok = (n: QueryNode): boolean => {
    switch (n.kind) {
      case 'word':
      case 'phrase':
      case 'alias':
        return true;
      case 'field':
        return ok(n.child);
      case 'or':
        return n.children.every(ok);
      default:
        return false;
    }
  };
  if (!ok(node)) {
    throw new QuerySyntaxError(
      `bad ${name} operand: use a term, phrase, alias or a parenthesised OR of those (not ${node.kind === 'near' ? 'another NEAR' : node.kind.toUpperCase()})`,
      node.offset,
    );
  }
}
