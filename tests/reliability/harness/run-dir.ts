/**
 * The run directory: every world of one suite run writes its config, logs and outbox below it, and
 * every scenario its figures (`results/<scenario>.json`). The global setup creates it and hands it
 * over with vitest's provide/inject; a scenario file run on its own falls back to a directory of its
 * own under the system temp directory.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { PROFILE } from './profile.js';
import type { ScenarioResult } from './report.js';

declare module 'vitest' {
  export interface ProvidedContext {
    reliabilityRunDir: string;
  }
}

let fallback: string | undefined;

export function runDir(): string {
  const provided = inject('reliabilityRunDir') as string | undefined;
  if (provided) return provided;
  fallback ??= mkdtempSync(path.join(os.tmpdir(), 'belwatch-reliability-'));
  return fallback;
}

/** Writes the scenario's figures for the final table and prints them. */
export function recordResult(result: Omit<ScenarioResult, 'at' | 'profile'>): void {
  const dir = path.join(runDir(), 'results');
  mkdirSync(dir, { recursive: true });
  const full: ScenarioResult = { ...result, profile: PROFILE, at: new Date().toISOString() };
  writeFileSync(path.join(dir, `${result.id}.json`), JSON.stringify(full, null, 2));
  const lines = full.figures.map(([k, v]) => `  ${k}: ${v}`).join('\n');
  console.log(`\n[reliability ${full.profile}] ${full.id} ${full.title}\n${lines}\n  target: ${full.target} -> ${full.met ? 'met' : 'NOT MET'}\n`);
}

