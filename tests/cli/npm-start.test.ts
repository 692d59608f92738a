// `npm start`, the documented start command, as an operator runs it: signals sent to npm's PID
// must end the service gracefully, not leave it running re-parented. Uses the built CLI (dist/).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeConfigDir, MINIMAL, type TempConfig } from '../helpers/config-dir.js';
import { freePort, waitFor, wrap, type Child } from '../helpers/processes.js';
import { openTestRedis, REDIS_URL, type TestRedis } from '../helpers/redis.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let redis: TestRedis;
let config: TempConfig;
let port: number;
let npm: Child | undefined;
let nodePid: number | undefined;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeEach(async () => {
  redis = await openTestRedis();
  port = await freePort();
  config = writeConfigDir({ ...MINIMAL, 'settings.yaml': `redis: { url: "${REDIS_URL}", prefix: ${redis.prefix} }\nserver: { port: ${port}, host: 127.0.0.1 }\n` });
});
afterEach(async () => {
  await npm?.stop('SIGKILL');
  if (nodePid !== undefined && alive(nodePid)) process.kill(nodePid, 'SIGKILL');
  npm = undefined;
  nodePid = undefined;
  await redis.cleanup();
  config.cleanup();
});

/** Starts `npm start`, waits for /healthz, and returns the service's own pid (from its log). */
async function startViaNpm(): Promise<number> {
  npm = wrap(spawn('npm', ['start'], { cwd: ROOT, env: { ...process.env, BELWATCH_CONFIG: config.dir, BELWATCH_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] }));
  const up = await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200, 20_000);
  expect(up, npm.output()).toBe(true);
  const pattern = /"pid":(\d+)[^\n]*"msg":"belwatch running"/;
  expect(await waitFor(() => pattern.test(npm!.output()), 10_000), npm.output()).toBe(true);
  const running = pattern.exec(npm.output());
  return Number(running![1]);
}

describe('npm start', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`shuts the service down gracefully on ${signal} sent to npm's pid`, async () => {
      nodePid = await startViaNpm();
      expect(nodePid).not.toBe(npm!.proc.pid);
      npm!.proc.kill(signal);
      await npm!.exited();
      expect(await waitFor(() => !alive(nodePid!), 10_000)).toBe(true);
      expect(npm!.output()).toContain(`"msg":"${signal}: shutting down"`);
      expect(npm!.output()).toContain('"msg":"shutdown complete"');
      expect(await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => 'refused')).toBe('refused');
    }, 40_000);
  }

  it('stops the service when npm is killed outright (SIGKILL, nothing forwarded)', async () => {
    nodePid = await startViaNpm();
    npm!.proc.kill('SIGKILL');
    await npm!.exited();
    expect(await waitFor(() => !alive(nodePid!), 10_000)).toBe(true);
  }, 40_000);
});
