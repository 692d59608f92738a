#!/usr/bin/env node
/**
 * Entry point of the `belwatch` binary. Failure contract: every error ends as one line per problem
 * on stderr and a non-zero exit (1 for errors, 2 for usage errors; `poll --once` adds 3, every source
 * failed); a stack trace is printed only with `--debug`. Commander's own usage errors are already
 * printed by commander when they reach us. A reader that goes away (`belwatch search x | head`)
 * ends the command quietly with the status it had so far (0 unless a result already set one): EPIPE
 * on stdout or stderr is no error of ours.
 */
import { CommanderError } from 'commander';
import { ConfigError, describeError, isBelwatchError } from '../errors.js';
import { buildProgram } from './program.js';

const debug = process.argv.includes('--debug');

function fail(e: unknown): never {
  if (e instanceof CommanderError) {
    process.exit(e.exitCode === 0 ? 0 : 2);
  }
  if (e instanceof ConfigError) {
    for (const line of e.message.split('\n')) process.stderr.write(`${line}\n`);
  } else if (isBelwatchError(e)) {
    process.stderr.write(`belwatch: ${describeError(e)}\n`);
  } else {
    process.stderr.write(`belwatch: unexpected error: ${describeError(e)}${debug ? '' : ' (run with --debug for details)'}\n`);
  }
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exit(isBelwatchError(e) && e.code === 'BW_USAGE' ? 2 : 1);
}

for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    fail(e);
  });
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

try {
  await buildProgram().parseAsync(process.argv);
} catch (e) {
  fail(e);
}
