/** Child processes started by tests: the belwatch service and private redis-servers. Each is ended by the test that started it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CLI } from './cli.js';

export interface Child {
  readonly proc: ChildProcess;
  output(): string;
  exited(): Promise<number | null>;
  /** Sends the signal (if still running) and waits for the exit, SIGKILL after `ms`. */
  stop(signal?: NodeJS.Signals, ms?: number): Promise<number | null>;
}

/** Tracks a child's exit and output (when piped); `stop` signals, waits, and SIGKILLs after its limit. */
export function wrap(proc: ChildProcess): Child {
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code, sig) => resolve(code ?? (sig ? -1 : null))));
  return {
    proc,
    output: () => out,
    exited: () => exit,
    async stop(signal = 'SIGTERM', ms = 15_000) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), ms);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}

export function spawnBelwatch(args: readonly string[], env: NodeJS.ProcessEnv = {}): Child {
  return wrap(spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  start(): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
  cleanup(): Promise<void>;
}

/** A redis-server of the test's own on a free port, with AOF in a temporary directory. */
export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'belwatch-redis-'));
  let child: Child | undefined;
  const start = async (): Promise<void> => {
    child = wrap(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] }));
    for (let i = 0; i < 100; i++) {
      if (await canConnect(port)) return;
      await sleep(50);
    }
    throw new Error(`redis-server on ${port} did not start: ${child.output()}`);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    async stop(signal = 'SIGTERM') {
      await child?.stop(signal, 5_000);
      child = undefined;
    },
    async cleanup() {
      await child?.stop('SIGKILL', 5_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function canConnect(port: number): Promise<boolean> {
  const { Socket } = await import('node:net');
  return new Promise((resolve) => {
    const s = new Socket();
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.connect(port, '127.0.0.1');
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every 100 ms until it returns true or `ms` pass; returns the last answer. */
export async function waitFor(check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await sleep(100);
  }
}
