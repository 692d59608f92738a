import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../src/digest/build.js';
import { renderDigestHtml } from '../../src/digest/render-html.js';
import { renderSlackMessages } from '../../src/digest/render-slack.js';
import { renderDigestText } from '../../src/digest/render-text.js';
import { renderWebhookBody } from '../../src/digest/render-webhook.js';
import { makeArticle, matchOn, sampleInput } from '../fixtures/digest/items.js';

// Stored before normalisation stripped userinfo, or handed to the renderers by another path.
const disguised = makeArticle({
  id: 'disguised',
  sourceId: 'belta',
  title: 'Sanctions extended',
  url: 'https://belta.by@evil.test/login',
  summary: 'sanctions',
  published: '2026-11-26T07:00:00.000Z',
});
const digest = buildDigest(
  sampleInput({
    items: [
      {
        article: disguised,
        matches: [matchOn('sanctions', disguised, 'sanctions')],
        cluster: {
          articles: [
            { sourceId: 'belta', url: disguised.url, title: disguised.title },
            { sourceId: 'zerkalo', url: 'https://user:pw@zerkalo.io.example@evil.test/copy', title: 'Copy' },
          ],
        },
      },
    ],
  }),
);

describe('links never show a host they do not go to', () => {
  it.each([
    ['HTML', () => renderDigestHtml(digest)],
    ['text', () => renderDigestText(digest)],
    ['Slack', () => JSON.stringify(renderSlackMessages(digest))],
    ['webhook', () => renderWebhookBody(digest)],
  ])('%s: userinfo is stripped, the real host is what is linked and shown', (_name, render) => {
    const out = render();
    expect(out).toContain('https://evil.test/login');
    expect(out).toContain('https://evil.test/copy');
    expect(out).not.toMatch(/belta\.by@|zerkalo\.io\.example@|user:pw/);
  });
});
