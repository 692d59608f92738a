import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { buildDigest } from '../../src/digest/build.js';
import { sendWebhookDigest } from '../../src/channels/webhook.js';
import { ChannelError } from '../../src/errors.js';
import { sampleInput } from '../fixtures/digest/items.js';
import { useReceiver } from './receiver.js';

const digest = buildDigest(sampleInput());
const WHSEC = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const RAW = 'a-raw-secret-of-some-length';

const receiver = useReceiver();

function headersOf(i: number): Record<string, string> {
  const h = receiver().received[i]!.headers;
  return { 'webhook-id': String(h['webhook-id']), 'webhook-timestamp': String(h['webhook-timestamp']), 'webhook-signature': String(h['webhook-signature']) };
}

describe('webhook channel', () => {
  it('posts the versioned digest JSON with a signature the Standard Webhooks library verifies (whsec_ secret)', async () => {
    const receipt = await sendWebhookDigest(digest, { url: `${receiver().url}/hook`, secret: WHSEC });
    expect(receipt).toEqual({ webhookId: 'msg_daily-2026-11-27T05-00-00Z', status: 200 });
    const got = receiver().received[0]!;
    expect(got.headers['content-type']).toBe('application/json');
    const payload = new Webhook(WHSEC).verify(got.body, headersOf(0));
    expect(payload).toEqual({ version: 1, type: 'digest', digest: JSON.parse(JSON.stringify(digest)) });
    // a tampered body or a wrong secret does not verify
    expect(() => new Webhook(WHSEC).verify(got.body.replace('Sanctions', 'Sanctionz'), headersOf(0))).toThrow();
    expect(() => new Webhook(`whsec_${Buffer.from('another-secret-entirely!').toString('base64')}`).verify(got.body, headersOf(0))).toThrow();
  });

  it('uses a secret without whsec_ as raw bytes', async () => {
    await sendWebhookDigest(digest, { url: receiver().url, secret: RAW });
    expect(() => new Webhook(RAW, { format: 'raw' }).verify(receiver().received[0]!.body, headersOf(0))).not.toThrow();
  });

  it('keeps the same webhook-id on every retry, with a fresh timestamp', async () => {
    receiver().script({ status: 503 }, { status: 502 });
    let t = Date.now();
    const now = (): number => (t += 10_000);
    for (let i = 0; i < 3; i++) await sendWebhookDigest(digest, { url: receiver().url, secret: WHSEC }, { now }).catch((e: unknown) => expect((e as ChannelError).permanent).toBe(false));
    const ids = receiver().received.map((r) => r.headers['webhook-id']);
    expect(new Set(ids)).toEqual(new Set(['msg_daily-2026-11-27T05-00-00Z']));
    expect(new Set(receiver().received.map((r) => r.headers['webhook-timestamp'])).size).toBe(3);
    expect(new Set(receiver().received.map((r) => r.body)).size).toBe(1);
  });

  it.each([
    [400, true],
    [401, true],
    [403, true],
    [404, true],
    [410, true],
    [422, true],
    [408, false],
    [500, false],
    [502, false],
    [503, false],
  ])('HTTP %i is permanent=%s', async (status, permanent) => {
    receiver().script({ status });
    const e = (await sendWebhookDigest(digest, { url: `${receiver().url}/?token=hidden-token`, secret: RAW }).catch((err: unknown) => err)) as ChannelError;
    expect(e).toBeInstanceOf(ChannelError);
    expect(e.permanent).toBe(permanent);
    expect(e.status).toBe(status);
    expect(e.message).not.toContain(RAW);
    expect(e.message).not.toContain('hidden-token');
  });

  it('turns 429 into a retryable error carrying Retry-After, in seconds or as a date', async () => {
    const now = Date.parse('2026-11-27T05:00:00Z');
    receiver().script({ status: 429, headers: { 'retry-after': '30' } }, { status: 429, headers: { 'retry-after': new Date(now + 90_000).toUTCString() } }, { status: 429 });
    const errors: ChannelError[] = [];
    for (let i = 0; i < 3; i++) errors.push((await sendWebhookDigest(digest, { url: receiver().url, secret: RAW }, { now: () => now }).catch((e: unknown) => e)) as ChannelError);
    expect(errors.map((e) => [e.permanent, e.retryAfterMs])).toEqual([
      [false, 30_000],
      [false, 90_000],
      [false, undefined],
    ]);
  });
});
