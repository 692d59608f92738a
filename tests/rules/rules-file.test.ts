import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { loadRulesFile } from '../../src/rules/check.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const write = (text: string): string => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'belwatch-rules-'));
  const file = path.join(dir, 'rules.yaml');
  writeFileSync(file, text);
  return file;
};
const problems = (file: string): string[] => {
  try {
    loadRulesFile(file);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
  }
};

describe('the standalone rules file (belwatch match --rules)', () => {
  it('reports an unknown key at the key itself, as the config loader does', () => {
    const file = write(`rules:\n  - id: s\n    name: S\n    qeury: sanction*\n`);
    expect(problems(file).sort()).toEqual(['2:5: rules[0].query: required', '4:5: rules[0].qeury: unknown key']);
  });

  it('reports a broken query at its offset', () => {
    const file = write(`rules:\n  - id: s\n    name: S\n    query: 'sanction* AND ('\n`);
    expect(problems(file)[0]).toMatch(/^4:\d+: rule s: /);
  });
});
