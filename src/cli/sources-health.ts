/**
 * `belwatch sources [health] [--json]`: the health table of every configured source, read from
 * Redis: state (ok / UNHEALTHY with reasons), last success, consecutive failures, last error,
 * items seen, last new item, cadence. Exit 0 whatever the health (it is a report).
 */
import type { Command } from 'commander';
import { assessHealth, type SourceHealth } from '../pipeline/source-health.js';
import { loadCliConfig } from './context.js';

function ago(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  if (s < 172_800) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}

export function formatHealthTable(rows: readonly SourceHealth[], now: number): string {
  const header = ['SOURCE', 'STATE', 'LAST OK', 'FAILS', 'LAST ERROR', 'ITEMS', 'LAST NEW', 'CADENCE'];
  const body = rows.map((h) => {
    const a = assessHealth(h, now);
    return [
      h.sourceId,
      (h.polls === 0 ? 'not polled' : a.healthy ? 'ok' : `UNHEALTHY: ${a.reasons.join('; ')}`) + (h.lastItemsCut ? ` (${h.lastItemsCut})` : ''),
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
  const [{ readAllHealth }, { connectRedis, Keys, pingRedis }] = await Promise.all([import('../store/health.js'), import('../store/redis.js')]);
  const config = loadCliConfig(cmd);
  const redis = connectRedis(config.settings.redis.url, { maxRetriesPerRequest: 2 });
  try {
    await pingRedis(redis, config.settings.redis.url);
    const rows = await readAllHealth(redis, new Keys(config.settings.redis.prefix), config.sources.map((s) => s.id));
    const now = Date.now();
    if (json) for (const h of rows) process.stdout.write(`${JSON.stringify({ ...h, ...assessHealth(h, now) })}\n`);
    else process.stdout.write(formatHealthTable(rows, now));
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
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
