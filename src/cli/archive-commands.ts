/**
 * Commands that read the archive:
 *   `belwatch search QUERY [--days N] [--limit N] [--json]`   articles of the last N days (default 30)
 *                                                            matching QUERY (the watch-rule language)
 *   `belwatch rules test RULE [--days N] [--query Q] [--json]` what rule RULE (as it stands in
 *                                                            rules.yaml now, or with query Q) would
 *                                                            have matched in the last N days
 */
import type { Command} from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Config } from '../config/types.js';
import { UsageError } from '../errors.js';
import { compileRules, type CompiledRuleSet } from '../rules/compile.js';
import { loadCliConfig } from './context.js';
import { printable } from './printable.js';

interface ArchiveOptions {
  readonly days: number;
  readonly limit?: number;
  readonly json?: boolean;
  readonly query?: string;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

async function runBacktest(config: Config, set: CompiledRuleSet, opts: ArchiveOptions): Promise<void> {
  const [{ backtestRules, formatHits }, { connectRedis, Keys, pingRedis }] = await Promise.all([import('../pipeline/backtest.js'), import('../store/redis.js')]);
  const redis = connectRedis(config.settings.redis.url, { maxRetriesPerRequest: 2 });
  try {
    await pingRedis(redis, config.settings.redis.url);
    const since = Date.now() - opts.days * 86_400_000;
    const result = await backtestRules(redis, new Keys(config.settings.redis.prefix), set, since, opts.limit === undefined ? {} : { limit: opts.limit });
    if (opts.json) {
      for (const hit of result.hits) process.stdout.write(`${JSON.stringify({ article: hit.entry.article, firstSeen: new Date(hit.entry.firstSeen).toISOString(), matches: hit.matches })}\n`);
    } else {
      process.stdout.write(printable(formatHits(result)));
    }
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** Compiles one ad-hoc query with the config's aliases; a broken query is a usage error with its column. */
function compileQuery(config: Config, id: string, query: string): CompiledRuleSet {
  const rules = [{ id, name: id, query, priority: 'normal' as const }];
  try {
    return compileRules(rules, config.aliases);
  } catch (e) {
    const problems = (e as { problems?: { offset: number; message: string }[] }).problems;
    const first = problems?.[0];
    if (first) throw new UsageError(`query, column ${first.offset + 1}: ${first.message}`);
    throw e;
  }
}

export function registerSearch(program: Command): void {
  program
    .command('search')
    .description('search recent archived articles with the watch-rule query language')
    .argument('<query>', 'a query, e.g. \'@lukashenka NEAR/5 @putin\'')
    .option('--days <n>', 'how far back to look', positiveInt, 30)
    .option('--limit <n>', 'stop after this many hits', positiveInt)
    .option('--json', 'one JSON line per hit')
    .action(async (query: string, opts: ArchiveOptions, cmd: Command) => {
      const config = loadCliConfig(cmd);
      await runBacktest(config, compileQuery(config, 'search', query), opts);
    });
}

export function registerRulesTest(rules: Command): void {
  rules
    .command('test')
    .description('show what a rule would have matched in the archive of the last N days')
    .argument('<rule>', 'rule id from rules.yaml (with --query: any name)')
    .option('--days <n>', 'how far back to look', positiveInt, 30)
    .option('--query <query>', 'test this query instead of the rule\'s own')
    .option('--limit <n>', 'stop after this many hits', positiveInt)
    .option('--json', 'one JSON line per hit')
    .action(async (ruleId: string, opts: ArchiveOptions, cmd: Command) => {
      const config = loadCliConfig(cmd);
      if (opts.query !== undefined) {
        await runBacktest(config, compileQuery(config, ruleId, opts.query), opts);
        return;
      }
      const rule = config.rules.find((r) => r.id === ruleId);
      if (!rule) throw new UsageError(`unknown rule "${ruleId}" (rules: ${config.rules.map((r) => r.id).join(', ')}); use --query to test a new one`);
      await runBacktest(config, compileRules([rule], config.aliases), opts);
    });
}
