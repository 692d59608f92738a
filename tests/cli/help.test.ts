/**
 * Help output, checked in-process against the program the binary builds (one process per command
 * took minutes on a loaded machine); the binary's own `--help` is run once in tests/cli/cli.test.ts.
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';

function everyCommand(cmd: Command, path: readonly string[] = []): { path: readonly string[]; cmd: Command }[] {
  return cmd.commands.flatMap((sub) => {
    const here = [...path, sub.name()];
    return [{ path: here, cmd: sub }, ...everyCommand(sub, here)];
  });
}

describe('belwatch help', () => {
  const program = buildProgram();
  const commands = everyCommand(program);

  it('lists every command in the program help', () => {
    const help = program.helpInformation();
    expect(help).toContain('Usage: belwatch');
    for (const { path, cmd } of commands.filter((c) => c.path.length === 1)) {
      expect(help, path.join(' ')).toMatch(new RegExp(`^ {2}${cmd.name()}\\b`, 'm'));
    }
    expect(commands.map((c) => c.path.join(' '))).toEqual(expect.arrayContaining(['validate', 'run', 'poll', 'search', 'rules test', 'sources health']));
  });

  it.each(commands.map((c) => [c.path.join(' '), c.cmd] as const))('prints usage and a description for %s', (name, cmd) => {
    const help = cmd.helpInformation();
    expect(help).toContain(`Usage: belwatch ${name}`);
    expect(cmd.description().length, name).toBeGreaterThan(10);
  });
});
