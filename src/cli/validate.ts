/** `belwatch validate`: load and check the whole configuration; print `ok` or every problem. */
import type { Command } from 'commander';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check every configuration file and print each problem as file:line:col')
    .action(async (_opts: unknown, cmd: Command) => {
      const { loadCliConfig } = await import('./context.js');
      const config = loadCliConfig(cmd);
      process.stdout.write(
        `ok (${config.sources.length} sources, ${config.rules.length} rules, ${config.subscriptions.length} subscriptions)\n`,
      );
    });
}
