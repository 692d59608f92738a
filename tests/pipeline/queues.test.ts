import { describe, expect, it } from 'vitest';
import { NOTIFY_JOB_OPTIONS, notifyJobOptions, processJobId } from '../../src/pipeline/queues.js';
import { pollOffset } from '../../src/pipeline/schedule-polls.js';
import { writeConfigDir } from '../helpers/config-dir.js';
import { loadConfig } from '../../src/config/load.js';

describe('queue options', () => {
  it('takes the delivery retry policy from settings.yaml', () => {
    const tmp = writeConfigDir({ 'settings.yaml': 'delivery:\n  attempts: 3\n  backoff: 2s\n' });
    try {
      const { delivery } = loadConfig(tmp.dir, { env: {} }).settings;
      expect(delivery).toEqual({ attempts: 3, backoff: 2000 });
      expect(notifyJobOptions(delivery)).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 2000, jitter: 0.5 } });
      expect(notifyJobOptions()).toBe(NOTIFY_JOB_OPTIONS);
    } finally {
      tmp.cleanup();
    }
  });

  it('gives a batch of articles the same job id whenever it is queued, without ":"', () => {
    const a = processJobId('edm', ['x:1', 'x:2']);
    expect(a).toBe(processJobId('edm', ['x:1', 'x:2']));
    expect(a).not.toBe(processJobId('edm', ['x:1']));
    expect(a).not.toContain(':');
  });
});

describe('poll offsets', () => {
  it('spread sources evenly over the whole interval, the same offset for an id every time', () => {
    const interval = 10_000;
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 1000; i++) {
      const offset = pollOffset(`outlet-${i}`, interval);
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(interval);
      buckets[Math.floor(offset / 1000)]!++;
    }
    // each tenth of the interval holds about a tenth of the sources (a wave would fill one)
    for (const n of buckets) expect(n).toBeGreaterThan(60);
    expect(pollOffset('edm', 1_800_000)).toBe(pollOffset('edm', 1_800_000));
    expect(pollOffset('edm', 1)).toBe(0);
  });
});
