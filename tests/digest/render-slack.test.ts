import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../src/digest/build.js';
import { MAX_BLOCKS, MAX_TEXT, renderSlackMessages, type SlackBlock } from '../../src/digest/render-slack.js';
import { makeArticle, manyItems, matchOn, sampleInput } from '../fixtures/digest/items.js';

function texts(b: SlackBlock): string[] {
  return b.type === 'context' ? b.elements.map((e) => e.text) : [b.text.text];
}

describe('renderSlackMessages', () => {
  it('splits 60 matches into messages of at most 50 blocks, in order, nothing lost', () => {
    const digest = buildDigest(sampleInput({ items: manyItems(60) }));
    const messages = renderSlackMessages(digest);
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) {
      expect(m.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
      for (const b of m.blocks) for (const t of texts(b)) expect(t.length).toBeLessThanOrEqual(MAX_TEXT);
    }
    const all = messages.flatMap((m) => m.blocks.flatMap(texts)).join('\n');
    const order = [...all.matchAll(/Story (\d+) on/g)].map((m) => Number(m[1]));
    expect(order).toEqual(Array.from({ length: 60 }, (_, i) => 59 - i));
    expect(messages[0]!.blocks[0]!.type).toBe('header');
    expect(texts(messages[1]!.blocks[0]!)[0]).toContain(`part 2 of ${messages.length}`);
    expect(texts(messages[1]!.blocks[1]!)[0]).toBe('*Sanctions* (continued)');
    expect(texts(messages.at(-1)!.blocks.at(-1)!)[0]).toContain('Subscription: Daily Belarus watch');
  });

  it('never ends a message with a theme heading alone, over many group/split combinations', () => {
    for (let n = 20; n <= 30; n++) {
      const items = [...manyItems(n), ...manyItems(8).map((it) => ({ ...it, matches: [{ ...it.matches[0]!, ruleId: 'integration' }] }))];
      const messages = renderSlackMessages(buildDigest(sampleInput({ items: items.map((it, i) => ({ ...it, article: { ...it.article, id: `x${i}`, url: `https://x.example.org/${i}` } })) })));
      for (const m of messages) {
        const last = m.blocks.at(-1)!;
        expect(last.type === 'section' && /^\*[^*]+\* \(\d+\)$/.test(last.text.text)).toBe(false);
        expect(m.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
      }
    }
  });

  it('keeps every field within limits with 150 themes', () => {
    const rules = Array.from({ length: 150 }, (_, i) => ({ id: `r${i}`, name: `A rather long theme name number ${i}` }));
    const items = manyItems(150).map((it, i) => ({ ...it, matches: [{ ...it.matches[0]!, ruleId: `r${i}` }] }));
    const messages = renderSlackMessages(buildDigest(sampleInput({ rules, items })));
    for (const m of messages) {
      expect(m.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
      for (const b of m.blocks) for (const t of texts(b)) expect(t.length).toBeLessThanOrEqual(MAX_TEXT);
    }
    expect(texts(messages[0]!.blocks[1]!)[0]).toMatch(/and \d+ more themes/);
    const headings = messages.flatMap((m) => m.blocks.flatMap(texts)).filter((t) => /^\*A rather long theme name number \d+\* \(1\)$/.test(t));
    expect(headings).toHaveLength(150);
  });

  it('escapes & < > so feed text cannot ping or forge links', () => {
    const messages = renderSlackMessages(buildDigest(sampleInput({ items: manyItems(3) })));
    const json = JSON.stringify(messages);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<http://x|y>');
    expect(json).toContain('&lt;!channel&gt; &lt;http://x|y&gt;');
    const hostile = JSON.stringify(renderSlackMessages(buildDigest(sampleInput())));
    expect(hostile).not.toContain('<!channel>');
    expect(hostile).not.toContain('<http://evil.example|bank login>');
    expect(hostile).not.toMatch(/<javascript:|<data:/);
    // the only links are the http(s) ones we made
    for (const m of hostile.matchAll(/<([^>|]*)\|/g)) expect(m[1]).toMatch(/^https?:\/\//);
  });

  it('sends every mrkdwn text verbatim, so a bare @here, #general or URL in a title stays text', () => {
    const a = makeArticle({ id: 'ping', sourceId: 'belta', title: 'sanctions @here @channel #general see https://evil.test/x <@U024BE7LH>', summary: 'sanctions' });
    const messages = renderSlackMessages(buildDigest(sampleInput({ items: [{ article: a, matches: [matchOn('sanctions', a, 'sanctions')] }] })));
    const objects = messages.flatMap((m) => m.blocks.flatMap((b) => (b.type === 'context' ? b.elements : [b.text])));
    const mrkdwn = objects.filter((t) => t.type === 'mrkdwn');
    expect(mrkdwn.length).toBeGreaterThan(3);
    for (const t of mrkdwn) expect(t).toMatchObject({ verbatim: true });
    const entry = mrkdwn.find((t) => t.text.includes('@here'))!;
    expect(entry.text).toContain('@here @channel #general see https://evil.test/x &lt;@U024BE7LH&gt;');
    // the one link is the article's own, made by the renderer
    expect([...entry.text.matchAll(/<([^>|]*)\|/g)].map((m) => m[1])).toEqual([a.url]);
  });

  it('cuts a single over-long title with an explicit marker', () => {
    const a = makeArticle({ id: 'long', sourceId: 'belta', title: `sanctions ${'very long words '.repeat(400)}`, summary: 'sanctions' });
    const m = renderSlackMessages(buildDigest(sampleInput({ items: [{ article: a, matches: [matchOn('sanctions', a, 'sanctions')] }] })));
    const entry = m[0]!.blocks.find((b) => b.type === 'section' && b.text.text.includes('very long'))!;
    const text = texts(entry)[0]!;
    expect(text.length).toBeLessThanOrEqual(MAX_TEXT);
    expect(text).toMatch(/…>\n/);
  });

  it('renders nothing new as one short message', () => {
    const m = renderSlackMessages(buildDigest(sampleInput({ items: [] })));
    expect(m).toHaveLength(1);
    expect(JSON.stringify(m)).toContain('Nothing new matched');
  });
});
