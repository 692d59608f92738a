/**
 * Two vitest projects (the reliability suite has its own config, vitest.reliability.config.ts):
 *
 *   unit         pure tests: no Redis, no child processes; files run in parallel
 *   integration  tests that talk to Redis or run the service/CLI as child processes; files run one
 *                at a time (as BullMQ runs its Redis suite), so their timing-sensitive waits are not
 *                starved by each other on a small machine
 *
 * A file belongs to `integration` when it imports a Redis client, the process or CLI helpers or
 * node:child_process (INTEGRATION below reads each file once at start), so a new test lands in the
 * right project without a list to keep. dist/ is built once before either project starts
 * (tests/helpers/build-once.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const ALL = 'tests/**/*.test.ts';
const RELIABILITY = 'tests/reliability/**';
const NEEDS_SERVICES = /from '(ioredis|node:child_process|bullmq)'|helpers\/(redis|processes|cli)\.js'|notify\/setup\.js'/;

const INTEGRATION = readdirSync('tests', { recursive: true, encoding: 'utf8' })
  .map((rel) => `tests/${rel.replaceAll('\\', '/')}`)
  .filter((file) => file.endsWith('.test.ts') && !file.startsWith('tests/reliability/'))
  .filter((file) => NEEDS_SERVICES.test(readFileSync(file, 'utf8')))
  .sort();

// each project names the build step; it runs once (build-once.ts marks the process when done)
const shared = { testTimeout: 30_000, hookTimeout: 30_000, pool: 'forks' as const, globalSetup: ['tests/helpers/build-once.ts'] };

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: { ...shared, name: 'unit', include: [ALL], exclude: [RELIABILITY, 'node_modules/**', ...INTEGRATION] },
      },
      {
        test: { ...shared, name: 'integration', include: INTEGRATION, fileParallelism: false },
      },
    ],
  },
});
