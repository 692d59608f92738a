/**
 * `npm run bench:cli [-- --baseline REF] [--runs N]`: how long the `belwatch` binary takes to start
 * and finish `--help`, `--version` and `validate` (the shipped config/), as whole processes, measured
 * in one run. Target: a median of at most 150 ms per command on a quiet machine.
 *
 * The script builds dist/ first. With `--baseline REF` (a commit, branch or tag) that revision's
 * src/ is built into a temporary directory sharing this checkout's node_modules, and each command
 * runs before (REF) and after (this checkout) in turn, so machine noise hits both alike; the table
 * shows min and median wall time of each, and the median ratio. `node -e 0` is timed the same way:
 * the part of every figure that is Node's own startup. Each command runs twice unmeasured first.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const COMMANDS: readonly (readonly string[])[] = [['--help'], ['--version'], ['--config', path.join(ROOT, 'config'), 'validate']];
const WARMUP = 2;

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Builds `ref`'s src/ into a temporary directory; returns its CLI entry point. */
function buildBaseline(ref: string): string {
  const dir = path.join(os.tmpdir(), `belwatch-cli-baseline-${ref.replace(/[^A-Za-z0-9._-]/g, '_')}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync('git', ['-C', ROOT, 'archive', ref, 'src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'], { maxBuffer: 256 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(dir, 'tsconfig.build.json')], { stdio: 'inherit' });
  return path.join(dir, 'dist/cli/main.js');
}

function timeOnce(args: readonly string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
  return ms;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const fmt = (ms: number): string => `${ms.toFixed(0).padStart(5)} ms`;

const runs = Number(argValue('--runs') ?? 15);
if (!Number.isInteger(runs) || runs < 1 || runs > 200) throw new Error('--runs must be a whole number from 1 to 200');
const ref = argValue('--baseline');
const after = path.join(ROOT, 'dist/cli/main.js');
if (!existsSync(after)) throw new Error('dist/cli/main.js is missing: run `npm run build` (npm run bench:cli does)');
const before = ref === undefined ? undefined : buildBaseline(ref);

const rows: string[][] = [];
const label = (args: readonly string[]): string => `belwatch ${args.filter((a, i) => !(a === '--config' || args[i - 1] === '--config')).join(' ')}`;
for (const cmd of [null, ...COMMANDS]) {
  const a = cmd === null ? ['-e', '0'] : [after, ...cmd];
  const b = cmd === null || before === undefined ? undefined : [before, ...cmd];
  for (let i = 0; i < WARMUP; i++) {
    timeOnce(a);
    if (b) timeOnce(b);
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    // alternate which goes first, so neither always follows the other's cache effects
    if (b && i % 2 === 1) tb.push(timeOnce(b));
    ta.push(timeOnce(a));
    if (b && i % 2 === 0) tb.push(timeOnce(b));
  }
  const name = cmd === null ? 'node -e 0 (Node itself)' : label(cmd);
  rows.push([name, fmt(Math.min(...ta)), fmt(median(ta)), ...(before === undefined ? [] : tb.length ? [fmt(Math.min(...tb)), fmt(median(tb)), `${(median(tb) / median(ta)).toFixed(2)}x`] : ['', '', ''])]);
}

const header = ['command', 'min', 'median', ...(before === undefined ? [] : [`min ${ref}`, `median ${ref}`, 'before/after'])];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
process.stdout.write(`${runs} runs each, wall time of the whole process (${os.cpus().length} CPUs, load ${os.loadavg()[0]?.toFixed(1) ?? '?'})\n`);
for (const r of [header, ...rows]) process.stdout.write(`${r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}\n`);
