import { describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { buildDigest } from '../../src/digest/build.js';
import { renderSlackMessages, type SlackMessage } from '../../src/digest/render-slack.js';
import { SlackRateLimiter, sendSlackDigest, sendSlackMessages } from '../../src/channels/slack.js';
import { ChannelError } from '../../src/errors.js';
import { manyItems, sampleInput } from '../fixtures/digest/items.js';
import { fakeClock, startReceiver, useReceiver } from './receiver.js';

const SECRET_PATH = '/services/T000/B000/XXXXsecretXXXX';
const receiver = useReceiver();

const digest60 = buildDigest(sampleInput({ items: manyItems(60) }));

async function failure(p: Promise<unknown>): Promise<ChannelError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ChannelError);
  return e as ChannelError;
}

describe('slack channel', () => {
  it('posts a 60-match digest as several messages, in order, one per second', async () => {
    const clock = fakeClock();
    const limiter = new SlackRateLimiter(1000, clock.now, clock.sleep);
    const url = receiver().url + SECRET_PATH;
    const receipt = await sendSlackDigest(digest60, url, { limiter, now: clock.now });
    const expected = renderSlackMessages(digest60);
    expect(receipt.messages).toBe(expected.length);
    expect(receiver().received.map((r) => JSON.parse(r.body) as SlackMessage)).toEqual(expected);
    expect(receiver().received.every((r) => r.path === SECRET_PATH && r.headers['content-type'] === 'application/json')).toBe(true);
    for (const r of receiver().received) expect((JSON.parse(r.body) as SlackMessage).blocks.length).toBeLessThanOrEqual(50);
    // the first message goes at once, every later one waits for the one-second spacing
    expect(clock.waits).toEqual(Array.from({ length: expected.length - 1 }, () => 1000));
    const all = receiver().received.map((r) => r.body).join('');
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<http://x|y>');
  });

  it('never interleaves two digests sent at once to the same webhook', async () => {
    const clock = fakeClock();
    const limiter = new SlackRateLimiter(1000, clock.now, clock.sleep);
    const url = receiver().url + SECRET_PATH;
    const other = buildDigest(sampleInput({ items: manyItems(40), subscription: { id: 'other', name: 'Other' } }));
    await Promise.all([sendSlackDigest(digest60, url, { limiter }), sendSlackDigest(other, url, { limiter })]);
    const expected = [...renderSlackMessages(digest60), ...renderSlackMessages(other)].map((m) => JSON.stringify(m));
    expect(receiver().received.map((r) => r.body)).toEqual(expected);
    expect(clock.waits).toEqual(Array.from({ length: expected.length - 1 }, () => 1000));
  });

  it('waits for Retry-After on 429 and sends the same message again', async () => {
    const clock = fakeClock();
    const limiter = new SlackRateLimiter(1000, clock.now, clock.sleep);
    receiver().script({ status: 200, body: 'ok' }, { status: 429, headers: { 'retry-after': '7' }, body: 'rate_limited' });
    const messages = renderSlackMessages(digest60);
    await sendSlackMessages(messages, receiver().url + SECRET_PATH, { limiter, now: clock.now });
    expect(clock.waits).toContain(7000);
    const bodies = receiver().received.map((r) => r.body);
    expect(bodies).toHaveLength(messages.length + 1);
    expect(bodies[1]).toBe(bodies[2]);
    expect(bodies.slice(2)).toEqual(messages.slice(1).map((m) => JSON.stringify(m)));
  });

  it('gives up on a long Retry-After with a retryable error saying how many messages Slack has, and resumes there', async () => {
    const clock = fakeClock();
    const limiter = new SlackRateLimiter(1000, clock.now, clock.sleep);
    receiver().script({ status: 200 }, { status: 429, headers: { 'retry-after': '120' } });
    const messages = renderSlackMessages(digest60);
    const e = await failure(sendSlackMessages(messages, receiver().url + SECRET_PATH, { limiter, now: clock.now }));
    expect(e.permanent).toBe(false);
    expect(e.retryAfterMs).toBe(120_000);
    expect(e.delivered).toBe(1);
    await sendSlackMessages(messages, receiver().url + SECRET_PATH, { limiter, now: clock.now, fromPart: e.delivered });
    expect(receiver().received.filter((r) => r.body === JSON.stringify(messages[0]))).toHaveLength(1);
    expect(receiver().received.at(-1)!.body).toBe(JSON.stringify(messages.at(-1)));
    // the limiter held the URL for the whole Retry-After before the resumed post
    expect(clock.waits.some((w) => w >= 119_000)).toBe(true);
  });

  it.each([
    [400, 'invalid_payload', true],
    [403, 'action_prohibited', true],
    [404, 'no_service', true],
    [404, `Cannot POST ${SECRET_PATH}`, true],
    [410, 'channel_is_archived', true],
    [500, 'oops', false],
    [503, 'down', false],
  ])('classifies HTTP %i as permanent=%s, without the secret URL in the message', async (status, body, permanent) => {
    const limiter = new SlackRateLimiter(0);
    receiver().script({ status, body });
    const e = await failure(sendSlackDigest(digest60, receiver().url + SECRET_PATH, { limiter }));
    expect(e.permanent).toBe(permanent);
    expect(e.status).toBe(status);
    expect(e.code).toBe('BW_CHANNEL');
    expect(e.message).toContain(body.replace(SECRET_PATH, '/***'));
    expect(e.message).not.toContain('secret');
    expect(JSON.stringify(e)).not.toContain('secret');
  });

  it('treats a deadline and a refused connection as retryable, without the secret URL', async () => {
    const limiter = new SlackRateLimiter(0);
    receiver().script({ status: 200, delayMs: 5000 });
    const late = await failure(sendSlackDigest(digest60, receiver().url + SECRET_PATH, { limiter, timeoutMs: 200 }));
    expect(late.permanent).toBe(false);
    expect(late.message).toMatch(/no answer within 200 ms/);
    const gone = await startReceiver();
    const port = new URL(gone.url).port;
    await gone.close();
    const refused = await failure(sendSlackDigest(digest60, `http://127.0.0.1:${port}${SECRET_PATH}`, { limiter }));
    expect(refused.permanent).toBe(false);
    expect(refused.message).toMatch(/connection failed \(ECONNREFUSED\)/);
    expect(refused.message + late.message).not.toContain('secret');
  });

  it('sends through an injected dispatcher', async () => {
    let dispatched = 0;
    const agent = new Agent().compose((dispatch) => (opts, handler) => {
      dispatched++;
      return dispatch(opts, handler);
    });
    await sendSlackMessages(renderSlackMessages(buildDigest(sampleInput())), receiver().url + SECRET_PATH, { limiter: new SlackRateLimiter(0), dispatcher: agent });
    expect(dispatched).toBe(1);
    await agent.close();
  });
});
