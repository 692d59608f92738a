/**
 * `belwatch validate`: load and check the whole configuration; print `ok` or every problem.
 * Warnings (valid, but will not work as written) go to stderr as `file:line:col: warning: …`; with
 * only warnings the exit code is still 0.
 */
import type { Command } from 'commander';
import { formatProblem } from '../errors.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check every configuration file and print each problem as file:line:col')
    .action(async (_opts: unknown, cmd: Command) => {
      const { loadCliConfig } = await import('./context.js');
      const config = loadCliConfig(cmd);
      for (const w of config.warnings) process.stderr.write(`${formatProblem(w)}\n`);
      const warned = config.warnings.length === 0 ? '' : `, ${config.warnings.length} warning${config.warnings.length === 1 ? '' : 's'}`;
      process.stdout.write(
        `ok (${config.sources.length} sources, ${config.rules.length} rules, ${config.subscriptions.length} subscriptions${warned})\n`,
      );
    });
}
