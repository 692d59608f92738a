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
    if (text !== undefined) writeFileSync(path.join(dir, name), text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
