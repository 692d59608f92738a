/**
 * Justifies the story-cluster threshold on fixtures shaped like the outlets' real behaviour:
 * forstrategy.org republishing a Eurasia Daily Monitor piece (title + first paragraphs + a credit
 * line), an agency-style rewrite of the lede, and hard negatives — another outlet's own report of
 * the same meeting, the same author's follow-up, an unrelated story. Copies must clear the
 * threshold with margin; distinct stories must stay well below it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLUSTER_THRESHOLD } from '../../src/dedupe/cluster-store.js';
import { estimateSimilarity, minhashSignature } from '../../src/dedupe/minhash.js';
import { leadTokens } from '../../src/dedupe/lead-tokens.js';
import type { Article } from '../../src/types.js';

type Fixture = Pick<Article, 'sourceId' | 'title' | 'content'>;
const stories = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/dedupe/stories.json'), 'utf8')) as Record<string, Fixture>;

function signatureOf(name: string): Uint32Array {
  const s = stories[name]!;
  const article: Article = { ...s, id: name, url: null, guid: null, summary: '', author: null, categories: [], published: '', publishedEstimated: false, fetchedAt: '', lang: null };
  return minhashSignature(leadTokens(article))!;
}

describe('story-cluster threshold', () => {
  const original = signatureOf('original');
  const sim = (name: string): number => estimateSimilarity(original, signatureOf(name));

  it('joins republications and rewrites of the lede to the original', () => {
    const table = ['republished', 'syndicated', 'sameTopic', 'followUp', 'unrelated'].map((n) => `${n}: ${sim(n).toFixed(2)}`);
    console.log(`similarity to the original (threshold ${DEFAULT_CLUSTER_THRESHOLD}): ${table.join(', ')}`);
    expect(sim('republished')).toBeGreaterThanOrEqual(DEFAULT_CLUSTER_THRESHOLD + 0.2);
    expect(sim('syndicated')).toBeGreaterThanOrEqual(DEFAULT_CLUSTER_THRESHOLD);
  });

  it('keeps other reports of the same event, follow-ups and unrelated stories apart', () => {
    expect(sim('sameTopic')).toBeLessThan(DEFAULT_CLUSTER_THRESHOLD - 0.3);
    expect(sim('followUp')).toBeLessThan(DEFAULT_CLUSTER_THRESHOLD - 0.3);
    expect(sim('unrelated')).toBeLessThan(0.1);
  });
});
