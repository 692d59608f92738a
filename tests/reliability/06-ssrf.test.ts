/**
 * Scenario 6: the SSRF set aimed at the running service, as sources, as redirect targets and as
 * webhook and Slack URLs of subscriptions.
 *
 * The set is the fetcher's unit-test list (`tests/sources/ssrf-variants.ts`) without the six names
 * that only a fake DNS table resolves (a running service resolves through the system): 34 forms of
 * loopback (decimal, octal, hex, short, trailing dot, `localhost`, [::1], IPv4-mapped), unspecified,
 * RFC 1918, CGNAT, link-local metadata, multicast, broadcast, ULA and embedded-IPv4 IPv6. Every
 * loopback form carries the port of a target listener on 127.0.0.1 and ::1 that counts accepted
 * sockets. The fetcher may reach only 127.0.0.2/32, where the farm runs:
 *
 * - each variant is a source of its own (`direct-<k>`);
 * - a farm outlet on 127.0.0.2 (allowed) answers 302 to each variant and to `file:`, `gopher:`,
 *   `ftp:` and `data:` URLs (`s<n>`), so the refusal must come on the redirect hop;
 * - two healthy outlets on 127.0.0.2 publish sanctions items, so every subscription has alerts to send;
 * - each variant is the webhook URL and the Slack URL (with the secret token in its path) of a
 *   subscription `ssrf-<k>`, whose third channel is a webhook to an allowed receiver on 127.0.0.2:
 *   the two refused channels must not stop it;
 * - an admin subscription (webhook to 127.0.0.2) receives the "channel failing" events.
 *
 * Counted: sources whose health error is `blocked-address`, polls refused, delivery records
 * `failed` with the guard's refusal, admin events delivered, control deliveries, and the sockets the
 * target accepted (must be 0). The counters are shown to count by a request of the test's own to
 * the target before the service starts.
 */
import { request } from 'node:http';
import { afterAll, expect, it } from 'vitest';
import { listRecentDeliveries, type DigestSummary } from '../../src/notify/records.js';
import { readAllHealth } from '../../src/store/health.js';
import { startReceiver, type Receiver } from '../channels/receiver.js';
import { sleep, waitFor } from '../helpers/processes.js';
import { SSRF_SCHEMES, SSRF_VARIANTS } from '../sources/ssrf-variants.js';
import { scale } from './harness/profile.js';
import { recordResult } from './harness/run-dir.js';
import { SECRETS } from './harness/secrets.js';
import { startTargetListener, type TargetListener } from './harness/target-listener.js';
import { createWorld, type World } from './harness/world.js';

const LIVE = SSRF_VARIANTS.filter((v) => !v.lookup);
const REDIRECT_TARGETS = [...LIVE, ...SSRF_SCHEMES];
const HEALTHY = 2;
/** Extra running time after everything was seen once (more polls, more alerts). */
const SOAK_MS = scale(0, 60_000);

let world: World | undefined;
let target: TargetListener | undefined;
let control: Receiver | undefined;
afterAll(async () => {
  await world?.close();
  await Promise.all([target?.close(), control?.close()]);
});

/** One GET from the test itself: proves the target's counter counts. */
function touch(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
}

function subscriptions(targetPort: number, controlUrl: string): string {
  const subs = LIVE.map((v, k) => {
    const base = v.url(targetPort);
    return `  - id: ssrf-${k}
    rules: [sanctions]
    mode: instant
    batchWindow: 1s
    channels:
      - { type: webhook, url: ${JSON.stringify(`${base}hook`)}, secret: "\${BW_WEBHOOK_SECRET}" }
      - { type: slack, webhookUrl: "${base}services/T0REL/B0REL/\${BW_SLACK_TOKEN}" }
      - { type: webhook, url: "${controlUrl}/ok/${k}", secret: "\${BW_WEBHOOK_SECRET}" }
`;
  });
  return `subscriptions:
${subs.join('')}  - id: admin
    rules: [integration]
    mode: instant
    batchWindow: 1s
    admin: true
    channels:
      - { type: webhook, url: "${controlUrl}/admin", secret: "\${BW_WEBHOOK_SECRET}" }
`;
}

interface AdminBody {
  digest: { groups: { ruleId: string; entries: { title: string }[] }[] };
}

/** `<subscription>/<channel index>` of every "channel failing" event the admin receiver got. */
function failingChannelsReported(r: Receiver): Set<string> {
  const out = new Set<string>();
  for (const m of r.received.filter((x) => x.path === '/admin')) {
    const body = JSON.parse(m.body) as AdminBody;
    for (const g of body.digest.groups) {
      for (const e of g.entries) {
        const hit = /^(\w+) channel (\d+) of (\S+) is failing$/.exec(e.title);
        if (hit) out.add(`${hit[3]}/${Number(hit[2]) - 1}`);
      }
    }
  }
  return out;
}

it(`refuses all ${LIVE.length} live SSRF variants as sources, redirect targets, webhook and Slack URLs with 0 connections`, async () => {
  target = await startTargetListener();
  control = await startReceiver('127.0.0.2');
  await touch('127.0.0.1', target.port);
  if (target.ipv6) await touch('::1', target.port);
  const selfCheck = target.accepted();
  const t = target;
  const c = control;

  const w = (world = await createWorld({
    name: 'ssrf',
    logLevel: 'info',
    allowPrivate: ['127.0.0.2/32'],
    env: { BW_SLACK_TOKEN: SECRETS.slackToken },
    farm: {
      host: '127.0.0.2',
      sources: HEALTHY + REDIRECT_TARGETS.length,
      initial: 2,
      every: 2000,
      text: (source, seq) => ({ title: `EU widens sanctions against Belarus, list ${source}-${seq}`, description: `Brussels adds names to the sanctions list on Belarus (${source}-${seq}).` }),
      behaviour: (i) => (i < HEALTHY ? 'healthy' : 'custom'),
      custom: (i) => ({ status: 302, headers: { location: REDIRECT_TARGETS[i - HEALTHY]!.url(t.port) }, body: '', contentType: 'text/plain' }),
    },
    extraSources: LIVE.map((v, k) => ({ id: `direct-${k}`, url: v.url(t.port) })),
    subscriptions: () => subscriptions(t.port, c.url),
    settings: 'workers: { pollConcurrency: 16 }\n',
  }));
  const proc = w.start(['scheduler', 'fetcher', 'processor', 'notifier'], { label: 'all' });

  const directIds = LIVE.map((_, k) => `direct-${k}`);
  const redirectIds = REDIRECT_TARGETS.map((_, k) => `s${HEALTHY + k}`);
  const healthyIds = Array.from({ length: HEALTHY }, (_, k) => `s${k}`);
  const ssrfSubs = LIVE.map((_, k) => `ssrf-${k}`);
  const refusedChannels = ssrfSubs.flatMap((s) => [`${s}/0`, `${s}/1`]);

  let digests: DigestSummary[] = [];
  const refusedBy = (ids: readonly string[]): Promise<number> => readAllHealth(w.redis, w.keys, ids).then((hs) => hs.filter((h) => h.polls > 0 && h.lastErrorClass === 'blocked-address' && h.lastSuccess === null).length);
  const subsComplete = (): number =>
    ssrfSubs.filter((s) => digests.some((d) => d.subscription === s && d.deliveries[0]?.status === 'failed' && d.deliveries[1]?.status === 'failed' && d.deliveries[2]?.status === 'sent')).length;

  const t0 = Date.now();
  // stops early if the process died (then `complete` is false)
  const complete = await waitFor(
    async () => {
      if (!proc.alive()) return true;
      digests = await listRecentDeliveries(w.redis, w.keys, { limit: 1000 });
      const reported = failingChannelsReported(c);
      return (await refusedBy(directIds)) === directIds.length && (await refusedBy(redirectIds)) === redirectIds.length && subsComplete() === ssrfSubs.length && refusedChannels.every((ch) => reported.has(ch));
    },
    scale(60_000, 120_000),
  );
  const firstComplete = (Date.now() - t0) / 1000;
  const seenAll = complete && proc.alive();
  if (SOAK_MS > 0) await sleep(SOAK_MS);

  digests = await listRecentDeliveries(w.redis, w.keys, { limit: 1000 });
  const health = await readAllHealth(w.redis, w.keys, [...directIds, ...redirectIds, ...healthyIds]);
  const byId = new Map(health.map((h) => [h.sourceId, h]));
  const directRefused = await refusedBy(directIds);
  const redirectRefused = await refusedBy(redirectIds);
  // the refusal came on the redirect hop: the allowed first hop was served
  const redirectsServed = REDIRECT_TARGETS.filter((_, k) => (w.farm.requests.get(HEALTHY + k)?.length ?? 0) > 0).length;
  const refusedPolls = [...directIds, ...redirectIds].reduce((n, id) => n + (byId.get(id)?.polls ?? 0), 0);
  const healthyOk = healthyIds.filter((id) => byId.get(id)?.lastSuccess !== null && (byId.get(id)?.itemsSeen ?? 0) > 0).length;

  const ssrfRecords = digests.filter((d) => d.subscription.startsWith('ssrf-')).flatMap((d) => d.deliveries.filter((r) => r.index < 2));
  const failedRecords = ssrfRecords.filter((r) => r.status === 'failed' && /blocked-address/.test(r.error ?? ''));
  const otherRecords = ssrfRecords.filter((r) => r.status !== 'failed');
  const controlSent = digests.filter((d) => d.subscription.startsWith('ssrf-') && d.deliveries[2]?.status === 'sent').length;
  const controlSubsServed = new Set(c.received.filter((m) => m.path.startsWith('/ok/')).map((m) => m.path)).size;
  const reported = failingChannelsReported(c);
  const reportedCovered = refusedChannels.filter((ch) => reported.has(ch)).length;
  const accepted = t.accepted() - selfCheck;
  const alive = w.procs.every((p) => p.alive());
  const uncaught = /uncaught|unhandled/i.test(proc.log());

  const figures: [string, string][] = [
    ['SSRF variants used live (of the unit-test set; the rest need a fake DNS table)', `${LIVE.length} of ${SSRF_VARIANTS.length}, + ${SSRF_SCHEMES.length} schemes as redirect targets`],
    ['sources refused, direct (health error blocked-address, never a success)', `${directRefused} / ${directIds.length}`],
    ['sources refused on a redirect hop from allowed 127.0.0.2 (first hop served)', `${redirectRefused} / ${redirectIds.length} (${redirectsServed})`],
    ['polls refused in all', String(refusedPolls)],
    ['subscriptions whose webhook + Slack were refused and control webhook sent', `${subsComplete()} / ${ssrfSubs.length}`],
    ['webhook/Slack delivery records failed (blocked-address) / other', `${failedRecords.length} / ${otherRecords.length}`],
    ['control deliveries sent (alerts) / subscriptions reached', `${controlSent} / ${controlSubsServed}`],
    ['refused channels reported by admin alert', `${reportedCovered} / ${refusedChannels.length}`],
    ['healthy outlets polled fine', `${healthyOk} / ${HEALTHY}`],
    [`connections accepted by the target (127.0.0.1:${t.port}${t.ipv6 ? ` and [::1]:${t.port}` : ''})`, String(accepted)],
    ['all seen after', `${firstComplete.toFixed(1)} s${SOAK_MS > 0 ? `, then ${SOAK_MS / 1000} s more` : ''}`],
    ['process alive, uncaught exceptions', `${alive ? 'yes' : 'no'}, ${uncaught ? 'yes' : '0'}`],
  ];
  const met =
    seenAll &&
    alive &&
    !uncaught &&
    accepted === 0 &&
    directRefused === directIds.length &&
    redirectRefused === redirectIds.length &&
    redirectsServed === redirectIds.length &&
    otherRecords.length === 0 &&
    controlSubsServed === ssrfSubs.length &&
    reportedCovered === refusedChannels.length;
  recordResult({ id: '6', title: 'SSRF set as sources, redirect targets, webhook and Slack URLs', figures, target: '100 % refused, 0 connections reach the target', met });

  expect(alive, 'the service kept running').toBe(true);
  expect(uncaught).toBe(false);
  expect(accepted, 'sockets accepted by the target listener').toBe(0);
  expect(directRefused).toBe(directIds.length);
  expect(redirectRefused).toBe(redirectIds.length);
  expect(redirectsServed).toBe(redirectIds.length);
  expect(otherRecords, 'refused channels never sent').toEqual([]);
  expect(failedRecords.length).toBeGreaterThanOrEqual(refusedChannels.length);
  expect(controlSubsServed, 'every subscription still delivered to its allowed channel').toBe(ssrfSubs.length);
  expect(reportedCovered, 'every refused channel raised an admin event that was delivered').toBe(refusedChannels.length);
  expect(healthyOk).toBe(HEALTHY);
  expect(seenAll).toBe(true);
});
