import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDigest } from '../../src/digest/build.js';
import { deliverToChannel, type ChannelDeps } from '../../src/channels/deliver.js';
import { EmailTransports } from '../../src/channels/email.js';
import { SlackRateLimiter } from '../../src/channels/slack.js';
import { ChannelError } from '../../src/errors.js';
import { sampleInput } from '../fixtures/digest/items.js';
import { useReceiver } from './receiver.js';

const receiver = useReceiver();
const base = mkdtempSync(path.join(os.tmpdir(), 'belwatch-deliver-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const digest = buildDigest(sampleInput());
const deps = (): ChannelDeps => ({
  email: new EmailTransports({ url: '', from: 'belwatch <b@localhost>', pool: false }),
  slackLimiter: new SlackRateLimiter(0),
  baseDir: base,
  from: 'belwatch <b@localhost>',
});

describe('deliverToChannel', () => {
  it('writes a file channel relative to the base folder', async () => {
    const r = await deliverToChannel(digest, { type: 'file', dir: 'outbox' }, deps());
    expect(r).toEqual({ type: 'file', target: path.join(base, 'outbox', 'daily', `${digest.id}.eml`), ref: `<${digest.id}@belwatch>` });
    expect(existsSync(r.target)).toBe(true);
  });

  it('posts to Slack and webhooks with receipts that name only the host', async () => {
    const slack = await deliverToChannel(digest, { type: 'slack', webhookUrl: `${receiver().url}/services/T/B/secret-part` }, deps());
    const hook = await deliverToChannel(digest, { type: 'webhook', url: `${receiver().url}/hook?key=k`, secret: 'a-webhook-secret-123' }, deps());
    const host = new URL(receiver().url).host;
    expect(slack).toEqual({ type: 'slack', target: `slack webhook ${host}`, ref: '1 message' });
    expect(hook).toEqual({ type: 'webhook', target: `webhook ${host}`, ref: `msg_${digest.id}` });
    expect(receiver().received.map((r) => r.path)).toEqual(['/services/T/B/secret-part', '/hook?key=k']);
  });

  it('passes the sender’s ChannelError through (email without an SMTP server is permanent)', async () => {
    const e = (await deliverToChannel(digest, { type: 'email', to: ['a@example.org'] }, deps()).catch((err: unknown) => err)) as ChannelError;
    expect(e).toBeInstanceOf(ChannelError);
    expect(e.permanent).toBe(true);
  });
});
