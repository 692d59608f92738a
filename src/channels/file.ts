/**
 * File channel (the default; needs no account): writes `<dir>/<subscription id>/<digest id>.eml`
 * (the complete MIME message the email channel would send), `.html` and `.json` (the webhook body).
 *
 * Each file is written to a temporary name in the same folder and renamed into place, so a reader or
 * a crash never sees half a file; writing the same digest again replaces the three files with the
 * same content (idempotent). Subscription and digest ids are file-name safe by construction (config
 * ids are `[a-z0-9_-]`, digest ids replace `:` and `.`); anything else is refused as permanent.
 * Failures: out of space, too many open files or a busy file are retryable; everything else
 * (permission denied, a path that is a file) is permanent.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ChannelError } from '../errors.js';
import type { Digest } from '../digest/model.js';
import { renderDigestHtml } from '../digest/render-html.js';
import { renderWebhookBody } from '../digest/render-webhook.js';
import { composeMailMessage, type MailAddressing } from './mail-message.js';

export interface FileReceipt {
  readonly eml: string;
  readonly html: string;
  readonly json: string;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const RETRYABLE = new Set(['ENOSPC', 'EMFILE', 'ENFILE', 'EBUSY', 'EAGAIN']);

async function writeAtomically(file: string, data: string | Buffer): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export async function writeDigestFiles(digest: Digest, dir: string, addressing: MailAddressing): Promise<FileReceipt> {
  if (!SAFE_NAME.test(digest.subscription.id) || !SAFE_NAME.test(digest.id)) {
    throw new ChannelError(`file: digest id ${JSON.stringify(digest.id)} is not safe as a file name`, { permanent: true });
  }
  const folder = path.join(dir, digest.subscription.id);
  const base = path.join(folder, digest.id);
  const receipt = { eml: `${base}.eml`, html: `${base}.html`, json: `${base}.json` };
  try {
    const eml = await composeMailMessage(digest, addressing);
    await mkdir(folder, { recursive: true });
    await writeAtomically(receipt.json, `${renderWebhookBody(digest)}\n`);
    await writeAtomically(receipt.html, renderDigestHtml(digest));
    await writeAtomically(receipt.eml, eml);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const name = typeof code === 'string' ? code : 'write failed';
    throw new ChannelError(`file: cannot write to ${folder}: ${name}`, { permanent: !RETRYABLE.has(name) });
  }
  return receipt;
}
