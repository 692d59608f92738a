/**
 * One YAML file of the configuration, parsed with positions kept.
 *
 * `readYamlSource` parses with the `yaml` package's CST and a LineCounter, so every problem can be
 * reported as `file:line:col` from the parser's own source map. It never throws for bad content:
 * syntax errors (including duplicate keys) become problems and the document is still returned
 * for as much as could be read, so one run reports everything.
 *
 * Environment substitution happens on the parsed tree, scalar by scalar, so a missing variable is
 * reported where it was written:
 *   `${NAME}`            the variable's value; unset is a problem
 *   `${NAME:-default}`   the value, or `default` when unset or empty
 *   `$$`                 a literal `$`
 */
import { readFileSync } from 'node:fs';
import type { Document} from 'yaml';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Node, type Scalar } from 'yaml';
import type { Problem } from '../errors.js';

export interface YamlSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  /** The document as plain data after substitution; `undefined` if the file is empty. */
  readonly data: unknown;
  /** Values that came from the environment, for log scrubbing. */
  readonly substituted: readonly string[];
}

export type Env = Readonly<Record<string, string | undefined>>;

const REF = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function readYamlSource(file: string, env: Env, problems: Problem[]): YamlSource | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    problems.push({ file, line: 1, col: 1, message: code === 'ENOENT' ? 'file not found' : `cannot read file (${code})` });
    return undefined;
  }
  return parseYamlSource(file, text, env, problems);
}

export function parseYamlSource(file: string, text: string, env: Env, problems: Problem[]): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: false });
  for (const err of doc.errors) {
    const pos = err.linePos?.[0] ?? lines.linePos(err.pos[0]);
    problems.push({ file, line: pos.line, col: pos.col, message: `YAML: ${firstLine(err.message)}` });
  }
  const substituted: string[] = [];
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || !node.value.includes('$')) return;
      node.value = node.value.replace(REF, (whole, name: string | undefined, fallback: string | undefined) => {
        if (whole === '$$') return '$';
        const value = env[name ?? ''];
        if (value !== undefined && (value !== '' || fallback === undefined)) {
          if (value.length > 0) substituted.push(value);
          return value;
        }
        if (fallback !== undefined) return fallback;
        const pos = positionOf(lines, node);
        problems.push({ file, line: pos.line, col: pos.col, message: `environment variable ${name} is not set` });
        return '';
      });
    },
  });
  const data: unknown = doc.errors.length > 0 && doc.contents === null ? undefined : doc.toJS({ maxAliasCount: 100 });
  return { file, text, doc, lines, data, substituted };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

export function positionOf(lines: LineCounter, node: Node | null | undefined): { line: number; col: number } {
  const offset = node?.range?.[0] ?? 0;
  return lines.linePos(offset);
}

/**
 * Finds where a path (as in a zod issue) was written. Returns the value node's position, or the
 * deepest existing ancestor's when the path does not exist (a missing key is reported at its map).
 * With `key: true` the position of the key itself is returned, for "unknown key" problems.
 */
export function locatePath(src: YamlSource, path: readonly PropertyKey[], opts: { key?: boolean } = {}): { line: number; col: number } {
  let node: unknown = src.doc.contents;
  let found: unknown = node;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      if (opts.key && i === path.length - 1) {
        found = pair.key;
        break;
      }
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
    } else {
      break;
    }
    if (node === undefined || node === null) break;
    found = node;
  }
  return positionOf(src.lines, found as Node | null);
}

/** The scalar node at a path, if there is one (used to map offsets inside a rule's query). */
export function scalarAt(src: YamlSource, path: readonly PropertyKey[]): Scalar | undefined {
  const node = src.doc.getIn(path, true);
  return isScalar(node) ? node : undefined;
}

/**
 * Maps an offset inside a scalar's value to its line and column in the file. Works for plain,
 * quoted and block scalars by walking the source and the value side by side: characters that are
 * equal advance both; quoting, escapes, indentation and folded line breaks advance the source only.
 */
export function locateInScalar(src: YamlSource, node: Scalar, offset: number): { line: number; col: number } {
  const [start = 0, end = src.text.length] = node.range ?? [];
  const value = String(node.value);
  let i = start;
  const type = node.type;
  if (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') i += 1;
  else if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') {
    const nl = src.text.indexOf('\n', start);
    i = nl < 0 ? end : nl + 1;
    while (i < end && (src.text[i] === ' ' || src.text[i] === '\t')) i++;
  }
  let j = 0;
  const target = Math.min(Math.max(offset, 0), value.length);
  while (j < target && i < end) {
    const v = value[j];
    const s = src.text[i];
    if (v === s) {
      i++;
      j++;
    } else if (s === ' ' || s === '\t' || s === '\n' || s === '\r' || s === '\\' || s === "'" || s === '"') {
      i++;
    } else if (v === ' ' || v === '\n') {
      j++;
    } else {
      i++;
    }
  }
  // A value space may have been paired with indentation that precedes the character we want
  // (a more-indented line of a folded block scalar): skip to that character.
  const want = value[target];
  if (want !== undefined && !/\s/.test(want)) {
    while (i < end && src.text[i] !== want && /\s/.test(src.text[i] ?? '')) i++;
  }
  return src.lines.linePos(Math.min(i, src.text.length));
}
