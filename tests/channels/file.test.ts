import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { buildDigest } from '../../src/digest/build.js';
import { writeDigestFiles } from '../../src/channels/file.js';
import { ChannelError } from '../../src/errors.js';
import { sampleInput } from '../fixtures/digest/items.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'belwatch-outbox-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const digest = buildDigest(sampleInput());
const addressing = { from: 'belwatch <belwatch@localhost>', to: ['analyst@example.org'], date: new Date('2026-11-27T05:00:03Z') };

describe('file channel', () => {
  it('writes <dir>/<subscription>/<digest-id>.eml, .html and .json and nothing else', async () => {
    const receipt = await writeDigestFiles(digest, dir, addressing);
    const base = path.join(dir, 'daily', 'daily-2026-11-27T05-00-00Z');
    expect(receipt).toEqual({ eml: `${base}.eml`, html: `${base}.html`, json: `${base}.json` });
    expect(readdirSync(path.join(dir, 'daily')).sort()).toEqual(['daily-2026-11-27T05-00-00Z.eml', 'daily-2026-11-27T05-00-00Z.html', 'daily-2026-11-27T05-00-00Z.json']);
    expect(JSON.parse(readFileSync(receipt.json, 'utf8'))).toEqual({ version: 1, type: 'digest', digest: JSON.parse(JSON.stringify(digest)) });
    expect(readFileSync(receipt.html, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('writes an .eml that parses as a complete MIME message with both parts', async () => {
    const { eml } = await writeDigestFiles(digest, dir, addressing);
    const mail = await simpleParser(readFileSync(eml));
    expect(mail.messageId).toBe('<daily-2026-11-27T05-00-00Z@belwatch>');
    expect(mail.subject).toBe('belwatch: 5 new on Sanctions, Integration — 27 Nov');
    expect(mail.from?.value).toEqual([{ name: 'belwatch', address: 'belwatch@localhost' }]);
    expect(mail.date?.toISOString()).toBe('2026-11-27T05:00:03.000Z');
    expect(mail.text).toContain('== Integration (2) ==');
    expect(mail.html).toContain('Also reported by');
  });

  it('is idempotent: writing the same digest again gives the same files', async () => {
    const first = await writeDigestFiles(digest, dir, addressing);
    const before = [first.html, first.json].map((f) => readFileSync(f, 'utf8'));
    await writeDigestFiles(digest, dir, addressing);
    expect([first.html, first.json].map((f) => readFileSync(f, 'utf8'))).toEqual(before);
    expect(readdirSync(path.join(dir, 'daily'))).toHaveLength(3);
  });

  it('reports an unwritable folder as a permanent ChannelError and leaves no temporary file', async () => {
    const blocker = path.join(dir, 'blocker');
    writeFileSync(blocker, 'a file where a folder should be');
    const e = (await writeDigestFiles(digest, blocker, addressing).catch((err: unknown) => err)) as ChannelError;
    expect(e).toBeInstanceOf(ChannelError);
    expect(e.permanent).toBe(true);
    expect(readdirSync(dir)).toEqual(['blocker']);
  });

  it('refuses a digest id that is not safe as a file name', async () => {
    const e = (await writeDigestFiles({ ...digest, id: '../../etc/passwd' }, dir, addressing).catch((err: unknown) => err)) as ChannelError;
    expect(e).toBeInstanceOf(ChannelError);
    expect(e.permanent).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });
});
