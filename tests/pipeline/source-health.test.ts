import { describe, expect, it } from 'vitest';
import { assessHealth, emptyHealth, FAILURES_UNHEALTHY, mayPollNow, recordPoll, type SourceHealth } from '../../src/pipeline/source-health.js';

const T0 = Date.parse('2026-11-27T08:00:00Z');
const MIN = 60_000;
const mid = (): number => 0.5;

function polls(outcomes: Parameters<typeof recordPoll>[1][], intervalMs = 15 * MIN): SourceHealth {
  let h = emptyHealth('edm');
  outcomes.forEach((o, i) => {
    h = recordPoll(h, o, intervalMs, T0 + i * intervalMs, mid);
  });
  return h;
}

describe('recordPoll', () => {
  it('counts consecutive failures and resets them on success', () => {
    const failing = polls([{ kind: 'error', errorClass: 'timeout', errorMessage: 'deadline' }, { kind: 'error', errorClass: 'timeout' }]);
    expect(failing.consecutiveFailures).toBe(2);
    expect(failing.lastErrorClass).toBe('timeout');
    expect(failing.lastSuccess).toBeNull();
    const recovered = recordPoll(failing, { kind: 'ok', status: 200, items: 5, newItems: 1 }, 15 * MIN, T0 + 3 * 15 * MIN, mid);
    expect(recovered.consecutiveFailures).toBe(0);
    expect(recovered.lastErrorClass).toBeNull();
    expect(recovered.lastStatus).toBe(200);
    expect(recovered.itemsSeen).toBe(1);
  });

  it('notes the item cap\'s cut of the last successful poll', () => {
    const cut = polls([{ kind: 'ok', status: 200, items: 500, itemsCut: { kept: 500, listed: 20_000 } }]);
    expect(cut.lastItemsCut).toBe('kept 500 of 20,000 items');
    expect(recordPoll(cut, { kind: 'error', errorClass: 'timeout' }, 15 * MIN, T0 + 15 * MIN, mid).lastItemsCut).toBe('kept 500 of 20,000 items');
    expect(recordPoll(cut, { kind: 'ok', status: 200, items: 20 }, 15 * MIN, T0 + 15 * MIN, mid).lastItemsCut).toBeNull();
  });

  it('records no status for a failure that got none, not the last success\'s 200', () => {
    const h = polls([{ kind: 'ok', status: 200, items: 5 }, { kind: 'error', errorClass: 'timeout' }]);
    expect(h.lastStatus).toBeNull();
    expect(polls([{ kind: 'ok', status: 200, items: 5 }, { kind: 'error', errorClass: 'http-status', status: 500 }]).lastStatus).toBe(500);
  });

  it('backs off exponentially after repeated failures, capped at 6 hours', () => {
    const h2 = polls([{ kind: 'error' }, { kind: 'error' }]);
    // second failure at T0+15m: interval * 2^1 = 30 min
    expect(Date.parse(h2.nextAllowedAt!) - (T0 + 15 * MIN)).toBe(30 * MIN);
    const h10 = polls(Array.from({ length: 10 }, () => ({ kind: 'error' as const })));
    expect(Date.parse(h10.nextAllowedAt!) - (T0 + 9 * 15 * MIN)).toBe(6 * 60 * MIN);
  });

  it('honours Retry-After even on the first failure', () => {
    const h = polls([{ kind: 'error', status: 429, errorClass: 'http-status', retryAfterMs: 45 * MIN }]);
    expect(Date.parse(h.nextAllowedAt!) - T0).toBe(45 * MIN);
    expect(mayPollNow(h, T0 + 30 * MIN, 15 * MIN)).toBe(false);
    expect(mayPollNow(h, T0 + 46 * MIN, 15 * MIN)).toBe(true);
  });

  it('does not poll again within half an interval of the last attempt', () => {
    const h = polls([{ kind: 'ok', items: 3 }]);
    expect(mayPollNow(h, T0 + 7 * MIN, 15 * MIN)).toBe(false);
    expect(mayPollNow(h, T0 + 8 * MIN, 15 * MIN)).toBe(true);
    expect(mayPollNow(emptyHealth('new'), T0, 15 * MIN)).toBe(true);
  });

  it('waits for freshness hints longer than the interval, but not for shorter ones', () => {
    expect(polls([{ kind: 'ok', items: 3, freshForMs: 60 * MIN }]).nextAllowedAt).toBe(new Date(T0 + 60 * MIN).toISOString());
    expect(polls([{ kind: 'ok', items: 3, freshForMs: 5 * MIN }]).nextAllowedAt).toBeNull();
  });

  it('keeps a moving average of the publishing cadence', () => {
    const h = polls([
      { kind: 'ok', items: 5, newItems: 2 },
      { kind: 'ok', items: 5, newItems: 0 },
      { kind: 'ok', items: 5, newItems: 1 },
    ]);
    expect(h.cadenceMs).toBe(30 * MIN);
    expect(h.lastNewItem).toBe(new Date(T0 + 30 * MIN).toISOString());
  });

  it('halves the interval when a poll shares no item with the previous one', () => {
    const h = polls([{ kind: 'ok', items: 20, newItems: 20, overlapsPrevious: false }]);
    expect(h.intervalMs).toBe(7.5 * MIN);
    expect(h.droppingSuspectedAt).not.toBeNull();
    const floor = recordPoll({ ...h, intervalMs: 3 * MIN }, { kind: 'ok', items: 20, overlapsPrevious: false }, 15 * MIN, T0, mid);
    expect(floor.intervalMs).toBe(2 * MIN);
  });

  it('never lengthens an interval already under the floor when items seem dropped', () => {
    const h = polls([{ kind: 'ok', items: 20, newItems: 20, overlapsPrevious: false }], 2000);
    expect(h.intervalMs).toBeNull();
    expect(h.droppingSuspectedAt).not.toBeNull();
    const atFloor = recordPoll(emptyHealth('edm'), { kind: 'ok', items: 20, overlapsPrevious: false }, 2 * MIN, T0, mid);
    expect(atFloor.intervalMs).toBeNull();
  });

  it('counts 304s as successes', () => {
    const h = polls([{ kind: 'error' }, { kind: 'not-modified', status: 304 }]);
    expect(h.consecutiveFailures).toBe(0);
    expect(h.notModified).toBe(1);
  });
});

describe('assessHealth', () => {
  it('is healthy when nothing is wrong', () => {
    expect(assessHealth(polls([{ kind: 'ok', items: 5, newItems: 5 }]), T0 + MIN)).toEqual({ healthy: true, reasons: [] });
  });

  it(`is unhealthy after ${FAILURES_UNHEALTHY} failures in a row`, () => {
    const h = polls(Array.from({ length: FAILURES_UNHEALTHY }, () => ({ kind: 'error' as const, errorClass: 'dns' })));
    expect(assessHealth(h, T0).reasons).toEqual([`failed ${FAILURES_UNHEALTHY} times in a row (dns)`]);
    expect(assessHealth(polls([{ kind: 'error', errorClass: 'dns' }]), T0).healthy).toBe(true);
  });

  it('is unhealthy at once when a page selector breaks', () => {
    expect(assessHealth(polls([{ kind: 'error', errorClass: 'selector-broke' }]), T0).reasons).toContain('page selector matches nothing');
  });

  it('is unhealthy when a feed answers 200 with no items', () => {
    expect(assessHealth(polls([{ kind: 'ok', status: 200, items: 0 }]), T0).reasons).toEqual(['answers 200 with no items']);
  });

  it('is unhealthy when quiet for much longer than its cadence', () => {
    const h = polls([
      { kind: 'ok', items: 5, newItems: 1 },
      { kind: 'ok', items: 5, newItems: 1 },
    ]);
    expect(assessHealth(h, T0 + 6 * 60 * MIN).healthy).toBe(true);
    const reasons = assessHealth(h, T0 + 13 * 60 * MIN).reasons;
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^quiet for 13 h \(usually every 15 min\)$/);
  });
});
