/**
 * The parse pool's worker entry (piscina loads this file in each worker thread): the same pure
 * functions the main thread would run — `parseSourceBytes` for a source's body, decode +
 * `extractFullText` for a `fullText` article page — on the transferred bytes (see parse-task.ts
 * for the exchange). The meter is started before any work so the pool holds the document, and
 * only the document, to the CPU budget. Never throws for a document: failures are answers.
 */
import { decodeBytes } from './charset.js';
import { extractFullText } from './parse/full-text.js';
import { parseSourceBytes } from './parse-source.js';
import { startMeter, type ParseTask, type ParseTaskResult } from './parse-task.js';

export default async function runParseTask(task: ParseTask): Promise<ParseTaskResult> {
  startMeter(task.meter);
  const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  if (task.op === 'full-text') return { ok: true, text: extractFullText(decodeBytes(bytes, task.contentType).text) };
  const r = await parseSourceBytes({ ...task.input, bytes });
  return r.ok ? r : { ok: false, kind: r.error.kind, message: r.error.message };
}
