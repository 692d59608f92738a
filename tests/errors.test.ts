import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ERROR_CODES, formatProblem, redactUrl } from '../src/errors.js';

describe('error registry', () => {
  const doc = readFileSync(path.resolve(import.meta.dirname, '../docs/errors.md'), 'utf8');

  it('documents every code in docs/errors.md, and documents no code that does not exist', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(doc).toContain(`\`${code}\``);
    const documented = [...doc.matchAll(/`(BW_[A-Z_]+)`/g)].map((m) => m[1]);
    for (const code of documented) expect(Object.keys(ERROR_CODES)).toContain(code);
  });

  it('formats problems as file:line:col: message', () => {
    const e = new ConfigError([{ file: 'config/rules.yaml', line: 3, col: 7, message: 'bad' }]);
    expect(e.code).toBe('BW_CONFIG');
    expect(e.message).toBe('config/rules.yaml:3:7: bad');
    expect(formatProblem({ file: 'a', line: 1, col: 2, message: 'm' })).toBe('a:1:2: m');
  });

  it('redacts credentials and query strings from URLs', () => {
    expect(redactUrl('https://user:pw@hooks.example.org/a?token=s3cret')).toBe('https://***:***@hooks.example.org/a?***');
    expect(redactUrl('not a url')).toBe('<invalid url>');
  });
});
