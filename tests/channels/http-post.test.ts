import { describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { BelwatchError, ChannelError } from '../../src/errors.js';
import { labelFor, postJson } from '../../src/channels/http-post.js';
import { parseRetryAfter } from '../../src/http-protocol.js';
import { useReceiver } from './receiver.js';

const receiver = useReceiver();

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-27T05:00:00Z');
  it.each([
    ['delta seconds', '12', 12_000],
    ['an HTTP date', 'Fri, 27 Nov 2026 05:01:00 GMT', 60_000],
    ['a date in the past', 'Fri, 27 Nov 2026 04:00:00 GMT', 0],
    ['garbage', 'soon', undefined],
    ['nothing', undefined, undefined],
  ])('reads %s', (_name, value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('postJson', () => {
  it('names only the host in labels', () => {
    expect(labelFor('slack webhook', 'https://hooks.slack.com/services/T0/B0/secret?x=1')).toBe('slack webhook hooks.slack.com');
    expect(labelFor('webhook', 'not a url')).toBe('webhook');
  });

  it('treats a refusal by the dispatcher’s address guard as permanent', async () => {
    const guard = new Agent().compose(() => () => {
      throw Object.assign(new BelwatchError('BW_FETCH', 'refused private address 10.0.0.1'), { kind: 'blocked-address' });
    });
    const e = (await postJson({ url: receiver().url, body: '{}', dispatcher: guard, label: 'webhook test' }).catch((err: unknown) => err)) as ChannelError;
    expect(e).toBeInstanceOf(ChannelError);
    expect(e.permanent).toBe(true);
    expect(e.message).toBe('webhook test: BW_FETCH blocked-address');
    expect(receiver().received).toHaveLength(0);
    await guard.close();
  });

  it('treats a 3xx as permanent: redirects are not followed for a POST', async () => {
    receiver().script({ status: 301, headers: { location: 'http://127.0.0.1:1/elsewhere' } });
    const e = (await postJson({ url: receiver().url, body: '{}', label: 'webhook test' }).catch((err: unknown) => err)) as ChannelError;
    expect(e.permanent).toBe(true);
    expect(e.status).toBe(301);
    expect(receiver().received).toHaveLength(1);
  });
});
