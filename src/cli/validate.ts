/** `belwatch validate`: load and check the whole configuration; print `ok` or every problem. */
import type { Command } from 'commander';
import { loadCliConfig } from './context.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check every configuration file and print each problem as file:line:col')
    .action((_opts: unknown, cmd: Command) => {
      const config = loadCliConfig(cmd);
      process.stdout.write(
        `ok (${config.sources.length} sources, ${config.rules.length} rules, ${config.subscriptions.length} subscriptions)\n`,
      );
    });
}
