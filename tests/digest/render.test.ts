import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../src/digest/build.js';
import { cleanLine, cleanText, foldSpaces, renderSubject } from '../../src/digest/format.js';
import { escapeHtml, renderDigestHtml } from '../../src/digest/render-html.js';
import { renderDigestText } from '../../src/digest/render-text.js';
import { decodeWebhookSecret, renderWebhookBody, signWebhook } from '../../src/digest/render-webhook.js';
import { ITEMS, sampleInput } from '../fixtures/digest/items.js';

const digest = buildDigest(sampleInput());

describe('renderSubject', () => {
  it.each([
    ['a digest', digest, {}, 'belwatch: 5 new on Sanctions, Integration — 27 Nov'],
    ['with a prefix', digest, { prefix: '[BY]' }, '[BY]: 5 new on Sanctions, Integration — 27 Nov'],
    ['an empty digest', buildDigest(sampleInput({ items: [] })), {}, 'belwatch: nothing new — 27 Nov'],
  ])('renders %s', (_name, d, opts, expected) => {
    expect(renderSubject(d, opts)).toBe(expected);
  });

  it('dates the subject in the subscriber’s zone', () => {
    const late = buildDigest(sampleInput({ window: { start: '2026-11-26T22:00:00Z', end: '2026-11-27T22:30:00Z' }, timeZone: 'Europe/Minsk' }));
    expect(renderSubject(late)).toMatch(/— 28 Nov$/);
    expect(renderSubject({ ...late, timeZone: 'America/New_York' })).toMatch(/— 27 Nov$/);
  });

  it('turns an alert into one clean line from the newest title, with no CR/LF or bidi override', () => {
    const alert = buildDigest(sampleInput({ kind: 'alert' }));
    const subject = renderSubject(alert);
    expect(subject.startsWith('belwatch alert: Breaking <script>')).toBe(true);
    expect(subject).toMatch(/\(and 4 more\)$/);
    expect(subject).not.toMatch(/[\r\n\u202e]/);
    expect(alert.id).toBe('daily-alert-2026-11-27T05-00-00Z');
  });

  it('shows at most three themes', () => {
    const rules = ['a', 'b', 'c', 'd'].map((id) => ({ id, name: id.toUpperCase() }));
    const base = sampleInput().items[0]!;
    const items = [{ ...base, matches: rules.map((r) => ({ ruleId: r.id, terms: [], highlights: {} })) }];
    expect(renderSubject(buildDigest(sampleInput({ rules, items })))).toBe('belwatch: 1 new on A, B, C +1 more — 27 Nov');
  });
});

describe('renderDigestText', () => {
  const text = renderDigestText(digest);

  it('has header counts, themes, entries with outlet, zoned date, highlights, clusters and a footer', () => {
    expect(text).toContain('Sanctions: 4 · Integration: 2');
    expect(text).toContain('== Sanctions (4) ==');
    expect(text).toContain('- EU extends *sanctions* against Minsk');
    expect(text).toContain('  BelTA · 26 Nov 2026, 12:00');
    expect(text).toContain('Also reported by: RFE/RL Belarus Service <https://rferl.example.org/eu-sanctions>, Zerkalo <https://zerkalo.example.org/a1-copy>');
    expect(text).toContain('Subscription: Daily Belarus watch (daily)');
    expect(text).toContain('Window: 26 Nov 2026, 08:00 – 27 Nov 2026, 08:00 (Europe/Minsk)');
  });

  it('prints no non-http link and no control characters from feeds', () => {
    // the hostile URLs are not printed as links; the summary's own words stay as plain text
    expect(text).not.toContain('javascript:alert(document.cookie)');
    expect(text).not.toContain('data:text');
    expect(text).toContain('Click <a href="javascript:alert(3)">here</a>');
    expect(text).not.toMatch(/[\r\u202e]/);
    expect(text).not.toMatch(/\nBcc:/);
  });

  it('matches the sample printed in docs/delivery.md', () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../../docs/delivery.md'), 'utf8');
    const sample = /```text\n([\s\S]*?)```/.exec(doc)![1];
    expect(renderDigestText(buildDigest(sampleInput({ items: ITEMS.filter((i) => i.article.sourceId !== 'evil') })))).toBe(sample);
  });

  it('says nothing new for an empty digest', () => {
    expect(renderDigestText(buildDigest(sampleInput({ items: [] })))).toContain('Nothing new matched your watch rules');
  });
});

describe('renderDigestHtml', () => {
  const html = renderDigestHtml(digest);

  it('escapes every feed text so no markup, handler or script survives', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<b>Outlet/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('Evil &lt;b&gt;Outlet&lt;/b&gt;');
    // no attribute anywhere starts an event handler
    expect(html).not.toMatch(/<[^>]*\son\w+\s*=/i);
  });

  it('links only http(s) URLs', () => {
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(5);
    for (const h of hrefs) expect(h).toMatch(/^https?:\/\//);
    expect(html).not.toMatch(/href="(?:javascript|data):/i);
  });

  it('removes CR/LF and bidi overrides and highlights matched terms', () => {
    expect(html).not.toContain('\u202e');
    expect(html).not.toContain('\r');
    expect(html).toContain('EU extends <strong style="background-color:#fff1a8;color:#111827;font-weight:bold;">sanctions</strong> against Minsk');
  });

  it('uses a table layout with inline styles only', () => {
    expect(html).toMatch(/<table role="presentation"/);
    expect(html).not.toMatch(/<style|<link|class=/);
  });

  it('escapes all five HTML specials', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(cleanText('a\u0000b\u202ec\nd')).toBe('abc\nd');
  });

  it('removes from archived text what normalising removes from new text: U+061C, soft hyphens, tag characters, keeping ZWNJ and ZWJ', () => {
    expect(cleanText('Lukash\u00adenka\u061c\u{e0041}\u2060 \u200c\u200d\t\n\r')).toBe('Lukashenka \u200c\u200d\t\n');
  });
});

describe('folding whitespace', () => {
  it.each(['', 'a', ' ', '  ', 'a b', 'a  b', ' a\tb\n', 'a\r\n\r\nb', '\u00a0x\u2003 y\u3000', 'x \n y', '\n', 'tail  '])('folds %j as replace(/\\s+/g, " ") does', (text) => {
    expect(foldSpaces(text)).toBe(text.replace(/\s+/g, ' '));
  });

  it('cleans a 1 MB title in linear time', () => {
    const title = `Sanctions: ${'x < 1 & y > z '.repeat(80_000)}`;
    const started = Date.now();
    const line = cleanLine(`${title}\u202e\r\nBcc: a@b`);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(line).toBe(`${title.trim()} Bcc: a@b`);
  });
});

describe('webhook body and signature', () => {
  const body = renderWebhookBody(digest);

  it('wraps the digest in a versioned envelope', () => {
    expect(JSON.parse(body)).toEqual({ version: 1, type: 'digest', digest: JSON.parse(JSON.stringify(digest)) });
  });

  it('signs id.timestamp.body with HMAC-SHA256 as Standard Webhooks does (spec test vector)', () => {
    // Test vector from the Standard Webhooks reference libraries.
    const headers = signWebhook({
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    });
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('uses a raw secret as UTF-8 bytes and rejects a whsec_ secret that is not base64', () => {
    expect(decodeWebhookSecret('plain-secret-0123456789').toString('utf8')).toBe('plain-secret-0123456789');
    expect(() => decodeWebhookSecret('whsec_not base64!')).toThrow(RangeError);
  });
});
