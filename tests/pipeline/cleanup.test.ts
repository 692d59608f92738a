import { describe, expect, it } from 'vitest';
import { ShutdownError } from '../../src/errors.js';
import { CleanupList } from '../../src/pipeline/cleanup.js';

describe('the cleanup list', () => {
  it('runs every step newest first even when some fail, then throws one error naming the failed steps', async () => {
    const list = new CleanupList();
    const ran: string[] = [];
    list.add('redis', () => ran.push('redis'));
    list.add('queues', () => {
      ran.push('queues');
      throw new Error('queue close refused');
    });
    list.add('workers', async () => {
      ran.push('workers');
      await Promise.reject(new Error('worker close refused'));
    });
    list.add('schedules', () => ran.push('schedules'));
    const err = await list.run().catch((e: unknown) => e);
    expect(ran).toEqual(['schedules', 'workers', 'queues', 'redis']);
    expect(err).toBeInstanceOf(ShutdownError);
    expect((err as ShutdownError).code).toBe('BW_SHUTDOWN');
    expect((err as ShutdownError).failures.map((f) => f.step)).toEqual(['workers', 'queues']);
    expect((err as ShutdownError).message).toBe('shutdown: workers failed: worker close refused; queues failed: queue close refused');
  });

  it('goes on past a step that hangs beyond its time limit', async () => {
    const list = new CleanupList();
    let after = false;
    list.add('redis', () => (after = true));
    list.add('stuck', () => new Promise(() => undefined), { timeoutMs: 50 });
    const err = (await list.run().catch((e: unknown) => e)) as ShutdownError;
    expect(after).toBe(true);
    expect(err.failures.map((f) => f.step)).toEqual(['stuck']);
    expect(err.message).toContain('still running after 50 ms');
  });

  it('runs its steps once however often it is called', async () => {
    const list = new CleanupList();
    let runs = 0;
    list.add('once', () => runs++);
    await Promise.all([list.run(), list.run()]);
    await list.run();
    expect(runs).toBe(1);
  });
});
