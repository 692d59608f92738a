import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { serviceDeps } from '../../src/pipeline/adapters.js';
import { compiledSetCount } from '../../src/rules/compile.js';
import { startService, type Service } from '../../src/pipeline/service.js';
import type { Article } from '../../src/types.js';
import { makeArticle } from '../helpers/articles.js';
import type { TempConfig } from '../helpers/config-dir.js';
import { TEST_RULES, writePipelineConfig } from '../helpers/pipeline-config.js';
import { openTestRedis, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let config: TempConfig;
let service: Service | undefined;

beforeEach(async () => {
  redis = await openTestRedis();
  config = writePipelineConfig({ prefix: redis.prefix, sources: [{ id: 'edm', url: 'https://jamestown.org/programs/edm/feed/' }] });
});
afterEach(async () => {
  await service?.close();
  await redis.cleanup();
  config.cleanup();
});

const article: Article = makeArticle('x1', {
  title: 'EU weighs sanctions on Belarus',
  content: 'Brussels discussed new sanctions against Minsk.',
});

describe('config reload', () => {
  it('refuses a broken rule and keeps matching with the old rules; applies a good change', async () => {
    service = await startService({ configDir: config.dir, roles: ['processor'], log: createLogger({ level: 'silent' }), deps: serviceDeps(), http: false });
    const matchNow = (): string[] => service!.runtime().match(article).map((m) => m.ruleId);
    expect(matchNow()).toEqual(['sanctions']);

    writeFileSync(path.join(config.dir, 'rules.yaml'), TEST_RULES.replace("'sanction* AND (Belarus* OR Minsk)'", "'sanction* AND (Belarus* OR'"));
    const refused = await service.reload();
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.problems.join('\n')).toMatch(/rules\.yaml:\d+:\d+: rule sanctions: /);
    expect(service.config().rules.find((r) => r.id === 'sanctions')?.query).toBe('sanction* AND (Belarus* OR Minsk)');
    expect(matchNow()).toEqual(['sanctions']);

    writeFileSync(path.join(config.dir, 'rules.yaml'), TEST_RULES.replace("'sanction* AND (Belarus* OR Minsk)'", "'sanction* AND Brussels'"));
    expect((await service.reload()).ok).toBe(true);
    expect(service.config().rules.find((r) => r.id === 'sanctions')?.query).toBe('sanction* AND Brussels');
  });
});

describe('config reload and schedules', () => {
  it('a reload whose schedule sync fails leaves the old runtime live', async () => {
    service = await startService({ configDir: config.dir, roles: ['scheduler', 'processor'], log: createLogger({ level: 'silent' }), deps: serviceDeps(), http: false });
    const before = service.runtime();
    writeFileSync(path.join(config.dir, 'rules.yaml'), TEST_RULES.replace("'sanction* AND (Belarus* OR Minsk)'", "'sanction* AND Brussels'"));
    // BullMQ keeps job schedulers in a sorted set: a string there makes Redis refuse the sync.
    const repeat = `{${redis.prefix}}:poll:repeat`;
    await redis.redis.del(repeat);
    await redis.redis.set(repeat, 'not a sorted set');
    const refused = await service.reload();
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.problems.join('\n')).toMatch(/WRONGTYPE/);
    expect(service.runtime()).toBe(before);
    expect(service.config().rules.find((r) => r.id === 'sanctions')?.query).toBe('sanction* AND (Belarus* OR Minsk)');
    expect(service.runtime().match(article).map((m) => m.ruleId)).toEqual(['sanctions']);

    await redis.redis.del(repeat);
    expect((await service.reload()).ok).toBe(true);
    expect(service.config().rules.find((r) => r.id === 'sanctions')?.query).toBe('sanction* AND Brussels');
  });
});

describe('rule compilation by role', () => {
  it('compiles each config load once in a processor and never in other roles (until asked to match)', async () => {
    const log = createLogger({ level: 'silent' });
    const count = compiledSetCount();
    service = await startService({ configDir: config.dir, roles: ['processor'], log, deps: serviceDeps(), http: false });
    expect(compiledSetCount() - count).toBe(1);
    expect((await service.reload()).ok).toBe(true);
    expect(compiledSetCount() - count).toBe(2);
    await service.close();

    service = await startService({ configDir: config.dir, roles: ['scheduler', 'fetcher', 'notifier'], log, deps: serviceDeps(), http: false });
    expect((await service.reload()).ok).toBe(true);
    expect(compiledSetCount() - count).toBe(2);
  });

  it('compiles the matcher at start only in processors; other roles compile it when first asked to match', async () => {
    let compiled = 0;
    const deps = serviceDeps();
    const counting = { ...deps, compile: (c: Parameters<typeof deps.compile>[0]) => (compiled++, deps.compile(c)) };
    service = await startService({ configDir: config.dir, roles: ['notifier'], log: createLogger({ level: 'silent' }), deps: counting, http: false });
    expect(compiled).toBe(0);
    expect(service.runtime().match(article).map((m) => m.ruleId)).toEqual(['sanctions']);
    service.runtime().match(article);
    expect(compiled).toBe(1);
    await service.close();

    service = await startService({ configDir: config.dir, roles: ['processor'], log: createLogger({ level: 'silent' }), deps: counting, http: false });
    expect(compiled).toBe(2);
  });
});
