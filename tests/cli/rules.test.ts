import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeConfigDir, type TempConfig } from '../helpers/config-dir.js';
import { hasStackTrace, runCli } from '../helpers/cli.js';

const BROKEN_RULES = `aliases:
  putin: [Putin*]
rules:
  - id: folded
    name: Folded
    query: >-
      @putin AND
      (talks OR
       @nobody)
  - id: quoted
    name: Quoted
    query: "sanction* AND (iran"
  - id: single
    name: Single
    query: 'putin NEAR/3 (a b)'
  - id: plain
    name: Plain
    query: NOT iran
`;

let tmp: TempConfig | undefined;
let dir: string | undefined;
afterEach(() => {
  tmp?.cleanup();
  tmp = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function tempFile(name: string, text: string): string {
  dir ??= mkdtempSync(path.join(os.tmpdir(), 'belwatch-rules-'));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('belwatch validate with broken queries', () => {
  it('prints rules.yaml:LINE:COL: rule <id>: message for block, quoted and plain scalars', () => {
    tmp = writeConfigDir({ 'rules.yaml': BROKEN_RULES });
    const r = runCli(['validate', '--config', tmp.dir]);
    expect(r.code).toBe(1);
    const file = path.join(tmp.dir, 'rules.yaml');
    expect(r.stderr.trim().split('\n')).toEqual([
      `${file}:9:8: rule folded: unknown alias @nobody`,
      `${file}:12:27: rule quoted: unbalanced parenthesis: this '(' is never closed`,
      `${file}:15:27: rule single: bad NEAR/3 operand: use a term, phrase, alias or a parenthesised OR of those (not AND)`,
      `${file}:18:12: rule plain: the query could match without any positive term (add a term that must be present)`,
    ]);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe('belwatch rules', () => {
  it('check prints the required terms of every shipped rule', () => {
    const r = runCli(['rules', 'check']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['lukashenka-putin', 'sanctions', 'integration', 'ok (3 rules)']);
    expect(lines[0]).toMatch(/^lukashenka-putin: requires one of: .*putin\*/);
  });

  it('check refuses a broken rule with its position', () => {
    tmp = writeConfigDir({ 'rules.yaml': 'rules:\n  - id: x\n    name: X\n    query: a OR\n' });
    const r = runCli(['rules', 'check', '--config', tmp.dir]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`${path.join(tmp.dir, 'rules.yaml')}:4:14: rule x: dangling operator "OR": nothing to its right`);
  });

  it('explain shows the parse tree, the evaluation and the matched spans', () => {
    const r = runCli(['rules', 'explain', 'lukashenka-putin', '--text', 'Лукашенко и Путин провели переговоры в Сочи.']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('parse tree:\n');
    expect(r.stdout).toContain('alias @lukashenka');
    expect(r.stdout).toContain('result: MATCHES');
    expect(r.stdout).toContain('content: [[Лукашенко]] и [[Путин]] провели [[переговоры]] в Сочи.');
  });

  it('explain says when a text does not match, and refuses an unknown rule', () => {
    const no = runCli(['rules', 'explain', 'sanctions', '--text', 'The board sanctioned the plan.']);
    expect(no.code).toBe(0);
    expect(no.stdout).toContain('result: does not match');
    const unknown = runCli(['rules', 'explain', 'nope', '--text', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^belwatch: unknown rule "nope"/);
  });
});

describe('belwatch match', () => {
  const RULES = `aliases:
  putin: [Putin*, Путин*]
rules:
  - id: putin
    name: Putin
    query: '@putin'
  - id: sanctions
    name: Sanctions
    query: sanction* NOT iran
`;
  const ARTICLES = [
    { id: 'a1', title: 'Путин в Минске', source: 'belta', lang: 'ru' },
    { id: 'a2', title: 'New sanctions', content: 'Putin responds to sanctions.' },
    { id: 'a3', title: 'Sanctions on Iran' },
  ];

  it('writes one JSON line per (article, rule) match, from a file or standard input', () => {
    const rules = tempFile('rules.yaml', RULES);
    const jsonl = `${ARTICLES.map((a) => JSON.stringify(a)).join('\n')}\n\n`;
    const input = tempFile('in.jsonl', jsonl);
    for (const args of [['--input', input], ['--input', '-'], []]) {
      const r = runCli(['match', '--rules', rules, ...args], { input: jsonl });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout.trim().split('\n').map((l): unknown => JSON.parse(l))).toEqual([
        { article: 'a1', rule: 'putin', highlights: { title: [{ start: 0, end: 5 }] }, terms: ['putin*'] },
        { article: 'a2', rule: 'putin', highlights: { content: [{ start: 0, end: 5 }] }, terms: ['putin*'] },
        {
          article: 'a2',
          rule: 'sanctions',
          highlights: { title: [{ start: 4, end: 13 }], content: [{ start: 18, end: 27 }] },
          terms: ['sanction*'],
        },
      ]);
    }
  });

  it('exits 1 with file:line:col lines for a broken rules file, without a stack trace', () => {
    const rules = tempFile('rules.yaml', BROKEN_RULES);
    const r = runCli(['match', '--rules', rules], { input: '' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(`${rules}:9:8: rule folded: unknown alias @nobody`);
    expect(lines[1]).toBe(`${rules}:12:27: rule quoted: unbalanced parenthesis: this '(' is never closed`);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('reports an unknown key in the rules file at the key, as the config loader does', () => {
    const rules = tempFile('rules.yaml', 'rules:\n  - id: x\n    name: X\n    query: a\n    colour: red\n');
    const r = runCli(['match', '--rules', rules]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${rules}:5:5: rules[0].colour: unknown key\n`);
  });

  it('refuses a malformed input line with its number, and a missing input file', () => {
    const rules = tempFile('rules.yaml', RULES);
    const bad = runCli(['match', '--rules', rules], { input: '{"id":"a","title":"Putin"}\nnot json\n' });
    expect(bad.code).toBe(1);
    expect(bad.stdout.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toBe('belwatch: input line 2: not valid JSON\n');
    const noId = runCli(['match', '--rules', rules], { input: '{"title":"Putin"}\n' });
    expect(noId.stderr).toBe('belwatch: input line 1: "id" is required\n');
    const missing = runCli(['match', '--rules', rules, '--input', '/nonexistent/in.jsonl']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('belwatch: cannot read /nonexistent/in.jsonl (ENOENT)\n');
  });
});
