/**
 * Searching files for the suite's secrets (scenario 9): every value of `SECRETS`, in the forms a
 * leak would take — as written, URL-encoded (hex in either case, and form-encoded), base64 (as in
 * SMTP AUTH LOGIN) and base64url, base64 of SMTP AUTH PLAIN's `\0user\0password` and of HTTP Basic's
 * `user:password`, and the offset-independent middle of the base64 of a secret at each of the three
 * byte alignments it can have inside a longer base64 string (whatever user name or prefix precedes
 * it) — as bytes, in every file below a directory, binary files included. The Slack webhook's
 * secret-bearing path segment is its token, searched as `slackToken`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SECRETS } from './secrets.js';

export interface Needle {
  readonly label: string;
  readonly bytes: Buffer;
}

export function secretNeedles(): Needle[] {
  const out: Needle[] = [];
  for (const [name, value] of Object.entries(SECRETS)) {
    const forms = new Map<string, string>([
      ['as written', value],
      ['URL-encoded', encodeURIComponent(value)],
      ['URL-encoded, lower-case hex', encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
      ['form-encoded', new URLSearchParams({ v: value }).toString().slice(2)],
      ['base64', Buffer.from(value).toString('base64')],
      ['base64url', Buffer.from(value).toString('base64url')],
    ]);
    for (const align of [0, 1, 2]) forms.set(`inside base64, ${align} bytes before`, base64Middle(value, align));
    if (name === 'smtpPassword') {
      forms.set('SMTP AUTH PLAIN', Buffer.from(`\0belwatch\0${value}`).toString('base64'));
      forms.set('HTTP Basic', Buffer.from(`belwatch:${value}`).toString('base64'));
    }
    const seen = new Set<string>();
    for (const [form, text] of forms) {
      if (seen.has(text)) continue;
      seen.add(text);
      out.push({ label: `${name} (${form})`, bytes: Buffer.from(text) });
    }
  }
  return out;
}

/**
 * The characters of base64(`align` bytes + value) that depend on the value's bytes alone: the same
 * whatever precedes or follows it. Each group of 3 bytes makes 4 characters; the prefix's group
 * mixes into the first 2 (1 byte before) or 3 (2 bytes before) characters; the last group is left
 * out, it mixes with what follows.
 */
function base64Middle(value: string, align: number): string {
  const enc = Buffer.concat([Buffer.alloc(align), Buffer.from(value)]).toString('base64');
  const fullGroups = Math.floor((align + Buffer.byteLength(value)) / 3);
  return enc.slice(align === 0 ? 0 : align + 1, fullGroups * 4);
}

export interface ScanReport {
  readonly files: number;
  readonly bytes: number;
  /** Files under a `logs` folder, and their bytes. */
  readonly logFiles: number;
  readonly logBytes: number;
  /** `<needle>: <file>` for every file holding a needle (with the count). */
  readonly hits: readonly string[];
}

function walk(dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const p = path.join(dir, n);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(p, out);
    else if (st.isFile()) out.push(p);
  }
}

function count(hay: Buffer, needle: Buffer): number {
  let n = 0;
  for (let at = hay.indexOf(needle); at !== -1; at = hay.indexOf(needle, at + 1)) n++;
  return n;
}

export function scanTree(root: string, needles: readonly Needle[]): ScanReport {
  const files: string[] = [];
  walk(root, files);
  let bytes = 0;
  let logFiles = 0;
  let logBytes = 0;
  const hits: string[] = [];
  for (const f of files) {
    let body: Buffer;
    try {
      body = readFileSync(f);
    } catch {
      continue;
    }
    bytes += body.length;
    if (f.split(path.sep).includes('logs')) {
      logFiles++;
      logBytes += body.length;
    }
    for (const n of needles) {
      const c = count(body, n.bytes);
      if (c > 0) hits.push(`${n.label}: ${path.relative(root, f)} (${c}×)`);
    }
  }
  return { files: files.length, bytes, logFiles, logBytes, hits };
}
