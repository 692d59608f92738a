/**
 * `belwatch run [--role ROLE ...]`: the service. Without --role, every role in one process.
 * SIGINT/SIGTERM: graceful shutdown (a second signal exits at once); SIGHUP: reload the config
 * (a broken one is refused and the running one kept).
 */
import { Option, type Command } from 'commander';
import type { Role } from '../pipeline/service.js';

/** Kept in step with ROLES in pipeline/service.ts (a test checks). */
export const ROLE_NAMES: readonly Role[] = ['scheduler', 'fetcher', 'processor', 'notifier'];

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the service (all roles, or those given with --role)')
    .addOption(new Option('--role <role...>', 'roles to run in this process (repeatable)').choices([...ROLE_NAMES]))
    .action(async (opts: { role?: Role[] }, cmd: Command) => {
      // Loaded here, not at the top: the service's modules are heavy and other commands need none of them.
      const [{ globalOptions, loadCliConfig }, { resolveConfigDir }, { createLogger }, { serviceDeps }, { ROLES, startService }] = await Promise.all([
        import('./context.js'),
        import('../config/load.js'),
        import('../log.js'),
        import('../pipeline/adapters.js'),
        import('../pipeline/service.js'),
      ]);
      const config = loadCliConfig(cmd);
      const log = createLogger({ level: config.settings.log.level, pretty: process.stderr.isTTY, secrets: config.secrets });
      const roles = opts.role && opts.role.length > 0 ? opts.role : [...ROLES];
      const service = await startService({ configDir: resolveConfigDir(globalOptions(cmd).config), roles, log, deps: serviceDeps() });
      log.info({ roles }, 'belwatch running');
      let signals = 0;
      const stop = (signal: string): void => {
        signals++;
        if (signals > 1) {
          log.warn(`${signal} again: exiting now`);
          process.exit(130);
        }
        log.info(`${signal}: shutting down`);
        service
          .close()
          .then(() => process.exit(0))
          .catch(() => process.exit(1));
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGHUP', () => {
        void service.reload();
      });
      await new Promise<never>(() => undefined);
    });
}
