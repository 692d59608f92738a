/**
 * One measurement of `npm run bench:hostile`, in a process of its own so its peak RSS is its own:
 * parse one hostile document (tests/reliability/harness/hostile-docs.ts) through the parse pool or
 * on the event loop, print one JSON line `{ ms, outcome, peakRssMb, baseRssMb }`.
 *
 *   tsx bench/hostile-one.ts SHAPE BYTES pool|thread [BUDGET_MS]
 *
 * The pool is warmed first (its workers started and a small document parsed), so `ms` is the
 * document's own time from the call to the answer, as a poll sees it once the service runs.
 */
import { decodeBytes } from '../src/sources/charset.js';
import { extractFullText } from '../src/sources/parse/full-text.js';
import { closeParsePool, extractFullTextInPool, parseSourceInPool, type ParsePoolSettings } from '../src/sources/parse-pool.js';
import { parseSourceBytes, type ParseInput, type ParsedSource } from '../src/sources/parse-source.js';
import { settingsFileSchema } from '../src/config/schema.js';
import { hostileDocument, SHAPE_KIND, type HostileShape } from '../tests/reliability/harness/hostile-docs.js';

const [shape, bytesArg, mode, budgetArg] = process.argv.slice(2) as [HostileShape, string, 'pool' | 'thread', string | undefined];
const settings: ParsePoolSettings = { ...settingsFileSchema.parse({}).parse, ...(budgetArg ? { cpuBudget: Number(budgetArg) } : {}) };
const kind = SHAPE_KIND[shape];
const input = (bytes: Buffer): ParseInput => ({ bytes, url: 'https://hostile.example/doc', fetchedAt: new Date(), source: { id: 'hostile', kind: kind === 'page' ? 'page' : 'feed' } });
const outcomeOf = (r: ParsedSource): string => (r.ok ? `parsed ${r.articles.length}` : `refused ${r.error.kind}`);
const mb = (kb: number): number => Math.round(kb / 1024);

async function parseOnce(bytes: Buffer): Promise<string> {
  if (kind === 'full-text') {
    const text = mode === 'pool' ? await extractFullTextInPool(bytes, 'text/html', settings) : extractFullText(decodeBytes(bytes, 'text/html').text);
    return text === null ? 'no text (none found, or refused)' : `text ${text.length} chars`;
  }
  return outcomeOf(mode === 'pool' ? await parseSourceInPool(input(bytes), settings) : await parseSourceBytes(input(bytes)));
}

if (mode === 'pool') await parseOnce(hostileDocument(shape, 2_000));
const doc = hostileDocument(shape, Number(bytesArg));
const baseRssMb = mb(process.resourceUsage().maxRSS);
const t = performance.now();
const outcome = await parseOnce(doc);
const ms = Math.round(performance.now() - t);
process.stdout.write(`${JSON.stringify({ ms, outcome, peakRssMb: mb(process.resourceUsage().maxRSS), baseRssMb })}\n`);
await closeParsePool();
