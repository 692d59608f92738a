import { afterEach, describe, expect, it } from 'vitest';
import { loadProblems, MINIMAL } from '../helpers/config-dir.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function problemsOf(files: Record<string, string>): string[] {
  const r = loadProblems(files);
  cleanup = r.cleanup;
  return r.problems;
}

const SOURCES = MINIMAL['sources.yaml'];

describe('YAML mistakes in plain words, where they were made', () => {
  it.each([
    [
      'a tab in the indentation',
      { 'sources.yaml': SOURCES.replace('    name:', '\tname:') },
      ['sources.yaml:3:1: YAML: a tab in the indentation: YAML indents with spaces only (replace the tab with spaces)'],
    ],
    [
      'an unclosed double quote, at the quote that opened it',
      {
        'sources.yaml': `sources:\n  - id: edm\n    name: "Eurasia Daily Monitor\n    kind: feed\n    url: https://jamestown.org/programs/edm/feed/\n  - id: b\n    name: B\n    kind: feed\n    url: https://b.test/\n`,
      },
      ['sources.yaml:3:11: YAML: unclosed quote: this " is never closed (write \\" for a quote inside double quotes)'],
    ],
    [
      'an unclosed single quote',
      { 'rules.yaml': "rules:\n  - id: a\n    name: 'Sanctions\n    query: sanction*\n" },
      ["rules.yaml:3:11: YAML: unclosed quote: this ' is never closed (write '' for a quote inside single quotes)"],
    ],
    [
      'a missing space after a colon',
      { 'sources.yaml': SOURCES.replace('- id: edm', '- id:edm') },
      ['sources.yaml:2:5: YAML: missing space after the colon in "id:edm" (write "id: edm")'],
    ],
    [
      'a value holding ": "',
      { 'rules.yaml': 'rules:\n  - id: a\n    name: A\n    query: title: sanction*\n' },
      ['rules.yaml:4:12: YAML: the value "title: sanction*" holds ": ", which starts a mapping: put the value in quotes'],
    ],
    [
      'a value running onto a more indented line that reads as a key',
      { 'rules.yaml': 'rules:\n  - id: a\n    name: A\n    query: sanction* OR\n      title: embargo\n' },
      ['rules.yaml:5:7: YAML: this line is indented deeper than the key "query" above it: keys of one mapping start in the same column, and a value that runs onto more lines needs quotes'],
    ],
    [
      'a key indented deeper than its siblings',
      { 'settings.yaml': 'server:\n  port: 8080\n   host: 127.0.0.1\n' },
      ['settings.yaml:3:4: YAML: this line is indented deeper than the key "port" above it: keys of one mapping start in the same column, and a value that runs onto more lines needs quotes'],
    ],
    [
      'a list item key not lined up',
      { 'sources.yaml': SOURCES.replace('    name:', '   name:') },
      ['sources.yaml:3:4: YAML: this line is not lined up with the list item above: the keys of one item start in the same column as its first key after "- "'],
    ],
    [
      'a duplicate key, naming the first',
      { 'settings.yaml': 'server:\n  port: 8080\n  host: 127.0.0.1\n  port: 9090\n' },
      ['settings.yaml:4:3: YAML: duplicate key "port" (first at line 2): a mapping holds each key once'],
    ],
    [
      'an unclosed flow list, at its bracket',
      { 'rules.yaml': 'aliases:\n  putin: [Putin*, Путин*\nrules: []\n' },
      ['rules.yaml:2:10: YAML: this [ is never closed (end the list with ], or write it as indented lines)'],
    ],
    [
      'a query starting with @, unquoted',
      { 'rules.yaml': 'rules:\n  - id: a\n    name: A\n    query: @putin NEAR/5 talks\n' },
      [
        "rules.yaml:4:12: YAML: a value cannot start with @ unless it is quoted: put the whole value in single quotes (a ' inside written '') or write it as a block (key: >- and the value on the next, indented lines)",
      ],
    ],
    [
      'a query starting with a quoted phrase',
      { 'rules.yaml': 'rules:\n  - id: a\n    name: A\n    query: "Union State" OR integration\n' },
      [
        "rules.yaml:4:26: YAML: the value ends at its closing quote, and text follows it: to start a value with a quoted phrase, put the whole value in single quotes (a ' inside written '') or write it as a block (key: >- and the value on the next, indented lines)",
      ],
    ],
    [
      'a query starting with *, read as an alias with no anchor',
      { 'rules.yaml': 'rules:\n  - id: a\n    name: A\n    query: *shenka\n' },
      ['rules.yaml:4:12: YAML: *shenka is an alias, and no &shenka anchor comes before it: a value that starts with * must be quoted'],
    ],
  ])('%s', (_name, files, expected) => {
    expect(problemsOf(files)).toEqual(expected);
  });
});

describe('YAML bounds', () => {
  it('refuses an alias bomb as a located problem, not "Excessive alias count"', () => {
    const bomb = [
      'aliases:',
      '  a: &a [x, x, x, x, x, x, x, x, x]',
      '  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      '  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      '  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      '  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'rules: []',
      '',
    ].join('\n');
    expect(problemsOf({ 'rules.yaml': bomb })).toEqual([
      'rules.yaml:4:10: YAML: aliases expand to more than 100 copies here: an alias of a collection that itself holds aliases multiplies them; write the values out',
    ]);
  });

  it('still expands a few plain aliases', () => {
    expect(problemsOf({ 'rules.yaml': 'aliases:\n  putin: &p [Putin*, Путин*]\n  president: *p\nrules: []\n' })).toEqual([]);
  });

  it('reports every duplicate key but only the first structural mistake of a file', () => {
    expect(problemsOf({ 'settings.yaml': 'server:\n  port: 1\n  port: 2\nlog:\n  level: info\n  level: debug\nhttp:\n\ttimeout: 5s\n  maxRedirects: 3\n' })).toEqual([
      'settings.yaml:3:3: YAML: duplicate key "port" (first at line 2): a mapping holds each key once',
      'settings.yaml:6:3: YAML: duplicate key "level" (first at line 5): a mapping holds each key once',
      'settings.yaml:8:1: YAML: a tab in the indentation: YAML indents with spaces only (replace the tab with spaces)',
    ]);
  });

  it('refuses collections nested deeper than 64 levels (the document root is level 1)', () => {
    const deep = `aliases:\n  x: ${'['.repeat(70)}a${']'.repeat(70)}\nrules: []\n`;
    expect(problemsOf({ 'rules.yaml': deep })).toEqual(['rules.yaml:2:68: YAML: nested deeper than 64 levels']);
  });

  it('refuses nesting too deep for the parser as such, not as a stack overflow', () => {
    const deep = `aliases:\n  x: ${'['.repeat(5000)}a${']'.repeat(5000)}\nrules: []\n`;
    const problems = problemsOf({ 'rules.yaml': deep });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^rules\.yaml:2:\d+: YAML: nested too deeply to read \(configuration files nest at most 64 levels\)$/);
  });
});
