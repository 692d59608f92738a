/**
 * `belwatch parse [--json|--jsonl] [--source ID] FILE_OR_URL...`: read feeds or pages the way the
 * service does and print the normalised articles.
 *
 * A URL argument (http/https) is fetched with the service's client and SSRF guard (settings from
 * `--config` when the directory exists, else defaults); anything else is a local file, refused when
 * larger than the body cap (the source's `maxBodyBytes` with `--source`, else `http.maxBodyBytes`, 4 MiB by
 * default). Like a poll, it keeps the newest 500 items of a document (the source's `maxItemsPerPoll`
 * with `--source`, else `sources.maxItemsPerPoll`). Human output shows control characters as
 * escapes (`printable`). `--source ID` reads every input as that configured
 * source (kind, selectors, language; a file's relative links resolve against the source URL). Output:
 * - `--json` (one input): `{"feed": {"title", "url"}, "items": [Article...]}`, pretty-printed;
 * - `--jsonl`: one line per input, `{"file", "ok": true, "feed", "items"}` or
 *   `{"file", "ok": false, "error": "<kind>: <one-line reason>"}`, written as each input finishes;
 * - neither: a short human-readable listing.
 * Every document parses in the parse pool within `parse.cpuBudget` (the configuration's when one is
 * loaded, else the defaults), as in the service: one over it is refused as `parse-timeout` and the
 * next input goes on. Exit status 0 when every input parsed, 1 when any was refused; never a stack
 * trace. Inputs are processed one at a time in one process, so thousands of files are cheap; the
 * pool's threads are ended before the command returns.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Config, Settings, SourceConfig } from '../config/types.js';
import { describeError, InputError, UsageError } from '../errors.js';
import type { fetchUrl } from '../sources/fetch/fetch-url.js';
import type { parseSourceInPool, ParsePoolSettings } from '../sources/parse-pool.js';
import type { ParsedSource, SourceShape } from '../sources/parse-source.js';
import { printable } from './printable.js';

interface ParseOptions {
  readonly json?: boolean;
  readonly jsonl?: boolean;
  readonly source?: string;
}

const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

/** A parse result, or a failure before parsing (unreadable file, fetch error). */
type InputResult = ParsedSource | { readonly ok: false; readonly error: Error };

/** Body caps: the source's own (`--source`), else the fetch settings' (URLs) or `fileCap` (files); and the item cap. */
interface Caps {
  readonly source: number | undefined;
  readonly file: number;
  readonly items: number;
}

/**
 * How to read an input: the fetch settings (loaded on the first URL), the parse pool's, the source,
 * the caps, and the fetcher and pool (imported when the command runs, not at CLI startup).
 */
interface Reading {
  readonly settings: () => Settings;
  readonly parse: () => ParsePoolSettings;
  readonly source: SourceShape | SourceConfig;
  readonly caps: Caps;
  readonly fetchUrl: typeof fetchUrl;
  readonly parseSourceInPool: typeof parseSourceInPool;
}

async function readInput(arg: string, { settings, parse, source, caps, fetchUrl, parseSourceInPool }: Reading): Promise<InputResult> {
  const fetchedAt = new Date();
  if (isUrl(arg)) {
    const res = await fetchUrl(arg, { settings: settings(), maxBodyBytes: caps.source });
    if (res.kind === 'error') return { ok: false, error: res.error };
    if (res.kind === 'not-modified') return { ok: false, error: new InputError(`${arg}: HTTP 304 without a request validator`) };
    return parseSourceInPool({ bytes: res.body, contentType: res.contentType, url: res.url, fetchedAt, source, maxItems: caps.items }, parse());
  }
  let bytes: Buffer;
  try {
    const { size } = await stat(arg);
    if (size > caps.file) return { ok: false, error: new InputError(`${arg} is ${size} bytes, larger than ${caps.file} (maxBodyBytes)`) };
    bytes = await readFile(arg);
  } catch (e) {
    return { ok: false, error: new InputError(`cannot read ${arg}: ${(e as { code?: string }).code ?? describeError(e)}`) };
  }
  // A file read as a configured source resolves its relative links against that source's URL.
  return parseSourceInPool({ bytes, url: 'url' in source ? source.url : null, fetchedAt, source, maxItems: caps.items }, parse());
}

function reasonOf(r: Extract<InputResult, { ok: false }>): string {
  const kind = (r.error as { kind?: string }).kind;
  return `${kind ? `${kind}: ` : ''}${describeError(r.error)}`;
}

function printHuman(arg: string, r: InputResult): void {
  if (!r.ok) {
    process.stdout.write(printable(`${arg}: refused: ${reasonOf(r)}\n`));
    return;
  }
  const cut = r.cut ? ` (the newest ${r.cut.kept} of ${r.cut.listed} listed: maxItemsPerPoll)` : '';
  process.stdout.write(printable(`${arg}: ${r.feed.title || '(untitled)'} — ${r.articles.length} items${cut}\n`));
  for (const a of r.articles) process.stdout.write(printable(`  ${a.published}  ${a.title || '(untitled)'}\n    ${a.url ?? '(no link)'}\n`));
}

export function registerParse(program: Command): void {
  program
    .command('parse')
    .description('parse feeds or pages (files or URLs) and print normalised articles')
    .argument('<inputs...>', 'files or http(s) URLs')
    .option('--json', 'print one input as pretty JSON {feed, items}')
    .option('--jsonl', 'print one JSON line per input {file, ok, feed, items | error}')
    .option('--source <id>', 'parse as this configured source would (kind, selectors, language)')
    .action(async (inputs: string[], opts: ParseOptions, cmd: Command) => {
      if (opts.json && opts.jsonl) throw new UsageError('--json and --jsonl cannot be combined');
      if (opts.json && inputs.length !== 1) throw new UsageError('--json takes exactly one input (use --jsonl for several)');
      const [{ globalOptions, loadCliConfig }, { resolveConfigDir }, { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_ITEMS_PER_POLL, settingsFileSchema }, { fetchUrl }, { closeParsePool, parseSourceInPool }] = await Promise.all([
        import('./context.js'),
        import('../config/load.js'),
        import('../config/schema.js'),
        import('../sources/fetch/fetch-url.js'),
        import('../sources/parse-pool.js'),
      ]);
      let config: Config | undefined;
      if (opts.source !== undefined) config = loadCliConfig(cmd);
      let source: SourceShape | SourceConfig = { id: 'file', kind: 'feed' };
      if (opts.source !== undefined) {
        const found = config?.sources.find((s) => s.id === opts.source);
        if (!found) throw new UsageError(`no source with id ${JSON.stringify(opts.source)} in sources.yaml`);
        source = found;
      }
      let settings: Settings | undefined = config?.settings;
      const lazySettings = (): Settings => {
        if (!settings) {
          const dir = resolveConfigDir(globalOptions(cmd).config);
          settings = existsSync(dir) ? loadCliConfig(cmd).settings : settingsFileSchema.parse({});
        }
        return settings;
      };
      const sourceCap = 'maxBodyBytes' in source ? source.maxBodyBytes : undefined;
      const items = ('maxItemsPerPoll' in source ? source.maxItemsPerPoll : undefined) ?? config?.settings.sources.maxItemsPerPoll ?? DEFAULT_MAX_ITEMS_PER_POLL;
      const caps: Caps = { source: sourceCap, file: sourceCap ?? config?.settings.http.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, items };
      // Files parse with the configuration's parse settings when one was loaded, else the defaults.
      const defaults = settingsFileSchema.parse({}).parse;
      const parse = (): ParsePoolSettings => settings?.parse ?? defaults;
      try {
        await printInputs(inputs, { settings: lazySettings, parse, source, caps, fetchUrl, parseSourceInPool }, opts);
      } finally {
        await closeParsePool();
      }
    });
}

async function printInputs(inputs: readonly string[], reading: Reading, opts: ParseOptions): Promise<void> {
  let refused = 0;
  for (const arg of inputs) {
    const r = await readInput(arg, reading);
    if (!r.ok) refused++;
    if (opts.jsonl) {
      const line = r.ok ? { file: arg, ok: true, feed: r.feed, items: r.articles } : { file: arg, ok: false, error: reasonOf(r) };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    } else if (opts.json) {
      if (!r.ok) throw new InputError(`${arg}: ${reasonOf(r)}`);
      process.stdout.write(`${JSON.stringify({ feed: r.feed, items: r.articles }, null, 2)}\n`);
    } else {
      printHuman(arg, r);
    }
  }
  if (refused > 0) process.exitCode = 1;
}
