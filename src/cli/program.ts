/**
 * The `belwatch` command line: commander, one file per command under `src/cli/`.
 * Global options: `--config DIR` (default `$BELWATCH_CONFIG` or `./config`) and `--debug`
 * (stack traces on error). Commands register themselves through `register*` functions.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerRulesTest, registerSearch } from './archive-commands.js';
import { registerDeliveries } from './deliveries.js';
import { registerDigest } from './digest.js';
import { registerMatch } from './match.js';
import { registerPoll } from './poll.js';
import { registerRules } from './rules.js';
import { registerParse } from './parse.js';
import { registerRun } from './run.js';
import { registerSources } from './sources.js';
import { registerSourcesHealth } from './sources-health.js';
import { registerValidate } from './validate.js';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function buildProgram(): Command {
  const program = new Command('belwatch')
    .description('Monitor the outlets that cover Belarus\u2019 foreign policy and alert analysts on matching articles.')
    .version(packageVersion(), '-V, --version')
    .option('-c, --config <dir>', 'configuration directory (default: $BELWATCH_CONFIG or ./config)')
    .option('--debug', 'print stack traces on errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerValidate(program);
  registerMatch(program);
  registerRulesTest(registerRules(program));
  registerParse(program);
  registerRun(program);
  registerPoll(program);
  registerSearch(program);
  registerSourcesHealth(registerSources(program));
  registerDigest(program);
  registerDeliveries(program);
  for (const cmd of program.commands) {
    cmd.exitOverride();
    for (const sub of cmd.commands) sub.exitOverride();
  }
  return program;
}
