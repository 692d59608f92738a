/** Scenario results as files and as the markdown table of docs/reliability.md (no vitest import: the global setup reads them). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One scenario's figures: `figures` is an ordered list of [label, value] pairs. */
export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly profile: string;
  readonly figures: readonly (readonly [string, string])[];
  readonly target: string;
  readonly met: boolean;
  readonly at: string;
}

export function readResults(dir: string): ScenarioResult[] {
  const rdir = path.join(dir, 'results');
  let files: string[] = [];
  try {
    files = readdirSync(rdir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.map((f) => JSON.parse(readFileSync(path.join(rdir, f), 'utf8')) as ScenarioResult).sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/** The results as the markdown table docs/reliability.md carries. */
export function resultsTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => `| ${r.id} | ${r.title} | ${r.figures.map(([k, v]) => `${k}: ${v}`).join('; ')} | ${r.target} | ${r.met ? 'yes' : '**no**'} |`);
  return ['| # | scenario | figures | target | met |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
