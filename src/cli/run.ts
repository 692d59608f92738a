/**
 * `belwatch run [--role ROLE ...] [--port N]`: the service. Without --role, every role in one
 * process. Every process serves /healthz, /readyz and /metrics on its own port: `--port`, else
 * `BELWATCH_PORT`, else `server.port` (give each process of a split deployment its own).
 *
 * Signals: SIGINT/SIGTERM shut down gracefully (see `Service.close`; a second signal exits at
 * once with 130), also while the start is still waiting for Redis; SIGHUP reloads the config (a
 * broken one is refused and the running one kept). Under `npm start`, npm's death is a SIGTERM. Exit status: 0 after a clean shutdown, 1 when
 * a cleanup step failed (each is logged) or the start failed (printed by main.ts).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Role } from '../pipeline/service.js';

/** Kept in step with ROLES in pipeline/service.ts (a test checks). */
export const ROLE_NAMES: readonly Role[] = ['scheduler', 'fetcher', 'processor', 'notifier'];

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('a port number from 0 to 65535');
  return n;
}

/**
 * Under `npm start` (npm sets `npm_lifecycle_event`) npm is this process's parent: the script
 * `exec`s node, so the signals npm forwards reach us. Should npm itself die without forwarding one
 * (SIGKILL), we would live on re-parented; so while run by npm, a parent that changes means stop.
 * Outside npm nothing is watched: `belwatch run &` from a shell that exits keeps running.
 */
function watchNpmParent(stop: () => void): void {
  if (process.env['npm_lifecycle_event'] === undefined) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    stop();
  }, 1_000);
  timer.unref();
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the service (all roles, or those given with --role)')
    .addOption(new Option('--role <role...>', 'roles to run in this process (repeatable)').choices([...ROLE_NAMES]))
    .addOption(new Option('--port <port>', 'HTTP port of this process (default: $BELWATCH_PORT or server.port)').argParser(parsePort))
    .action(async (opts: { role?: Role[]; port?: number }, cmd: Command) => {
      // Loaded here, not at the top: the service's modules are heavy and other commands need none of them.
      const [{ configDirOf }, { createLogger }, { serviceDeps }, { ROLES, startService }] = await Promise.all([
        import('./context.js'),
        import('../log.js'),
        import('../pipeline/adapters.js'),
        import('../pipeline/service.js'),
      ]);
      const roles = opts.role && opts.role.length > 0 ? opts.role : [...ROLES];
      const starting = new AbortController();
      let service: Awaited<ReturnType<typeof startService>> | undefined;
      let signals = 0;
      const stop = (signal: string): void => {
        signals++;
        if (signals > 1) {
          service?.log.warn(`${signal} again: exiting now`);
          process.exit(130);
        }
        if (!service) {
          starting.abort(new Error(`${signal} during start`));
          return;
        }
        const log = service.log;
        log.info(`${signal}: shutting down`);
        service.close().then(
          () => {
            log.info('shutdown complete');
            process.exit(0);
          },
          (e: unknown) => {
            log.error(`shutdown incomplete: ${(e as Error).message}`);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
      watchNpmParent(() => stop('npm exited'));
      // The config is loaded once, by the service (its rules compiled there, in processors only).
      try {
        service = await startService({
          configDir: configDirOf(cmd),
          roles,
          log: (config) => createLogger({ level: config.settings.log.level, pretty: process.stderr.isTTY, secrets: config.secrets }),
          deps: serviceDeps(),
          ...(opts.port !== undefined ? { port: opts.port } : {}),
          signal: starting.signal,
        });
      } catch (e) {
        if (!starting.signal.aborted) throw e;
        process.stderr.write(`belwatch: ${(starting.signal.reason as Error).message}: stopped before the service was up\n`);
        process.exit(0);
      }
      const running = service;
      running.log.info({ roles, port: running.httpPort }, 'belwatch running');
      process.on('SIGHUP', () => {
        void running.reload();
      });
      await new Promise<never>(() => undefined);
    });
}
