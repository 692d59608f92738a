/**
 * One YAML file of the configuration, parsed with positions kept.
 *
 * `readYamlSource` parses with the `yaml` package's CST and a LineCounter, so every problem can be
 * reported as `file:line:col` from the parser's own source map. It never throws for bad content:
 * syntax errors become problems, in plain words at the place the mistake was made
 * (`yaml-hints.ts`): the first structural mistake of a file (what follows it is misread because of
 * it) and every duplicate key. The document is still returned for as much as could be read, and
 * the other files are checked, so one run reports as much as can be trusted.
 *
 * Bounds: collections nest at most `MAX_YAML_DEPTH` (64) levels (the configuration needs six; a
 * deeper file is refused at its first too-deep node, and one so deep the parser runs out of stack
 * is refused as such), and aliases may not expand to more than `MAX_ALIAS_COUNT` (100) copies
 * (an alias of a collection that holds aliases multiplies: nine levels of nine make a billion
 * nodes); the problem is placed at the first alias of an alias-holding anchor.
 *
 * Environment substitution happens on the parsed tree, scalar by scalar, so a missing variable is
 * reported where it was written:
 *   `${NAME}`            the variable's value; unset is a problem
 *   `${NAME:-default}`   the value, or `default` when unset or empty
 *   `$$`                 a literal `$`
 */
import { readFileSync } from 'node:fs';
import type { Document } from 'yaml';
import { isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Alias, type Node, type Scalar } from 'yaml';
import type { Problem } from '../errors.js';
import { describeYamlError } from './yaml-hints.js';

export const MAX_YAML_DEPTH = 64;
export const MAX_ALIAS_COUNT = 100;
const STACK_OVERFLOW = /Maximum call stack size exceeded/;

export interface YamlSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  /** The document as plain data after substitution; `undefined` if the file is empty. */
  readonly data: unknown;
  /** Values that came from the environment, for log scrubbing. */
  readonly substituted: readonly string[];
  /** True when the file could not be read as a whole (syntax, nesting or alias problems): its data is not to be validated. */
  readonly broken: boolean;
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
  // After the first structural mistake the parser reads the rest of the file wrongly and reports
  // what follows as further mistakes (a tab, then "nested mappings", then "implicit keys"): only
  // the first is reported, with every duplicate key (which does not throw the parser off).
  let reported = false;
  for (const err of doc.errors) {
    if (err.code !== 'DUPLICATE_KEY') {
      if (reported) continue;
      reported = true;
    }
    if (STACK_OVERFLOW.test(err.message)) {
      problems.push({ file, ...lines.linePos(err.pos[0]), message: `YAML: nested too deeply to read (configuration files nest at most ${MAX_YAML_DEPTH} levels)` });
      continue;
    }
    problems.push({ file, ...describeYamlError(err, text, doc, lines) });
  }
  const tooDeep = doc.errors.length === 0 ? firstTooDeep(doc.contents) : undefined;
  if (tooDeep) problems.push({ file, ...positionOf(lines, tooDeep), message: `YAML: nested deeper than ${MAX_YAML_DEPTH} levels` });
  const substituted: string[] = [];
  // A document too deep is not walked (the walk recurses): it is refused whole anyway.
  const walkable = !tooDeep && !doc.errors.some((e) => STACK_OVERFLOW.test(e.message));
  if (walkable) {
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
  }
  let data: unknown;
  let broken = doc.errors.length > 0 || tooDeep !== undefined;
  if (walkable && !(doc.errors.length > 0 && doc.contents === null)) {
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      if (!(e instanceof ReferenceError) || !/alias/i.test(e.message)) throw e;
      broken = true;
      const unresolved = unresolvedAlias(doc);
      problems.push(
        unresolved
          ? {
              file,
              ...positionOf(lines, unresolved),
              message: `YAML: *${unresolved.source} is an alias, and no &${unresolved.source} anchor comes before it: a value that starts with * must be quoted`,
            }
          : {
              file,
              ...positionOf(lines, multiplyingAlias(doc) ?? null),
              message: `YAML: aliases expand to more than ${MAX_ALIAS_COUNT} copies here: an alias of a collection that itself holds aliases multiplies them; write the values out`,
            },
      );
    }
  }
  return { file, text, doc, lines, data, substituted, broken };
}

/** The first collection nested deeper than `MAX_YAML_DEPTH`, walking without recursion. */
function firstTooDeep(root: unknown): Node | undefined {
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (!isCollection(node)) continue;
    if (depth > MAX_YAML_DEPTH) return node;
    for (let i = node.items.length - 1; i >= 0; i--) {
      const item: unknown = node.items[i];
      if (isPair(item)) {
        stack.push({ node: item.value, depth: depth + 1 }, { node: item.key, depth: depth + 1 });
      } else {
        stack.push({ node: item, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/** The first alias with no anchor before it (`query: *x` meant as text). */
function unresolvedAlias(doc: Document): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) !== undefined) return undefined;
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/** The first alias that refers to a collection holding aliases itself: where expansion multiplies. */
function multiplyingAlias(doc: Document): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Alias(_key, node) {
      const target = node.resolve(doc);
      let holdsAlias = false;
      if (isCollection(target)) visit(target, { Alias: () => ((holdsAlias = true), visit.BREAK) });
      if (holdsAlias) {
        found = node;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (found) return found;
  visit(doc, {
    Alias(_key, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
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
