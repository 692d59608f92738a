/**
 * Global setup of the reliability suite: a fresh run directory for this run (provided to every
 * scenario), and at the end the table of every scenario's figures, printed and written to
 * `<run dir>/report.md` (and to $BELWATCH_RELIABILITY_REPORT when set). The run directory is
 * removed afterwards unless BELWATCH_RELIABILITY_KEEP=1.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { PROFILE } from './profile.js';
import { readResults, resultsTable } from './report.js';

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'belwatch-reliability-'));
  project.provide('reliabilityRunDir', dir);
  return () => {
    const results = readResults(dir);
    if (results.length > 0) {
      const report = `Reliability suite, profile ${PROFILE}, ${new Date().toISOString()}\n\n${resultsTable(results)}\n`;
      writeFileSync(path.join(dir, 'report.md'), report);
      const out = process.env['BELWATCH_RELIABILITY_REPORT'];
      if (out) writeFileSync(out, report);
      console.log(`\n${report}`);
    }
    if (process.env['BELWATCH_RELIABILITY_KEEP'] !== '1') rmSync(dir, { recursive: true, force: true });
    else console.log(`run directory kept: ${dir}`);
  };
}
