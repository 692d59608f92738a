/**
 * `belwatch sources [health] [--json]`: the health table of every configured source, read from
 * Redis: state, last success, consecutive failures, last error, items seen, last new item, cadence.
 * The state is, first match wins:
 *   `never-polled`                 no poll recorded yet
 *   `UNHEALTHY: <reasons>`         assessHealth's verdict (3 failures in a row, broken selector, ...),
 *                                  with `never succeeded` added when no poll ever did
 *   `failing: never succeeded`     polled, every poll failed, not yet unhealthy
 *   `failing: N in a row`          the last N polls failed, not yet unhealthy
 *   `ok`
 * `--json` prints one object per source: the record, `healthy`, `reasons` and `state`.
 * Exit 0 whatever the health (it is a report).
 */
import type { Command } from 'commander';
import { assessHealth, type SourceHealth } from '../pipeline/source-health.js';
import type { HealthAssessment } from '../types.js';

function ago(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  if (s < 172_800) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}

export function healthState(h: SourceHealth, verdict: HealthAssessment): string {
  if (h.polls === 0) return 'never-polled';
  if (!verdict.healthy) return `UNHEALTHY: ${[...verdict.reasons, ...(h.lastSuccess === null ? ['never succeeded'] : [])].join('; ')}`;
  if (h.lastSuccess === null) return 'failing: never succeeded';
  if (h.consecutiveFailures > 0) return `failing: ${h.consecutiveFailures} in a row`;
  return 'ok';
}

export function formatHealthTable(rows: readonly SourceHealth[], now: number): string {
  const header = ['SOURCE', 'STATE', 'LAST OK', 'FAILS', 'LAST ERROR', 'ITEMS', 'LAST NEW', 'CADENCE'];
  const body = rows.map((h) => {
    const a = assessHealth(h, now);
    return [
      h.sourceId,
      healthState(h, a) + (h.lastItemsCut ? ` (${h.lastItemsCut})` : ''),
      ago(h.lastSuccess, now),
      String(h.consecutiveFailures),
      h.lastErrorClass ? `${h.lastErrorClass}${h.lastErrorMessage ? `: ${h.lastErrorMessage}` : ''}`.slice(0, 60) : '-',
      String(h.itemsSeen),
      ago(h.lastNewItem, now),
      h.cadenceMs === null ? '-' : `${Math.max(1, Math.round(h.cadenceMs / 60_000))}m`,
    ];
  });
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((r) => (r[i] ?? '').length)));
  return `${[header, ...body].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n')}\n`;
}

async function printHealth(_opts: unknown, cmd: Command): Promise<void> {
  // `--json` is defined on both `sources` and `sources health`; commander gives it to the parent.
  const json = cmd.optsWithGlobals<{ json?: boolean }>().json === true;
  const [{ loadCliConfig }, { readAllHealth }, { withRedis }] = await Promise.all([import('./context.js'), import('../store/health.js'), import('./redis-session.js')]);
  const config = loadCliConfig(cmd);
  const rows = await withRedis(config, (redis, keys) => readAllHealth(redis, keys, config.sources.map((s) => s.id)));
  const now = Date.now();
  if (json) {
    for (const h of rows) {
      const verdict = assessHealth(h, now);
      process.stdout.write(`${JSON.stringify({ ...h, ...verdict, state: healthState(h, verdict) })}\n`);
    }
  } else process.stdout.write(formatHealthTable(rows, now));
}

/** `belwatch sources` alone and `belwatch sources health` both print the table. */
export function registerSourcesHealth(sources: Command): void {
  sources.option('--json', 'one JSON object per source, with healthy and reasons').action(printHealth);
  sources
    .command('health')
    .description('print the health of every configured source')
    .option('--json', 'one JSON object per source, with healthy and reasons')
    .action(printHealth);
}
