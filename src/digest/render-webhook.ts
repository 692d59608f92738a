/**
 * Webhook payloads and their Standard Webhooks signature.
 *
 * Body: `{"version":1,"type":"digest"|"alert","digest":<Digest>}` as compact JSON. The body string is
 * what gets signed and sent, byte for byte, so it is rendered once per delivery.
 *
 * Signature (https://www.standardwebhooks.com): headers `webhook-id` (stable per digest, so a retry
 * carries the same id and receivers drop duplicates), `webhook-timestamp` (Unix seconds of this
 * attempt) and `webhook-signature: v1,<base64 HMAC-SHA256 over "<id>.<timestamp>.<body>">`. The secret
 * is either `whsec_<base64>` — the key is the base64-decoded remainder, as Standard Webhooks
 * libraries expect — or any other string, used as raw UTF-8 key bytes. A `whsec_` secret whose
 * remainder is not valid base64 is rejected (RangeError) rather than silently used as text.
 */
import { createHmac } from 'node:crypto';
import type { Digest } from './model.js';

export const WEBHOOK_PAYLOAD_VERSION = 1;

export interface WebhookPayload {
  readonly version: typeof WEBHOOK_PAYLOAD_VERSION;
  readonly type: Digest['kind'];
  readonly digest: Digest;
}

export function renderWebhookBody(digest: Digest): string {
  const payload: WebhookPayload = { version: WEBHOOK_PAYLOAD_VERSION, type: digest.kind, digest };
  return JSON.stringify(payload);
}

/** The webhook-id of a digest: the same on every attempt. */
export function makeWebhookId(digest: Digest): string {
  return `msg_${digest.id}`;
}

/** The HMAC key bytes of a configured secret (see the module comment). */
export function decodeWebhookSecret(secret: string): Buffer {
  if (!secret.startsWith('whsec_')) return Buffer.from(secret, 'utf8');
  const b64 = secret.slice('whsec_'.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) throw new RangeError('webhook secret starts with whsec_ but the rest is not base64');
  return Buffer.from(b64, 'base64');
}

export interface WebhookSignatureInput {
  readonly id: string;
  /** Unix seconds. */
  readonly timestamp: number;
  readonly body: string;
  readonly secret: string;
}

export function signWebhook(input: WebhookSignatureInput): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const ts = String(Math.floor(input.timestamp));
  const mac = createHmac('sha256', decodeWebhookSecret(input.secret)).update(`${input.id}.${ts}.${input.body}`).digest('base64');
  return { 'webhook-id': input.id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${mac}` };
}
