/**
 * `belwatch poll --once [--source ID] [--json]`: fetch and process every (or one) source now, in
 * this process, ignoring backoff; print a summary and exit. Errors of single sources are part of
 * the summary (exit 0); a broken config or unreachable Redis exits 1.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { PipelineContext } from '../pipeline/context.js';
import type { PollSummary } from '../pipeline/poll-source.js';
import { globalOptions, loadCliConfig } from './context.js';

interface PollOptions {
  readonly once?: boolean;
  readonly source?: string;
  readonly json?: boolean;
}

export interface PollReport {
  readonly sources: number;
  readonly fetched: number;
  readonly notModified: number;
  readonly new: number;
  readonly duplicates: number;
  readonly clustered: number;
  readonly matched: number;
  readonly errors: readonly { source: string; class: string; message: string }[];
}

export function summarisePolls(polls: readonly PollSummary[]): PollReport {
  const sum = (f: (p: PollSummary) => number): number => polls.reduce((n, p) => n + f(p), 0);
  return {
    sources: polls.length,
    fetched: polls.filter((p) => p.outcome === 'ok').length,
    notModified: polls.filter((p) => p.outcome === 'not-modified').length,
    new: sum((p) => p.new),
    duplicates: sum((p) => p.duplicates),
    clustered: sum((p) => p.clustered),
    matched: sum((p) => p.matched),
    errors: polls
      .filter((p) => p.outcome === 'error')
      .map((p) => ({ source: p.sourceId, class: p.errorClass ?? 'unknown', message: p.errorMessage ?? '' })),
  };
}

export function registerPoll(program: Command): void {
  program
    .command('poll')
    .description('fetch and process every source (or one) now, print a summary and exit')
    .option('--once', 'poll once and exit (the scheduled service is `belwatch run`)')
    .option('--source <id>', 'only this source')
    .option('--json', 'print one JSON object with the counts')
    .action(async (opts: PollOptions, cmd: Command) => {
      if (!opts.once) throw new UsageError('poll needs --once (the scheduled service is `belwatch run`)');
      const [{ createLogger }, { serviceDeps }, { buildRuntime }, { pollSource }, { processInline }, { connectRedis, Keys, pingRedis }, { closeParsePool }] = await Promise.all([
        import('../log.js'),
        import('../pipeline/adapters.js'),
        import('../pipeline/context.js'),
        import('../pipeline/poll-source.js'),
        import('../pipeline/sinks.js'),
        import('../store/redis.js'),
        import('../sources/parse-pool.js'),
      ]);
      const config = loadCliConfig(cmd);
      const sources = config.sources.filter((s) => (opts.source ? s.id === opts.source : s.enabled));
      if (opts.source && sources.length === 0) throw new UsageError(`unknown source "${opts.source}"`);
      const log = createLogger({ level: globalOptions(cmd).debug ? 'debug' : 'error', secrets: config.secrets });
      const redis = connectRedis(config.settings.redis.url, { maxRetriesPerRequest: 2 });
      try {
        await pingRedis(redis, config.settings.redis.url);
        const deps = serviceDeps();
        const runtime = buildRuntime(config, deps.compile(config));
        const ctx: PipelineContext = {
          redis,
          keys: new Keys(config.settings.redis.prefix),
          log,
          runtime: () => runtime,
          ingest: deps.ingest(() => config),
          leadTokens: deps.leadTokens,
          now: () => Date.now(),
        };
        const sink = processInline(ctx, `poll-${randomUUID()}`);
        const polls = await mapLimit(sources, 8, (s) => pollSource(ctx, s, sink, { force: true }));
        const report = summarisePolls(polls);
        if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
        else process.stdout.write(formatPollReport(polls, report));
      } finally {
        await closeParsePool();
        await redis.quit().catch(() => redis.disconnect());
      }
    });
}

function formatPollReport(polls: readonly PollSummary[], r: PollReport): string {
  const lines = polls.map((p) => {
    const what = p.outcome === 'error' ? `error ${p.errorClass ?? ''}: ${p.errorMessage ?? ''}` : `${p.outcome}, ${p.items} items, ${p.new} new, ${p.duplicates} seen, ${p.clustered} clustered, ${p.matched} matched`;
    return `${p.sourceId.padEnd(22)} ${what}`;
  });
  lines.push(
    `${r.sources} sources: ${r.fetched} fetched, ${r.notModified} not modified, ${r.errors.length} failed; ${r.new} new, ${r.duplicates} duplicates, ${r.clustered} clustered, ${r.matched} matched`,
  );
  return `${lines.join('\n')}\n`;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
