/**
 * What every command shares: the global options (`--config DIR`, `--debug`) and loading the
 * configuration with the one config check path there is: `loadConfig` with the rule check
 * (`rules/check.ts`), so a broken query is a config problem with its file:line:col, not a runtime
 * surprise. The service (`belwatch run`) loads through the same `loadConfig`, compiling the rules
 * there instead of checking them twice.
 */
import type { Command } from 'commander';
import { loadConfig, resolveConfigDir } from '../config/load.js';
import type { Config } from '../config/types.js';
import { checkRules } from '../rules/check.js';

export interface GlobalOptions {
  readonly config?: string;
  readonly debug?: boolean;
}

export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

export function configDirOf(cmd: Command): string {
  return resolveConfigDir(globalOptions(cmd).config);
}

export function loadCliConfig(cmd: Command): Config {
  return loadConfig(configDirOf(cmd), { checks: [checkRules] });
}
