import { describe, expect, it } from 'vitest';
import { formatHealthTable, healthState } from '../../src/cli/sources-health.js';
import { assessHealth, emptyHealth, recordPoll, type PollOutcome } from '../../src/pipeline/source-health.js';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const failure: PollOutcome = { kind: 'error', status: 500, errorClass: 'http-status', errorMessage: 'HTTP 500' };
const success: PollOutcome = { kind: 'ok', status: 200, items: 5, newItems: 1 };

function after(outcomes: readonly PollOutcome[]) {
  let h = emptyHealth('nn');
  outcomes.forEach((o, i) => (h = recordPoll(h, o, 15 * 60_000, NOW - (outcomes.length - i) * 60_000, () => 0.5)));
  return h;
}

describe('sources health state', () => {
  it.each([
    ['never polled', [], 'never-polled'],
    ['failed once and never succeeded', [failure], 'failing: never succeeded'],
    ['failed twice and never succeeded', [failure, failure], 'failing: never succeeded'],
    ['failed three times and never succeeded', [failure, failure, failure], 'UNHEALTHY: failed 3 times in a row (http-status); never succeeded'],
    ['succeeded, then failed once', [success, failure], 'failing: 1 in a row'],
    ['failed, then succeeded', [failure, success], 'ok'],
  ] as const)('a source that %s is %s', (_label, outcomes, state) => {
    const h = after(outcomes);
    expect(healthState(h, assessHealth(h, NOW))).toBe(state);
  });

  it('never shows ok for a source that never succeeded', () => {
    const table = formatHealthTable([after([failure])], NOW);
    expect(table.split('\n')[1]).toMatch(/^nn\s+failing: never succeeded\s+never\s+1\s+http-status: HTTP 500/);
  });
});
