/** Writes a configuration directory into a fresh temporary folder; removed by the returned cleanup. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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
