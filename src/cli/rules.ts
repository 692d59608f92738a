/**
 * `belwatch rules`: the command group for watch rules.
 *   `rules check [--config DIR]`  compiles every rule (problems as rules.yaml:LINE:COL) and prints
 *                                 each rule's required terms: an article needs one of them to match
 *   `rules explain RULE --text T` shows the parse tree, the evaluation of each node and the matched
 *                                 spans for a text (`--title`, `--summary`, `--author`, `--source`,
 *                                 `--lang` fill the other fields)
 * Further subcommands (`rules test`) are added to the group returned by `registerRules`.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';

interface ExplainOptions {
  readonly text: string;
  readonly title?: string;
  readonly summary?: string;
  readonly author?: string;
  readonly source?: string;
  readonly lang?: string;
}

export function registerRules(program: Command): Command {
  const group = program.command('rules').description('check and explain watch rules');

  group
    .command('check')
    .description("compile every rule and print each rule's required terms")
    .action(async (_opts: unknown, cmd: Command) => {
      const [{ loadCliConfig }, { compileRules }, { describeAnchors }] = await Promise.all([import('./context.js'), import('../rules/compile.js'), import('../rules/anchors.js')]);
      const config = loadCliConfig(cmd);
      const set = compileRules(config.rules, config.aliases);
      for (const rule of set.rules) {
        process.stdout.write(`${rule.id}: requires one of: ${describeAnchors(rule, set.patterns).join(', ')}\n`);
      }
      process.stdout.write(`ok (${set.rules.length} rules)\n`);
    });

  group
    .command('explain')
    .description('show the parse tree of RULE and what it matches in a text')
    .argument('<rule>', 'rule id')
    .requiredOption('--text <text>', 'the article body (content field)')
    .option('--title <text>', 'the title field')
    .option('--summary <text>', 'the summary field')
    .option('--author <text>', 'the author field')
    .option('--source <id>', 'the source id')
    .option('--lang <code>', 'the language code')
    .action(async (ruleId: string, opts: ExplainOptions, cmd: Command) => {
      const [{ loadCliConfig }, { compileRules }, { explainRule }] = await Promise.all([import('./context.js'), import('../rules/compile.js'), import('../rules/explain.js')]);
      const config = loadCliConfig(cmd);
      const set = compileRules(config.rules, config.aliases);
      const rule = set.rules.find((r) => r.id === ruleId);
      if (!rule) throw new UsageError(`unknown rule "${ruleId}" (rules: ${set.rules.map((r) => r.id).join(', ')})`);
      const article = {
        title: opts.title ?? '',
        summary: opts.summary ?? '',
        content: opts.text,
        author: opts.author ?? null,
        sourceId: opts.source ?? '',
        lang: opts.lang ?? null,
      };
      process.stdout.write(explainRule(set, rule, article));
    });

  return group;
}
