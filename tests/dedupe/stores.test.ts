import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignCluster, clusterMembers } from '../../src/dedupe/cluster-store.js';
import { minhashSignature } from '../../src/dedupe/minhash.js';
import { claimArticle } from '../../src/dedupe/seen-store.js';
import { openTestRedis, type TestRedis } from '../helpers/redis.js';

let t: TestRedis;
beforeEach(async () => {
  t = await openTestRedis();
});
afterEach(async () => {
  await t.cleanup();
});

const words = (s: string): string[] => s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
const STORY =
  'Lukashenka and Putin met in Sochi on Friday to discuss the Union State, gas prices and the deployment of Russian tactical nuclear weapons in Belarus, according to the Kremlin press service which said the talks lasted five hours';
const OTHER = 'The European Union adopted a new package of sanctions against Belarusian potash exporters and state banks on Monday after months of negotiations in Brussels';

describe('claimArticle', () => {
  it('claims an id once; a retry with the same marker re-enters, anyone else sees a duplicate', async () => {
    expect(await claimArticle(t.redis, t.keys, 'a1', 'job-1')).toBe('new');
    expect(await claimArticle(t.redis, t.keys, 'a1', 'job-1')).toBe('retry');
    expect(await claimArticle(t.redis, t.keys, 'a1', 'job-2')).toBe('duplicate');
    await t.redis.set(t.keys.seen('a1'), 'done');
    expect(await claimArticle(t.redis, t.keys, 'a1', 'job-1')).toBe('duplicate');
  });

  it('gives exactly one "new" among concurrent claimants', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => claimArticle(t.redis, t.keys, 'race', `m${i}`)));
    expect(results.filter((r) => r === 'new')).toHaveLength(1);
  });
});

describe('assignCluster', () => {
  it('joins a republished copy to the first article and keeps unrelated stories apart', async () => {
    const first = await assignCluster(t.redis, t.keys, 'edm-1', minhashSignature(words(STORY)), 1000, 3600);
    expect(first).toEqual({ clusterId: 'edm-1', joined: false, similarity: 0 });
    const copy = await assignCluster(t.redis, t.keys, 'fs-1', minhashSignature(words(`Republished: ${STORY}. Read more at forstrategy.org`)), 2000, 3600);
    expect(copy.clusterId).toBe('edm-1');
    expect(copy.joined).toBe(true);
    expect(copy.similarity).toBeGreaterThan(0.6);
    const other = await assignCluster(t.redis, t.keys, 'rfe-1', minhashSignature(words(OTHER)), 3000, 3600);
    expect(other.joined).toBe(false);
    expect(await clusterMembers(t.redis, t.keys, 'edm-1')).toEqual(['edm-1', 'fs-1']);
  });

  it('returns the same assignment when asked again for the same article', async () => {
    await assignCluster(t.redis, t.keys, 'edm-1', minhashSignature(words(STORY)), 1000, 3600);
    const a = await assignCluster(t.redis, t.keys, 'fs-1', minhashSignature(words(STORY)), 2000, 3600);
    const b = await assignCluster(t.redis, t.keys, 'fs-1', minhashSignature(words(OTHER)), 2000, 3600);
    expect(b.clusterId).toBe(a.clusterId);
  });

  it('starts its own cluster for an article with no text', async () => {
    expect((await assignCluster(t.redis, t.keys, 'empty', undefined, 1, 3600)).clusterId).toBe('empty');
  });
});
