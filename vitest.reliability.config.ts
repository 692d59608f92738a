/**
 * The reliability suite (tests/reliability): scenarios run one file at a time, in name order (the
 * secrets scan, `zz-secrets.test.ts`, runs last over everything the others wrote), each against
 * the real service in child processes. BELWATCH_RELIABILITY=long selects the long profile.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

class ByName extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return Promise.resolve([...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId)));
  }
}

export default defineConfig({
  test: {
    include: ['tests/reliability/**/*.test.ts'],
    globalSetup: ['tests/helpers/build-once.ts', 'tests/reliability/harness/global-setup.ts'],
    testTimeout: 60 * 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    sequence: { sequencer: ByName },
    reporters: ['default'],
  },
});
