/**
 * Scenario 9 (runs last, by name): no secret of the run in any file the suite wrote.
 *
 * First a world of its own, logging at `debug`, provokes the paths where a secret could slip into a
 * log line or an error message: a webhook URL carrying the secret in its query whose receiver
 * answers 401 echoing the path and the secret inside a base64 string; a Slack receiver answering 404
 * with the webhook path (the token) in its body, as is and percent-encoded in lower case; a Slack URL the SSRF guard refuses and one whose port refuses connections (both with
 * the token in the path); an SMTP URL with the password pointing at a closed port; a config reload
 * (SIGHUP); the admin alerts those failures raise; and the CLI (`deliveries` with every record's
 * error, `digest --now` failing on the SMTP URL) with its output saved. Redis's content is dumped
 * to a file too (job data carries ids, never secrets).
 *
 * Then every file under the run directory — every world's config, logs (at `info` or `debug` in
 * scenarios 6 to 9), outbox and CLI output, and the results — is searched for every value of
 * `SECRETS` (the SMTP password, the webhook secret, the Slack token, the admin token) as written,
 * URL-encoded and base64-encoded (SMTP AUTH forms and the three alignments inside a longer base64
 * string included). Nothing is excluded: configuration
 * names secrets as `${VAR}` and gets them from the environment. Target: 0 occurrences.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { listRecentDeliveries } from '../../src/notify/records.js';
import { runCliAsync } from '../helpers/cli.js';
import { freePort, waitFor } from '../helpers/processes.js';
import { recordResult, runDir } from './harness/run-dir.js';
import { scanTree, secretNeedles } from './harness/secret-scan.js';
import { SECRETS } from './harness/secrets.js';
import { createWorld, type Endpoints, type World } from './harness/world.js';

let world: World | undefined;
afterAll(async () => world?.close());

function subscriptions(e: Endpoints): string {
  const hook = (id: string, url: string): string => `  - id: ${id}
    rules: [sanctions]
    mode: instant
    batchWindow: 1s
    channels:
      - { type: webhook, url: "${url}", secret: "\${BW_WEBHOOK_SECRET}" }
`;
  const slack = (id: string, url: string): string => `  - id: ${id}
    rules: [sanctions]
    mode: instant
    batchWindow: 1s
    channels:
      - { type: slack, webhookUrl: "${url}" }
`;
  return `subscriptions:
${hook('leaky-hook', `${e.webhookUrl}/hook?key=\${BW_WEBHOOK_SECRET}`)}${slack('leaky-slack', '${BW_SLACK_URL}')}${slack('blocked-slack', 'http://10.0.0.1/services/T0REL/B0REL/${BW_SLACK_TOKEN}')}${slack('refused-slack', 'http://127.0.0.1:1/services/T0REL/B0REL/${BW_SLACK_TOKEN}')}  - id: mail
    rules: [sanctions]
    mode: instant
    batchWindow: 1s
    channels:
      - { type: email, to: [desk@example.org] }
  - id: admin
    rules: [integration]
    mode: instant
    batchWindow: 1s
    admin: true
    channels:
      - { type: webhook, url: "${e.webhookUrl}/admin", secret: "\${BW_WEBHOOK_SECRET}" }
      - { type: file, dir: outbox }
`;
}

/** Every key of the world's prefix with its value, as text. */
async function dumpRedis(w: World): Promise<string> {
  const lines: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await w.redis.scan(cursor, 'MATCH', `*${w.prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const k of keys) {
      const type = await w.redis.type(k);
      let value: unknown;
      if (type === 'string') value = await w.redis.get(k);
      else if (type === 'hash') value = await w.redis.hgetall(k);
      else if (type === 'list') value = await w.redis.lrange(k, 0, -1);
      else if (type === 'set') value = await w.redis.smembers(k);
      else if (type === 'zset') value = await w.redis.zrange(k, 0, -1, 'WITHSCORES');
      else if (type === 'stream') value = await w.redis.xrange(k, '-', '+');
      lines.push(`${k} ${type} ${JSON.stringify(value)}`);
    }
  } while (cursor !== '0');
  return lines.join('\n');
}

it('leaves no secret in any log, outbox, CLI output or Redis dump of the run', async () => {
  // The scan finds what it looks for.
  const probe = mkdtempSync(path.join(os.tmpdir(), 'belwatch-scan-probe-'));
  writeFileSync(path.join(probe, 'leak.log'), `{"msg":"AUTH PLAIN ${Buffer.from(`\0belwatch\0${SECRETS.smtpPassword}`).toString('base64')}","url":"https://hooks.example/services/T/B/${SECRETS.slackToken}"}`);
  const probed = scanTree(probe, secretNeedles());
  rmSync(probe, { recursive: true, force: true });
  expect(probed.hits.map((h) => h.split(':')[0])).toEqual(['smtpPassword (inside base64, 1 bytes before)', 'smtpPassword (SMTP AUTH PLAIN)', 'slackToken (as written)']);

  const closedPort = await freePort();
  const w = (world = await createWorld({
    name: 'secrets',
    logLevel: 'debug',
    farm: { sources: 3, initial: 2, every: 1500, text: (s, k) => ({ title: `EU sanctions against Belarus, package ${s}-${k}`, description: `Minsk faces new sanctions (${s}-${k}).` }) },
    env: { BW_SMTP_URL: `smtp://belwatch:${SECRETS.smtpPassword}@127.0.0.1:${closedPort}`, BW_SLACK_TOKEN: SECRETS.slackToken },
    subscriptions,
    settings: 'delivery: { attempts: 3, backoff: 500ms }\n',
  }));
  w.webhook.script({ status: 401, body: `Cannot POST /hook?key=${SECRETS.webhookSecret} (signed ${Buffer.from(`id.${SECRETS.webhookSecret}`).toString('base64')})` });
  w.slack.script({ status: 404, body: `no_service: /services/T0REL/B0REL/${SECRETS.slackToken} ${encodeURIComponent(`/services/T0REL/B0REL/${SECRETS.slackToken}`).toLowerCase()}` });
  const proc = w.start(['scheduler', 'fetcher', 'processor', 'notifier'], { label: 'all' });

  const statusOf = async (sub: string): Promise<string[]> => (await listRecentDeliveries(w.redis, w.keys, { subscription: sub, limit: 50 })).flatMap((d) => d.deliveries.map((r) => r.status));
  const provoked = await waitFor(async () => {
    if (!proc.alive()) return true;
    const [hook, slack, blocked, refused, mail] = await Promise.all(['leaky-hook', 'leaky-slack', 'blocked-slack', 'refused-slack', 'mail'].map(statusOf));
    return hook!.includes('failed') && slack!.includes('failed') && blocked!.includes('failed') && refused!.includes('retrying') && mail!.includes('retrying') && w.webhook.received.some((r) => r.path === '/admin');
  }, 60_000);
  proc.child.kill('SIGHUP');
  await waitFor(() => proc.log().includes('configuration reloaded'), 10_000);

  const cli = async (file: string, args: string[]): Promise<void> => {
    const r = await runCliAsync(['--config', w.configDir, ...args], { env: w.env, cwd: w.dir });
    writeFileSync(path.join(w.dir, 'logs', file), `$ belwatch ${args.join(' ')}\nexit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}\n`);
  };
  await Promise.all([cli('cli-deliveries.txt', ['deliveries', '--json']), cli('cli-digest-mail.txt', ['digest', '--subscription', 'mail', '--now'])]);
  writeFileSync(path.join(w.dir, 'redis-dump.txt'), await dumpRedis(w));
  const alive = proc.alive();
  await w.close();
  world = undefined;

  const root = runDir();
  const report = scanTree(root, secretNeedles());
  const infoLines = readFileSync(proc.logFile, 'utf8')
    .split('\n')
    .filter((l) => /"level":(20|30)/.test(l)).length;

  const figures: [string, string][] = [
    ['files scanned (log files)', `${report.files} (${report.logFiles})`],
    ['bytes scanned (in logs)', `${(report.bytes / 1e6).toFixed(1)} MB (${Math.round(report.logBytes / 1e3)} kB)`],
    ['secret forms searched', `${secretNeedles().length} (SMTP password, webhook secret, Slack token, admin token)`],
    ['leak paths provoked (401/404 echoing the secret, SSRF-refused and refused Slack URLs, SMTP down, SIGHUP, CLI)', provoked && alive ? 'all' : 'not all'],
    ['debug/info lines in this scenario’s log', String(infoLines)],
    ['occurrences found', String(report.hits.length)],
  ];
  const met = report.hits.length === 0 && provoked && alive && report.logFiles > 0;
  recordResult({ id: '9', title: 'Secrets in logs and outbox after the whole suite', figures, target: '0 occurrences', met });

  expect(report.hits).toEqual([]);
  expect(provoked, 'every leak path was exercised').toBe(true);
  expect(alive).toBe(true);
  expect(report.logFiles).toBeGreaterThan(0);
  expect(infoLines).toBeGreaterThan(0);
});
