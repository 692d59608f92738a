import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The import-graph check that `npm run lint` runs (dependency-cruiser with .dependency-cruiser.cjs).
const root = path.resolve(import.meta.dirname, '../..');
const depcruise = (target: string) =>
  spawnSync(path.join(root, 'node_modules/.bin/depcruise'), [target, '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: root, encoding: 'utf8' });

describe('import graph check', () => {
  it('fails on a cycle made only of import type edges', () => {
    const r = depcruise('tests/fixtures/import-cycle');
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain('no-circular');
  }, 30_000);

  it('finds no cycle and no outward import in src', () => {
    const r = depcruise('src');
    expect(r.stdout + r.stderr).toMatch(/no dependency violations/);
    expect(r.status).toBe(0);
  }, 30_000);
});
