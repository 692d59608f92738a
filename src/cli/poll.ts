/**
 * `belwatch poll --once [--source ID] [--json]`: fetch and process every (or one) source now, in
 * this process, ignoring backoff; print a summary and exit. Exit status:
 *   0  at least one source answered (fetched or not modified); the others' errors are in the summary
 *   3  every polled source failed (the summary says how), so a cron job or a script notices
 *   1  a broken config or unreachable Redis;  2  a usage error
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { PipelineContext } from '../pipeline/context.js';
import type { PollSummary } from '../pipeline/poll-source.js';

/** Exit status of `poll --once` when every source it polled failed. */
export const EXIT_ALL_SOURCES_FAILED = 3;

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
      const [{ globalOptions, loadCliConfig }, { createLogger }, { serviceDeps }, { buildRuntime }, { pollSource }, { processInline }, { withRedis }, { closeParsePool }] = await Promise.all([
        import('./context.js'),
        import('../log.js'),
        import('../pipeline/adapters.js'),
        import('../pipeline/context.js'),
        import('../pipeline/poll-source.js'),
        import('../pipeline/sinks.js'),
        import('./redis-session.js'),
        import('../sources/parse-pool.js'),
      ]);
      const config = loadCliConfig(cmd);
      const sources = config.sources.filter((s) => (opts.source ? s.id === opts.source : s.enabled));
      if (opts.source && sources.length === 0) throw new UsageError(`unknown source "${opts.source}"`);
      const log = createLogger({ level: globalOptions(cmd).debug ? 'debug' : 'error', secrets: config.secrets });
      // the parse pool's threads are ended however the poll ends, so the command exits promptly
      try {
        await withRedis(config, async (redis, keys) => {
          const deps = serviceDeps();
          const runtime = buildRuntime(config, deps.compile(config));
          const ctx: PipelineContext = {
            redis,
            keys,
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
          if (report.sources > 0 && report.errors.length === report.sources) process.exitCode = EXIT_ALL_SOURCES_FAILED;
        });
      } finally {
        await closeParsePool();
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
