/** Writes a configuration directory into a fresh temporary folder; removed by the returned cleanup. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError, formatProblem, type Problem } from '../../src/errors.js';

export const MINIMAL = {
  'sources.yaml': `sources:
  - id: edm
    name: Eurasia Daily Monitor
    kind: feed
    url: https://jamestown.org/programs/edm/feed/
`,
  'rules.yaml': `aliases:
  lukashenka: [Lukashenka, Lukashenko]
rules:
  - id: sanctions
    name: Sanctions
    query: sanction*
`,
  'subscriptions.yaml': `subscriptions:
  - id: daily
    rules: ["*"]
    mode: digest
    schedule: { cron: "0 8 * * *", timezone: Europe/Minsk }
    channels:
      - { type: file, dir: outbox }
`,
} as const;

export interface TempConfig {
  readonly dir: string;
  cleanup(): void;
}

export function writeConfigDir(files: Partial<Record<string, string>>): TempConfig {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'belwatch-config-'));
  for (const [name, text] of Object.entries({ ...MINIMAL, ...files })) {
    // A file channel's relative `dir: outbox` would write into the working directory (the repository):
    // tests keep their outbox inside their own temporary folder.
    if (text !== undefined) writeFileSync(path.join(dir, name), name === 'subscriptions.yaml' ? text.replace(/dir: outbox\b/g, `dir: ${path.join(dir, 'outbox')}`) : text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a configuration directory, loads it, and returns each problem as `file:line:col: message` with the file's base name. */
export function loadProblems(files: Partial<Record<string, string>>, env: Record<string, string> = {}): { problems: string[]; warnings: string[]; cleanup: () => void } {
  const tmp = writeConfigDir(files);
  const name = (p: Problem): string => formatProblem({ ...p, file: p.line > 0 ? path.basename(p.file) : p.file });
  try {
    const config = loadConfig(tmp.dir, { env });
    return { problems: [], warnings: config.warnings.map(name), cleanup: () => tmp.cleanup() };
  } catch (e) {
    if (e instanceof ConfigError) return { problems: e.problems.map(name), warnings: [], cleanup: () => tmp.cleanup() };
    tmp.cleanup();
    throw e;
  }
}
