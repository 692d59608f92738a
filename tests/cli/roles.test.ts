import { describe, expect, it } from 'vitest';
import { ROLE_NAMES } from '../../src/cli/run.js';
import { ROLES } from '../../src/pipeline/service.js';

describe('belwatch run --role', () => {
  it('offers exactly the roles the service knows', () => {
    expect([...ROLE_NAMES].sort()).toEqual([...ROLES].sort());
  });
});
