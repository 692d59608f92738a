/**
 * Commands that read the archive:
 *   `belwatch search QUERY [--days N] [--limit N] [--tz ZONE] [--json]`   articles of the last N days
 *                                         (default 30) matching QUERY (the watch-rule language)
 *   `belwatch rules test RULE [--days N] [--query Q] [--tz ZONE] [--json]`   what rule RULE (as it
 *                                         stands in rules.yaml now, or with query Q) would have
 *                                         matched in the last N days
 * Human output: a first line naming the time zone of the dates, then one line per hit, newest
 * publication first: date, outlet, title, <url>; then the count. The zone is `--tz`, else the one
 * every subscription's schedule uses when they agree, else UTC. `--limit` keeps the N most recently
 * archived hits. `--json`: one line per hit, dates in ISO 8601 UTC, in the same order.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Config } from '../config/types.js';
import { formatDateTime } from '../digest/format.js';
import { UsageError } from '../errors.js';
import type { BacktestHit, BacktestResult } from '../rules/backtest.js';
import type { CompiledRuleSet } from '../rules/types.js';
import { printable } from './printable.js';

interface ArchiveOptions {
  readonly days: number;
  readonly limit?: number;
  readonly json?: boolean;
  readonly query?: string;
  readonly tz?: string;
}

/** The zone dates are printed in: `--tz`, else the subscriptions' common schedule zone, else UTC. */
export function displayZone(config: Pick<Config, 'subscriptions'>, tz: string | undefined): string {
  if (tz !== undefined) {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    } catch {
      throw new UsageError(`--tz: unknown time zone "${tz}" (use an IANA name such as Europe/Minsk, or UTC)`);
    }
    return tz;
  }
  const zones = new Set(config.subscriptions.map((s) => s.schedule.timezone));
  const [only] = zones;
  return zones.size === 1 && only !== undefined ? only : 'UTC';
}

/** Newest publication first; ties keep the archive's order (most recently seen first). */
export function sortHits(hits: readonly BacktestHit[]): BacktestHit[] {
  return [...hits].sort((a, b) => Date.parse(b.entry.article.published) - Date.parse(a.entry.article.published));
}

export function formatHits(result: BacktestResult, timeZone: string): string {
  const lines = [`dates in ${timeZone}`];
  for (const { entry } of sortHits(result.hits)) {
    const a = entry.article;
    lines.push(`${formatDateTime(a.published, timeZone).padStart(18)}  ${a.sourceId.padEnd(18)}  ${a.title}${a.url ? `  <${a.url}>` : ''}`);
  }
  lines.push(`${result.hits.length} matched of ${result.scanned} archived articles`);
  return `${lines.join('\n')}\n`;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

async function runBacktest(config: Config, set: CompiledRuleSet, opts: ArchiveOptions): Promise<void> {
  const zone = displayZone(config, opts.tz);
  const [{ backtestRules }, { withRedis }] = await Promise.all([import('../rules/backtest.js'), import('./redis-session.js')]);
  const since = Date.now() - opts.days * 86_400_000;
  const result = await withRedis(config, (redis, keys) => backtestRules(redis, keys, set, since, opts.limit === undefined ? {} : { limit: opts.limit }));
  if (opts.json) {
    for (const hit of sortHits(result.hits)) process.stdout.write(`${JSON.stringify({ article: hit.entry.article, firstSeen: new Date(hit.entry.firstSeen).toISOString(), matches: hit.matches })}\n`);
  } else {
    process.stdout.write(printable(formatHits(result, zone)));
  }
}

/** Compiles one ad-hoc query with the config's aliases; a broken query is a usage error with its column. */
async function compileQuery(config: Config, id: string, query: string): Promise<CompiledRuleSet> {
  const { compileRules } = await import('../rules/compile.js');
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
    .option('--tz <zone>', 'print dates in this IANA time zone (default: the subscriptions\' zone, else UTC)')
    .option('--json', 'one JSON line per hit')
    .action(async (query: string, opts: ArchiveOptions, cmd: Command) => {
      const { loadCliConfig } = await import('./context.js');
      const config = loadCliConfig(cmd);
      await runBacktest(config, await compileQuery(config, 'search', query), opts);
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
    .option('--tz <zone>', 'print dates in this IANA time zone (default: the subscriptions\' zone, else UTC)')
    .option('--json', 'one JSON line per hit')
    .action(async (ruleId: string, opts: ArchiveOptions, cmd: Command) => {
      const [{ loadCliConfig }, { compileRules }] = await Promise.all([import('./context.js'), import('../rules/compile.js')]);
      const config = loadCliConfig(cmd);
      if (opts.query !== undefined) {
        await runBacktest(config, await compileQuery(config, ruleId, opts.query), opts);
        return;
      }
      const rule = config.rules.find((r) => r.id === ruleId);
      if (!rule) throw new UsageError(`unknown rule "${ruleId}" (rules: ${config.rules.map((r) => r.id).join(', ')}); use --query to test a new one`);
      await runBacktest(config, compileRules([rule], config.aliases), opts);
    });
}
