/**
 * `belwatch match --rules FILE [--input FILE|-]`: matches JSON Lines articles against a
 * rules.yaml-shaped file and writes one JSON line per (article, rule) match:
 * `{"article", "rule", "highlights", "terms"}`. Input lines are
 * `{"id", "title", "summary"?, "content"?, "author"?, "source"?, "lang"?, "url"?, "published"?}`;
 * blank lines are skipped. A broken rules file exits 1 with `FILE:LINE:COL: rule <id>: message`
 * lines; a malformed input line exits 1 with its line number (matches already written stay).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import type { MatchableArticle } from '../rules/match.js';

interface MatchOptions {
  readonly rules: string;
  readonly input?: string;
}

function optionalString(obj: Record<string, unknown>, key: string, line: number): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new InputError(`input line ${line}: "${key}" must be a string`);
  return v;
}

/** Reads one JSON Lines article; exported for tests of the input contract. */
export function parseArticleLine(text: string, line: number): MatchableArticle & { readonly id: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new InputError(`input line ${line}: not valid JSON`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new InputError(`input line ${line}: expected a JSON object`);
  const obj = data as Record<string, unknown>;
  const id = optionalString(obj, 'id', line);
  if (id === undefined || id === '') throw new InputError(`input line ${line}: "id" is required`);
  return {
    id,
    title: optionalString(obj, 'title', line) ?? '',
    summary: optionalString(obj, 'summary', line) ?? '',
    content: optionalString(obj, 'content', line) ?? '',
    author: optionalString(obj, 'author', line) ?? null,
    sourceId: optionalString(obj, 'source', line) ?? '',
    lang: optionalString(obj, 'lang', line) ?? null,
  };
}

export function registerMatch(program: Command): void {
  program
    .command('match')
    .description('match JSON Lines articles against a rules file; one JSON line per (article, rule) match')
    .requiredOption('--rules <file>', 'rules.yaml-shaped file (aliases and rules)')
    .option('--input <file>', 'JSON Lines articles, or - for standard input (default: -)')
    .action(async (opts: MatchOptions) => {
      const [{ loadRulesFile }, { matchArticle }] = await Promise.all([import('../rules/check.js'), import('../rules/match.js')]);
      const set = loadRulesFile(opts.rules);
      const input = opts.input === undefined || opts.input === '-' ? process.stdin : createReadStream(opts.input);
      const opened = new Promise<void>((resolve, reject) => {
        input.once('error', (e: NodeJS.ErrnoException) => reject(new InputError(`cannot read ${opts.input ?? '-'} (${e.code ?? e.message})`)));
        input.once('readable', () => resolve());
        input.once('end', () => resolve());
      });
      await opened;
      let n = 0;
      for await (const text of createInterface({ input, crlfDelay: Infinity })) {
        n++;
        if (text.trim() === '') continue;
        const article = parseArticleLine(text, n);
        for (const m of matchArticle(set, article)) {
          process.stdout.write(`${JSON.stringify({ article: article.id, rule: m.ruleId, highlights: m.highlights, terms: m.terms })}\n`);
        }
      }
    });
}
