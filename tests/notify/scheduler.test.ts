/** The notifier's scheduler: one node-cron task per digest subscription, replaced on reload, gone on close. */
import cron from 'node-cron';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { startNotifyScheduler } from '../../src/notify/scheduler.js';
import type { TempConfig } from '../helpers/config-dir.js';
import { openTestRedis, type TestRedis } from '../helpers/redis.js';
import { openHarness, writeNotifyConfig, type NotifyHarness } from './setup.js';

let t: TestRedis;
let cfgs: TempConfig[] = [];
let h: NotifyHarness;
beforeEach(async () => {
  t = await openTestRedis();
});
afterEach(async () => {
  await h.close();
  await t.cleanup();
  for (const c of cfgs.splice(0)) c.cleanup();
});

const names = (): string[] => [...cron.getTasks().values()].map((task) => task.name).filter((n): n is string => !!n && n.startsWith('digest-')).sort();

describe('startNotifyScheduler', () => {
  it('schedules digest subscriptions, reschedules on reload and stops every task on close', async () => {
    const one = writeNotifyConfig(t.prefix, `subscriptions:\n  - { id: daily, rules: ["*"], channels: [{ type: file }] }\n  - { id: desk, rules: ["*"], mode: instant, channels: [{ type: file }] }\n`);
    const two = writeNotifyConfig(t.prefix, `subscriptions:\n  - { id: morning, rules: ["*"], channels: [{ type: file }] }\n  - { id: evening, rules: ["*"], schedule: { cron: "0 18 * * *", timezone: America/New_York }, channels: [{ type: file }] }\n`);
    cfgs = [one, two];
    h = openHarness(t.redis, t.keys, one.dir, t.prefix);
    let config = h.config;
    const scheduler = startNotifyScheduler({ ...h.env, queue: h.queue, config: () => config, checkEveryMs: 3_600_000 });
    await scheduler.checkNow();
    expect(names()).toEqual(['digest-daily']);
    config = loadConfig(two.dir);
    scheduler.reschedule(config);
    expect(names()).toEqual(['digest-evening', 'digest-morning']);
    await scheduler.close();
    await scheduler.close();
    expect(names()).toEqual([]);
  });
});

describe('missed cron ticks', () => {
  it('checks at once after a blocked event loop, in the service log, with no node-cron warning on stderr', async () => {
    const cfg = writeNotifyConfig(t.prefix, `subscriptions:\n  - { id: every-second, rules: ["*"], schedule: { cron: "* * * * * *", timezone: UTC }, channels: [{ type: file }] }\n`);
    cfgs = [cfg];
    h = openHarness(t.redis, t.keys, cfg.dir, t.prefix);
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
    try {
      const scheduler = startNotifyScheduler({ ...h.env, log, queue: h.queue, config: () => h.config, checkEveryMs: 3_600_000 });
      await scheduler.checkNow();
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const blockedUntil = Date.now() + 3500; // the event loop blocked past several one-second slots
      while (Date.now() < blockedUntil) {
        /* busy */
      }
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await scheduler.close();
    } finally {
      console.warn = warn;
    }
    expect(lines.some((l) => l.includes('missed a scheduled tick; checking now'))).toBe(true);
    expect(warnings.filter((w) => w.includes('missed execution'))).toEqual([]);
  });
});
