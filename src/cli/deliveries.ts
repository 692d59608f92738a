/**
 * `belwatch deliveries [--subscription ID] [--limit N] [--json]`: recent digests and alerts, newest
 * first, with the status of each channel (sending, sent, retrying, failed), attempts, and where it
 * went or why it failed. Read-only; exit 0 whatever the statuses (it is a report).
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { DigestSummary } from '../notify/records.js';

export function formatDeliveries(rows: readonly DigestSummary[]): string {
  if (rows.length === 0) return 'no deliveries yet\n';
  const lines: string[] = [];
  for (const d of rows) {
    const window = `${new Date(d.start).toISOString()} – ${new Date(d.end).toISOString()}`;
    lines.push(`${d.digestId}  ${d.stream}  ${d.items} items  ${window}${d.open ? '  (open)' : ''}`);
    if (d.deliveries.length === 0) lines.push('  (no channel tried: empty window)');
    for (const r of d.deliveries) {
      lines.push(`  ${String(r.index + 1).padStart(2)} ${r.type.padEnd(8)} ${r.status.padEnd(9)} ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}  ${r.status === 'sent' ? (r.target ?? '') : (r.error ?? '')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function registerDeliveries(program: Command): void {
  program
    .command('deliveries')
    .description('list recent digest deliveries with the status per channel')
    .option('--subscription <id>', 'only this subscription')
    .option('--limit <n>', 'how many digests (default 20)', '20')
    .option('--json', 'print JSON')
    .action(async (opts: { subscription?: string; limit: string; json?: boolean }, cmd: Command) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number');
      const [{ loadCliConfig }, { listRecentDeliveries }, { withRedis }] = await Promise.all([import('./context.js'), import('../notify/records.js'), import('./redis-session.js')]);
      const config = loadCliConfig(cmd);
      if (opts.subscription && !config.subscriptions.some((s) => s.id === opts.subscription)) throw new UsageError(`unknown subscription "${opts.subscription}"`);
      const rows = await withRedis(config, (redis, keys) => listRecentDeliveries(redis, keys, { subscription: opts.subscription, limit }));
      process.stdout.write(opts.json ? `${JSON.stringify(rows)}\n` : formatDeliveries(rows));
    });
}
