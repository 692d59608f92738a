import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeConfigDir, type TempConfig } from '../helpers/config-dir.js';
import { CLI, hasStackTrace, runCli } from '../helpers/cli.js';

let tmp: TempConfig | undefined;
afterEach(() => tmp?.cleanup());

describe('belwatch CLI', () => {
  it('prints help from the binary (every command is checked in-process: help.test.ts)', () => {
    const root = runCli(['--help']);
    expect(root.code).toBe(0);
    expect(root.stderr).toBe('');
    expect(root.stdout).toContain('Usage: belwatch');
    expect(root.stdout).toMatch(/^ {2}validate\b/m);
  });

  it('validates the shipped config', () => {
    const r = runCli(['validate']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok \(\d+ sources, \d+ rules, \d+ subscriptions\)\n$/);
  });

  it('prints every problem as file:line:col and exits 1, with no stack trace', () => {
    tmp = writeConfigDir({
      'sources.yaml': 'sources:\n  - id: edm\n    name: EDM\n    kind: feed\n    url: not-a-url\n    colour: red\n',
      'settings.yaml': 'redis: [\n',
    });
    const r = runCli(['validate', '--config', tmp.dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^\/.+\.yaml:\d+:\d+: .+/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('prints warnings on stderr and still exits 0 when there are only warnings', () => {
    tmp = writeConfigDir({ 'sources.yaml': 'sources:\n  - id: meta\n    name: Metadata\n    kind: feed\n    url: http://169.254.169.254/latest/meta-data/\n' });
    const r = runCli(['validate', '--config', tmp.dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ok (1 sources, 1 rules, 1 subscriptions, 1 warning)\n');
    expect(r.stderr).toBe(
      `${tmp.dir}/sources.yaml:5:10: warning: source "meta" points at 169.254.169.254, a link-local (cloud metadata) address: every fetch will be refused unless settings.yaml's http.allowPrivateNetworks allows it\n`,
    );
  });

  it('blames a bad environment override on its variable', () => {
    tmp = writeConfigDir({});
    const r = runCli(['validate', '--config', tmp.dir], { env: { BELWATCH_PORT: 'abc' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('environment BELWATCH_PORT: expected a port number from 0 to 65535, got "abc"\n');
  });

  it('reads the directory from BELWATCH_CONFIG', () => {
    tmp = writeConfigDir({ 'rules.yaml': 'rules: 3\n' });
    const r = runCli(['validate'], { env: { BELWATCH_CONFIG: tmp.dir } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${tmp.dir}/rules.yaml:1:8: rules: Invalid input: expected array, received number`);
  });

  it('reports a missing directory in one line per file', () => {
    const r = runCli(['validate', '--config', '/nonexistent/belwatch']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      '/nonexistent/belwatch/rules.yaml:1:1: file not found',
      '/nonexistent/belwatch/sources.yaml:1:1: file not found',
      '/nonexistent/belwatch/subscriptions.yaml:1:1: file not found',
    ]);
  });

  it('refuses an unknown option or command with one line and exit 2', () => {
    for (const args of [['validate', '--bogus'], ['no-such-command']]) {
      const r = runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(/^error: unknown (option|command)/);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });

  it('exits quietly when the reader of its output goes away (| head)', async () => {
    tmp = writeConfigDir({});
    const input = path.join(tmp.dir, 'articles.jsonl');
    writeFileSync(input, Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ id: `a${i}`, title: `New sanctions on Belarus, part ${i}` })).join('\n'));
    const child = spawn(process.execPath, [CLI, 'match', '--rules', path.join(tmp.dir, 'rules.yaml'), '--input', input], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // like `head -1`: read the first chunk, then close the pipe while the command still writes
    child.stdout.once('data', () => child.stdout.destroy());
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    clearTimeout(timer);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 70_000);
});
