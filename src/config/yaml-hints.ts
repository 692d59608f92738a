/**
 * Plain-language messages for the YAML mistakes people make in configuration files, in place of
 * the parser's own wording ("Implicit keys need to be on a single line" says nothing about the
 * missing space in `id:a`), and at the place the mistake was made rather than where the parser
 * noticed it (an unclosed quote is reported where it opened, not at the end of the file).
 *
 * Recognised, by the `yaml` package's error code and the text around it:
 *   TAB_AS_INDENT            a tab in the indentation
 *   MISSING_CHAR (quote)     an unclosed quote: at the opening quote of the scalar it runs on from
 *   BAD_INDENT (flow)        an unclosed `[` or `{`: at the opening bracket
 *   MULTILINE_IMPLICIT_KEY   `key:value` without a space after the colon; otherwise a key that
 *                            does not fit on one line (usually a value running on without quotes)
 *   BLOCK_AS_IMPLICIT_KEY    a value holding `: ` (`query: title: x`), or a line indented deeper
 *                            than the key above it
 *   MISSING_CHAR (sequence)  a list item's key not lined up under the item's first key
 *   DUPLICATE_KEY            a key written twice in one mapping: names the first one's line
 *   BAD_SCALAR_START         a value starting with `@`, `` ` `` or `%` (`query: @putin x`): quote it
 *   UNEXPECTED_TOKEN         text after a quoted value (`query: "Union State" OR x`): quote it whole
 * Anything else keeps the parser's first line. Pure: takes the error, the text and the parsed
 * document, returns a position and a message; never throws.
 */
import { isCollection, isMap, isPair, isScalar, visit, type Document, type LineCounter, type YAMLError } from 'yaml';

export interface YamlProblemAt {
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

const QUOTE_WHOLE = "put the whole value in single quotes (a ' inside written '') or write it as a block (key: >- and the value on the next, indented lines)";

const NO_SPACE_AFTER_COLON = /^(\s*(?:-\s+)?)([A-Za-z_][\w.-]*):([^\s:].*)$/;

function lineText(text: string, lines: LineCounter, line: number): string {
  const start = lines.lineStarts[line - 1] ?? text.length;
  const end = lines.lineStarts[line] ?? text.length;
  return text.slice(start, end).replace(/\r?\n$/, '');
}

function indentOf(s: string): number {
  return /^ */.exec(s)?.[0].length ?? 0;
}

/** The next line after `line` that is not blank or a comment, with its number. */
function nextContentLine(text: string, lines: LineCounter, line: number): { line: number; text: string } | undefined {
  for (let n = line + 1; n <= lines.lineStarts.length; n++) {
    const t = lineText(text, lines, n);
    if (t.trim() !== '' && !t.trimStart().startsWith('#')) return { line: n, text: t };
  }
  return undefined;
}

/** The position of `offset`, 1-based. */
function at(lines: LineCounter, offset: number): { line: number; col: number } {
  return lines.linePos(offset);
}

function unclosedQuote(doc: Document, lines: LineCounter, pos: number, quote: string): YamlProblemAt | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      const [s, e] = node.range ?? [];
      if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && s !== undefined && e !== undefined && s < pos && e >= pos) start = s;
    },
  });
  if (start === undefined) return undefined;
  const escape = quote === '"' ? 'write \\" for a quote inside double quotes' : "write '' for a quote inside single quotes";
  return { ...at(lines, start), message: `YAML: unclosed quote: this ${quote} is never closed (${escape})` };
}

function unclosedFlow(doc: Document, lines: LineCounter, pos: number): YamlProblemAt | undefined {
  let found: { start: number; bracket: string } | undefined;
  visit(doc, {
    Node(_key, node) {
      if (!isCollection(node) || !node.flow || !node.range) return;
      const [s, e] = node.range;
      if (e <= pos && (found === undefined || s > found.start)) found = { start: s, bracket: isMap(node) ? '{' : '[' };
    },
  });
  if (!found) return undefined;
  const close = found.bracket === '{' ? '}' : ']';
  return { ...at(lines, found.start), message: `YAML: this ${found.bracket} is never closed (end the list with ${close}, or write it as indented lines)` };
}

function duplicateKey(doc: Document, lines: LineCounter, pos: number): YamlProblemAt | undefined {
  let out: YamlProblemAt | undefined;
  visit(doc, {
    Map(_key, node) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key) || !pair.key.range) continue;
        const name = String(pair.key.value);
        const first = seen.get(name);
        if (first === undefined) seen.set(name, pair.key.range[0]);
        else if (pair.key.range[0] === pos && !out) {
          out = { ...at(lines, pos), message: `YAML: duplicate key "${name}" (first at line ${at(lines, first).line}): a mapping holds each key once` };
        }
      }
    },
  });
  return out;
}

function deeperThanKey(text: string, lines: LineCounter, line: number): YamlProblemAt | undefined {
  const here = lineText(text, lines, line);
  const next = nextContentLine(text, lines, line);
  if (!next || indentOf(next.text) <= indentOf(here.replace(/^(\s*)-\s+/, (m, s: string) => s + ' '.repeat(m.length - s.length)))) return undefined;
  const key = /^\s*(?:-\s+)?([^\s:][^:]*):/.exec(here)?.[1];
  return {
    line: next.line,
    col: indentOf(next.text) + 1,
    message: `YAML: this line is indented deeper than${key ? ` the key "${key}"` : ' the line'} above it: keys of one mapping start in the same column, and a value that runs onto more lines needs quotes`,
  };
}

/** A plain message for one parser error, at the place the mistake was made. */
export function describeYamlError(err: YAMLError, text: string, doc: Document, lines: LineCounter): YamlProblemAt {
  const pos = err.pos[0];
  const here = at(lines, pos);
  const first = err.message.split('\n')[0] ?? err.message;
  const fallback: YamlProblemAt = { ...here, message: `YAML: ${first}` };
  const line = lineText(text, lines, here.line);
  switch (err.code) {
    case 'TAB_AS_INDENT':
      return { ...here, message: 'YAML: a tab in the indentation: YAML indents with spaces only (replace the tab with spaces)' };
    case 'MISSING_CHAR': {
      const quote = /Missing closing (["'])quote/.exec(first)?.[1];
      if (quote) return unclosedQuote(doc, lines, pos, quote) ?? fallback;
      if (first.startsWith('Sequence item without')) {
        return { line: here.line, col: indentOf(line) + 1, message: 'YAML: this line is not lined up with the list item above: the keys of one item start in the same column as its first key after "- "' };
      }
      return fallback;
    }
    case 'BAD_INDENT':
      if (/^Flow (sequence|mapping)/.test(first)) return unclosedFlow(doc, lines, pos) ?? fallback;
      return { ...here, message: `YAML: bad indentation: ${first}` };
    case 'MULTILINE_IMPLICIT_KEY': {
      const m = NO_SPACE_AFTER_COLON.exec(line);
      if (m) {
        const [, lead = '', key = '', value = ''] = m;
        return { line: here.line, col: lead.length + 1, message: `YAML: missing space after the colon in "${key}:${value.trim()}" (write "${key}: ${value.trim()}")` };
      }
      return deeperThanKey(text, lines, here.line) ?? { ...here, message: 'YAML: a key must fit on one line: if this is a value that runs onto the next line, put it in quotes' };
    }
    case 'BLOCK_AS_IMPLICIT_KEY': {
      const value = /^\s*(?:-\s+)?[^\s:][^:]*:\s+(.*)$/.exec(line)?.[1] ?? '';
      if (/:(\s|$)/.test(value)) {
        return { ...here, message: `YAML: the value "${value.trim()}" holds ": ", which starts a mapping: put the value in quotes` };
      }
      return deeperThanKey(text, lines, here.line) ?? fallback;
    }
    case 'BAD_SCALAR_START': {
      const ch = text[pos] ?? '@';
      return { ...here, message: `YAML: a value cannot start with ${ch} unless it is quoted: ${QUOTE_WHOLE}` };
    }
    case 'UNEXPECTED_TOKEN': {
      const value = /^\s*(?:-\s+)?[^\s:'"][^:]*:\s+(["'].*)$/.exec(line)?.[1];
      if (first.startsWith('Unexpected scalar') && value) {
        return { ...here, message: `YAML: the value ends at its closing quote, and text follows it: to start a value with a quoted phrase, ${QUOTE_WHOLE}` };
      }
      return fallback;
    }
    case 'DUPLICATE_KEY':
      return duplicateKey(doc, lines, pos) ?? { ...here, message: 'YAML: duplicate key: a mapping holds each key once' };
    default:
      return fallback;
  }
}
