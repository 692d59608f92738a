/**
 * `belwatch sources`: the command group for the configured sources (alone: the health table, see
 * sources-health.ts).
 * - `sources import FILE.opml`: adds the OPML file's feeds to `<config>/sources.yaml`, skipping ones
 *   already there (same canonical URL) and keeping the file's comments; prints what was added. Titles
 *   and URLs are written literally (`$` as `$$`: no `${VAR}` of an OPML file is ever substituted), with
 *   each outline's `language` as the source's `lang` when it is a language code. The
 *   result is validated with the rest of the configuration before it is written: if it would not
 *   load, nothing is written and the problems are printed.
 * - `sources export [--output FILE]`: writes the feed sources as OPML 2.0 (stdout by default).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describeError, InputError } from '../errors.js';

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as { code?: string }).code ?? describeError(e)}`);
  }
}

export function registerSources(program: Command): Command {
  const group = program.command('sources').description('source health (the default), and OPML import/export');

  group
    .command('import')
    .description('add the feeds of an OPML file to sources.yaml (keeps comments, skips known feeds)')
    .argument('<file>', 'OPML file')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const [{ globalOptions, loadCliConfig }, { resolveConfigDir }, { addFeedsToSourcesYaml, parseOpml }] = await Promise.all([
        import('./context.js'),
        import('../config/load.js'),
        import('../sources/opml.js'),
      ]);
      const feeds = parseOpml(readText(file));
      const target = path.join(resolveConfigDir(globalOptions(cmd).config), 'sources.yaml');
      const before = readText(target);
      const result = addFeedsToSourcesYaml(before, feeds);
      if (result.added.length > 0) {
        const tmp = `${target}.tmp-${process.pid}`;
        writeFileSync(tmp, result.text);
        renameSync(tmp, target);
        try {
          loadCliConfig(cmd);
        } catch (e) {
          writeFileSync(target, before);
          throw e;
        }
      }
      process.stdout.write(`added ${result.added.length} (${result.added.join(', ') || 'none'}), skipped ${result.skipped.length} already configured\n`);
    });

  group
    .command('export')
    .description('write the feed sources as OPML')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (opts: { output?: string }, cmd: Command) => {
      const [{ loadCliConfig }, { renderOpml }] = await Promise.all([import('./context.js'), import('../sources/opml.js')]);
      const config = loadCliConfig(cmd);
      const opml = renderOpml(config.sources);
      if (opts.output) writeFileSync(opts.output, opml);
      else process.stdout.write(opml);
    });

  return group;
}
