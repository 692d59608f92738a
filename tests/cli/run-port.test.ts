import { describe, expect, it } from 'vitest';
import { hasStackTrace, runCli } from '../helpers/cli.js';

describe('belwatch run --port', () => {
  it('refuses a port that is not a number from 0 to 65535 as a usage error', () => {
    for (const bad of ['70000', 'http', '-1']) {
      const r = runCli(['run', '--port', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/a port number from 0 to 65535/);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });
});
