/**
 * What a command says when Redis is not there: one line naming the address and the socket error,
 * at once (no reconnect loop, no "maxRetriesPerRequest" text), exit 1.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli.js';
import { writeConfigDir, type TempConfig } from '../helpers/config-dir.js';

let cfg: TempConfig;
let url: string;

beforeAll(async () => {
  // A port nothing listens on: bound, noted, closed.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  url = `redis://127.0.0.1:${port}`;
  cfg = writeConfigDir({ 'settings.yaml': `redis:\n  url: ${url}\n  prefix: bwtest-unreachable\n` });
});
afterAll(() => cfg.cleanup());

describe('a command whose Redis is unreachable', () => {
  it.each([
    ['poll --once', ['poll', '--once']],
    ['digest --now --dry-run', ['digest', '--subscription', 'daily', '--now', '--dry-run']],
    ['digest --now', ['digest', '--subscription', 'daily', '--now']],
    ['deliveries', ['deliveries']],
    ['sources health', ['sources', 'health']],
    ['search', ['search', 'sanction*']],
    ['rules test', ['rules', 'test', 'sanctions']],
  ])('%s says "cannot reach Redis at URL (ECONNREFUSED)" in one line and exits 1 at once', async (_label, args) => {
    const t0 = Date.now();
    const r = await runCliAsync(['--config', cfg.dir, ...args]);
    const ms = Date.now() - t0;
    expect(r.stderr).toBe(`belwatch: cannot reach Redis at ${url} (ECONNREFUSED)\n`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    // ioredis' reconnect loop took ~20 retries (seconds); one refused connect is milliseconds plus startup
    expect(ms).toBeLessThan(8_000);
  });
});
