/**
 * The lexer of the query language: splits a query into lexemes, each with its UTF-16 offset in the
 * query so every error can point at the character that caused it.
 *
 * Lexemes: `(` `)`, a `"phrase"` (no escapes; an unclosed quote is an error at the opening quote),
 * the operators `AND` `OR` `NOT` `NEAR/n` `ONEAR/n` (upper case only; `near` is a word), a field
 * prefix `name:` (letters then a colon at the start of a word; the rest of the word, if any, is the
 * next lexeme), an `@alias`, and words (runs of anything else up to white space, a parenthesis or
 * a quote). A word `NEAR` or `NEAR/x` without a whole-number distance is an error, not a word.
 */
import { QuerySyntaxError } from './syntax.js';

export type Lexeme =
  | { readonly type: '(' | ')' | 'AND' | 'OR' | 'NOT'; readonly offset: number }
  | { readonly type: 'NEAR'; readonly offset: number; readonly distance: number; readonly ordered: boolean }
  | { readonly type: 'word' | 'phrase' | 'alias' | 'field'; readonly offset: number; readonly text: string }
  | { readonly type: 'end'; readonly offset: number };

const NEAR_OP = /^(O?NEAR)(?:\/(\d+))?$/;
const NEAR_LIKE = /^O?NEAR\//;
const FIELD = /^([A-Za-z]+):/;
const STOP = new Set([' ', '\t', '\n', '\r', '\f', '\v', '(', ')', '"']);
const MAX_DISTANCE = 1000;

export function lexQuery(query: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i] ?? '';
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')') {
      out.push({ type: ch, offset: i });
      i++;
    } else if (ch === '"') {
      const close = query.indexOf('"', i + 1);
      if (close < 0) throw new QuerySyntaxError('unbalanced quote: this " is never closed', i);
      out.push({ type: 'phrase', offset: i, text: query.slice(i + 1, close) });
      i = close + 1;
    } else {
      let j = i;
      while (j < query.length && !STOP.has(query[j] ?? ' ')) j++;
      lexWord(query.slice(i, j), i, out);
      i = j;
    }
  }
  out.push({ type: 'end', offset: query.length });
  return out;
}

function lexWord(whole: string, start: number, out: Lexeme[]): void {
  // Field prefixes are peeled off in a loop, not by recursion: `title:title:…:x` is one word.
  let word = whole;
  let offset = start;
  for (;;) {
    const field = FIELD.exec(word);
    if (!field) break;
    const name = field[1] ?? '';
    out.push({ type: 'field', offset, text: name.toLowerCase() });
    word = word.slice(name.length + 1);
    offset += name.length + 1;
    if (word.length === 0) return;
  }
  if (word === 'AND' || word === 'OR' || word === 'NOT') {
    out.push({ type: word, offset });
    return;
  }
  const near = NEAR_OP.exec(word);
  if (near || NEAR_LIKE.test(word)) {
    const op = word.startsWith('O') ? 'ONEAR' : 'NEAR';
    const distance = near?.[2] === undefined ? NaN : Number(near[2]);
    if (!Number.isInteger(distance) || distance > MAX_DISTANCE) {
      throw new QuerySyntaxError(`${op} needs a distance from 0 to ${MAX_DISTANCE}, as in ${op}/5`, offset);
    }
    out.push({ type: 'NEAR', offset, distance, ordered: op === 'ONEAR' });
    return;
  }
  if (word.startsWith('@')) {
    if (word.length === 1) throw new QuerySyntaxError('@ needs an alias name, as in @putin', offset);
    out.push({ type: 'alias', offset, text: word.slice(1) });
    return;
  }
  out.push({ type: 'word', offset, text: word });
}
