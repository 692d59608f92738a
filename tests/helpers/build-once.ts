/**
 * Global setup of the unit and integration projects: builds dist/ once per test run, before any
 * test starts, so CLI tests (which run the built binary) never meet a stale build. A failed build
 * fails the run with the compiler's output. BELWATCH_TEST_SKIP_BUILD=1 skips it (when the caller
 * has just built, as `npm test` does not need to).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export default function buildOnce(): void {
  if (process.env['BELWATCH_TEST_SKIP_BUILD'] === '1') return;
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${String(r.status)}):\n${r.stdout}${r.stderr}`);
  // every child that reads dist/ from now on sees this build; later runs in the same process reuse it
  process.env['BELWATCH_TEST_SKIP_BUILD'] = '1';
}
