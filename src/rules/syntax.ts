/**
 * The parse tree of a watch-rule query, as written (aliases unresolved, words unanalysed), and the
 * error a query can fail with. Every node keeps the UTF-16 offset of its first character in the
 * query, so later stages (alias resolution, the positive-term check) can point at it too.
 */
import type { TextField } from '../types.js';

export type QueryNode =
  | { readonly kind: 'word'; readonly offset: number; readonly text: string }
  | { readonly kind: 'phrase'; readonly offset: number; readonly text: string }
  | { readonly kind: 'alias'; readonly offset: number; readonly name: string }
  | { readonly kind: 'field'; readonly offset: number; readonly field: TextField; readonly child: QueryNode }
  | { readonly kind: 'source' | 'lang'; readonly offset: number; readonly value: string }
  | { readonly kind: 'and' | 'or'; readonly offset: number; readonly children: readonly QueryNode[] }
  | { readonly kind: 'not'; readonly offset: number; readonly child: QueryNode }
  | {
      readonly kind: 'near';
      readonly offset: number;
      readonly distance: number;
      readonly ordered: boolean;
      readonly left: QueryNode;
      readonly right: QueryNode;
    };

export const TEXT_FIELDS: readonly TextField[] = ['title', 'summary', 'content', 'author'];

/** Thrown by the lexer and parser; `offset` is the UTF-16 offset in the query it is about. */
export class QuerySyntaxError extends Error {
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(message);
    this.name = 'QuerySyntaxError';
    this.offset = offset;
  }
}

/** The tree as an indented outline, one node a line (for `belwatch rules explain`). */
export function formatTree(node: QueryNode, indent = ''): string {
  const next = `${indent}  `;
  switch (node.kind) {
    case 'word':
      return `${indent}term ${node.text}\n`;
    case 'phrase':
      return `${indent}phrase "${node.text}"\n`;
    case 'alias':
      return `${indent}alias @${node.name}\n`;
    case 'source':
    case 'lang':
      return `${indent}${node.kind} = ${node.value}\n`;
    case 'field':
      return `${indent}in ${node.field}:\n${formatTree(node.child, next)}`;
    case 'not':
      return `${indent}NOT\n${formatTree(node.child, next)}`;
    case 'and':
    case 'or':
      return `${indent}${node.kind.toUpperCase()}\n${node.children.map((c) => formatTree(c, next)).join('')}`;
    case 'near':
      return `${indent}${node.ordered ? 'ONEAR' : 'NEAR'}/${node.distance}\n${formatTree(node.left, next)}${formatTree(node.right, next)}`;
  }
}
