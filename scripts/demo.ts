/**
 * `npm run demo`: belwatch end to end, offline, with only Redis running (REDIS_URL, default
 * redis://127.0.0.1:6379).
 *
 * 1. Serves sample RSS feeds shaped like the default outlets' (every `kind: feed` source of
 *    config/sources.yaml, same ids and names) from 127.0.0.1 on a free port.
 * 2. Writes a demo config into a temporary folder: those sources pointed at the local server, the
 *    shipped rules, one digest subscription to the file channel (`./demo-outbox/`), private address
 *    127.0.0.1 allowed for that one server, a fresh Redis prefix.
 * 3. Runs the real service (fetcher, processor and notifier roles) against it, polls every source
 *    once, waits for the articles to be processed, queues the digest of the window and waits for it.
 * 4. Prints where the .html and .eml are and how many items matched each theme, removes its Redis
 *    keys and the temporary config, and exits 0 (1 with the reason when something failed).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/load.js';
import type { Digest } from '../src/digest/model.js';
import { createLogger } from '../src/log.js';
import { makeStreamDigestId } from '../src/notify/claim-window.js';
import { readDeliveries } from '../src/notify/records.js';
import { serviceDeps } from '../src/pipeline/adapters.js';
import { startService } from '../src/pipeline/service.js';

const root = path.resolve(import.meta.dirname, '..');
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const STORIES = [
  { title: 'Lukashenka and Putin meet in Sochi for talks on energy prices', text: 'Alexander Lukashenko and Vladimir Putin held talks in Sochi on gas prices, loans and joint military exercises.' },
  { title: 'EU extends sanctions against Belarus for another year', text: 'The European Union extended sectoral sanctions against Belarus, citing Minsk\u2019s support for the war. An asset freeze covers 30 more officials.' },
  { title: 'Union State roadmaps: what integration with Russia means for Belarus in 2027', text: 'Officials in Minsk said the Union State programmes will deepen integration with Russia in tax and customs.' },
  { title: 'Harvest festival opens in Hrodna', text: 'Farmers and musicians gathered for the annual harvest festival; no politics on the programme.' },
  { title: 'US Treasury adds Belarusian potash exporter to the sanctions list', text: 'Washington blacklisted Belaruskali subsidiaries; export controls on Minsk tighten further.' },
  { title: 'Putin and Lukashenka discuss nuclear weapons in a phone call', text: 'In a telephone conversation, Putin and Lukashenka discussed the deployment of tactical weapons in Belarus.' },
];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function sampleFeed(sourceId: string, name: string, index: number): string {
  const now = Date.now();
  const items = [0, 1, 2].map((k) => {
    const story = STORIES[(index + k * 2) % STORIES.length]!;
    // The first story of every outlet is the same report (syndicated), so clusters show up.
    const own = k === 0 ? story.title : `${story.title} (${name})`;
    return `<item><title>${esc(own)}</title><link>https://${sourceId}.example.org/${k}</link><guid>https://${sourceId}.example.org/${k}</guid><pubDate>${new Date(now - (index * 3 + k) * 600_000).toUTCString()}</pubDate><description>${esc(story.text)}</description></item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${esc(name)}</title><link>https://${sourceId}.example.org/</link><description>${esc(name)}</description>${items.join('')}</channel></rss>`;
}

async function main(): Promise<void> {
  const shipped = loadConfig(path.join(root, 'config'));
  const feeds = shipped.sources.filter((s) => s.kind === 'feed');
  const server = createServer((req, res) => {
    const id = (req.url ?? '').split('/')[1] ?? '';
    const i = feeds.findIndex((s) => s.id === id);
    if (i < 0) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(sampleFeed(id, feeds[i]!.name, i));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const dir = mkdtempSync(path.join(os.tmpdir(), 'belwatch-demo-'));
  const prefix = `belwatch-demo-${randomBytes(4).toString('hex')}`;
  const outbox = path.join(process.cwd(), 'demo-outbox');
  writeFileSync(path.join(dir, 'sources.yaml'), `sources:\n${feeds.map((s) => `  - { id: ${s.id}, name: ${JSON.stringify(s.name)}, kind: feed, url: "${origin}/${s.id}/feed", interval: 1h${s.lang ? `, lang: ${s.lang}` : ''} }\n`).join('')}`);
  writeFileSync(path.join(dir, 'rules.yaml'), readFileSync(path.join(root, 'config', 'rules.yaml')));
  writeFileSync(path.join(dir, 'subscriptions.yaml'), `subscriptions:\n  - id: demo\n    name: belwatch demo digest\n    rules: ["*"]\n    channels:\n      - { type: file, dir: ${JSON.stringify(outbox)} }\n`);
  writeFileSync(path.join(dir, 'settings.yaml'), `redis:\n  url: ${redisUrl}\n  prefix: ${prefix}\nhttp:\n  allowPrivateNetworks: [127.0.0.1/32]\n  timeout: 5s\nlog:\n  level: error\n`);

  const log = createLogger({ level: 'error' });
  const service = await startService({ configDir: dir, roles: ['fetcher', 'processor', 'notifier'], log, deps: serviceDeps(), http: false });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  try {
    const started = Date.now() - 1;
    await redis.set(`${service.keys.base}:sub-created:demo`, String(started - 86_400_000));
    process.stdout.write(`serving ${feeds.length} sample feeds from ${origin}; polling...\n`);
    await service.queues.poll.addBulk(feeds.map((s) => ({ name: 'poll', data: { sourceId: s.id, force: true } })));
    const expected = feeds.length * 3;
    await waitUntil(async () => (await redis.keys(`${service.keys.base}:seen:*`)).length >= expected && (await redis.mget(...(await redis.keys(`${service.keys.base}:seen:*`)))).every((v) => v === 'done'), 60_000, 'articles to be processed');
    const endMs = Date.now();
    const id = makeStreamDigestId('demo', 'digest', endMs);
    await service.queues.notify.add('notify', { subscriptionId: 'demo', stream: 'digest', endMs }, { jobId: id });
    await waitUntil(async () => (await readDeliveries(redis, service.keys, id)).some((r) => r.status === 'sent'), 30_000, 'the digest to be delivered');
    const base = path.join(outbox, 'demo', id);
    const digest = (JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { digest: Digest }).digest;
    process.stdout.write(`\n${expected} articles polled, ${digest.total} stories matched:\n`);
    for (const c of digest.counts) process.stdout.write(`  ${c.ruleName}: ${c.count}\n`);
    process.stdout.write(`\nHTML: ${base}.html\nEML:  ${base}.eml\nJSON: ${base}.json\n`);
    if (!existsSync(`${base}.eml`)) throw new Error('the .eml file is missing');
  } finally {
    await service.close();
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
      if (batch.length > 0) await redis.unlink(...batch);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
    server.close();
    server.closeAllConnections();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function waitUntil(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
