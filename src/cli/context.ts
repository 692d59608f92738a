/**
 * What every command shares: the global options (`--config DIR`, `--debug`) and loading the
 * configuration with every check the installed modules provide (rules are compiled at load so a
 * broken query is a config problem with its file:line:col, not a runtime surprise).
 */
import type { Command } from 'commander';
import type { Problem } from '../errors.js';
import { loadConfig, resolveConfigDir } from '../config/load.js';
import type { Config } from '../config/types.js';

export interface GlobalOptions {
  readonly config?: string;
  readonly debug?: boolean;
}

export type ConfigCheck = (config: Config) => readonly Problem[];

const checks: ConfigCheck[] = [];

/** Lets a module (the rule compiler, say) add its validation to every config load done by the CLI. */
export function registerConfigCheck(check: ConfigCheck): void {
  checks.push(check);
}

export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

export function loadCliConfig(cmd: Command): Config {
  const dir = resolveConfigDir(globalOptions(cmd).config);
  return loadConfig(dir, { checks });
}
