import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError, formatProblem } from '../../src/errors.js';
import { writeConfigDir, type TempConfig } from '../helpers/config-dir.js';

let tmp: TempConfig | undefined;
afterEach(() => tmp?.cleanup());

function problemsOf(files: Record<string, string>, env: Record<string, string> = {}): string[] {
  tmp = writeConfigDir(files);
  try {
    loadConfig(tmp.dir, { env });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => formatProblem({ ...p, file: path.basename(p.file) }));
    throw e;
  }
  return [];
}

describe('loadConfig', () => {
  it('loads the shipped configuration', () => {
    const config = loadConfig(path.resolve(import.meta.dirname, '../../config'), { env: {} });
    expect(config.sources.map((s) => s.id)).toContain('jamestown-edm');
    expect(config.sources.find((s) => s.id === 'forstrategy')?.kind).toBe('page');
    expect(config.sources.find((s) => s.id === 'bti-belarus')?.kind).toBe('page-change');
    expect(config.rules.map((r) => r.id).sort()).toEqual(['integration', 'lukashenka-putin', 'sanctions']);
    expect(config.subscriptions[0]?.channels[0]).toEqual({ type: 'file', dir: 'outbox' });
    expect(config.settings.redis.url).toBe('redis://127.0.0.1:6379');
  });

  it('converts durations and applies defaults', () => {
    tmp = writeConfigDir({});
    const config = loadConfig(tmp.dir, { env: {} });
    expect(config.sources[0]?.interval).toBe(15 * 60_000);
    expect(config.settings.http.maxBodyBytes).toBe(4 * 1024 * 1024);
    expect(config.settings.http.timeout).toBe(20_000);
    expect(config.settings.http.maxRedirects).toBe(5);
    expect(config.subscriptions[0]?.schedule).toEqual({ cron: '0 8 * * *', timezone: 'Europe/Minsk' });
  });

  it('returns a deeply frozen object', () => {
    tmp = writeConfigDir({});
    const config = loadConfig(tmp.dir, { env: {} });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.sources[0])).toBe(true);
    expect(Object.isFrozen(config.settings.http.allowPrivateNetworks)).toBe(true);
  });

  it('binds the HTTP server to 127.0.0.1 unless server.host or BELWATCH_HOST says otherwise; the metrics token is a secret', () => {
    tmp = writeConfigDir({});
    expect(loadConfig(tmp.dir, { env: {} }).settings.server.host).toBe('127.0.0.1');
    expect(loadConfig(tmp.dir, { env: { BELWATCH_HOST: '0.0.0.0' } }).settings.server.host).toBe('0.0.0.0');
    tmp.cleanup();
    tmp = writeConfigDir({ 'settings.yaml': 'server:\n  host: "::"\n  metricsToken: "${METRICS_TOKEN}"\n' });
    const config = loadConfig(tmp.dir, { env: { METRICS_TOKEN: 'scrape-token-0123456789' } });
    expect(config.settings.server).toMatchObject({ host: '::', metricsToken: 'scrape-token-0123456789' });
    expect(config.secrets).toContain('scrape-token-0123456789');
  });

  it('counts the values of credential-like source headers as secrets', () => {
    tmp = writeConfigDir({
      'sources.yaml': 'sources:\n  - id: edm\n    name: EDM\n    kind: feed\n    url: https://example.org/feed\n    headers: { Authorization: "Bearer abcdef0123456789", Cookie: "sid=Q2x9fLk3PzT7", X-Auth-Token: "tok-0123456789", Private-Token: "pt-0123456789", Accept-Language: "en-GB" }\n',
    });
    const config = loadConfig(tmp.dir, { env: {} });
    for (const v of ['Bearer abcdef0123456789', 'sid=Q2x9fLk3PzT7', 'tok-0123456789', 'pt-0123456789']) expect(config.secrets).toContain(v);
    expect(config.secrets).not.toContain('en-GB');
  });

  it('substitutes ${VAR} and ${VAR:-default} and records them as secrets', () => {
    tmp = writeConfigDir({
      'settings.yaml': 'smtp:\n  url: "${SMTP_URL}"\nserver:\n  port: ${PORT:-9090}\n',
    });
    const config = loadConfig(tmp.dir, { env: { SMTP_URL: 'smtp://u:hunter22@127.0.0.1:2525' } });
    expect(config.settings.smtp.url).toBe('smtp://u:hunter22@127.0.0.1:2525');
    expect(config.settings.server.port).toBe(9090);
    expect(config.secrets).toContain('smtp://u:hunter22@127.0.0.1:2525');
    expect(config.secrets).toContain('hunter22');
  });

  it('lets REDIS_URL in the environment override settings.yaml', () => {
    tmp = writeConfigDir({ 'settings.yaml': 'redis:\n  url: redis://10.0.0.1:6379\n' });
    const config = loadConfig(tmp.dir, { env: { REDIS_URL: 'redis://127.0.0.1:6390' } });
    expect(config.settings.redis.url).toBe('redis://127.0.0.1:6390');
  });

  it('treats a missing settings.yaml as all defaults but a missing sources.yaml as a problem', () => {
    expect(problemsOf({ 'sources.yaml': undefined as unknown as string })).toEqual(['sources.yaml:1:1: file not found']);
  });
});

describe('loadConfig refuses, with file:line:col', () => {
  const cases: [string, Record<string, string>, Record<string, string>, string[]][] = [
    [
      'an unknown key',
      { 'sources.yaml': 'sources:\n  - id: edm\n    name: EDM\n    kind: feed\n    url: https://example.org/feed\n    intervall: 15m\n' },
      {},
      ['sources.yaml:6:5: sources[0].intervall: unknown key'],
    ],
    [
      'a value of the wrong type',
      { 'sources.yaml': 'sources:\n  - id: edm\n    name: EDM\n    kind: feed\n    url: https://example.org/feed\n    fullText: "yes"\n' },
      {},
      ['sources.yaml:6:15: sources[0].fullText: Invalid input: expected boolean, received string'],
    ],
    [
      'a value outside its set',
      { 'sources.yaml': 'sources:\n  - id: edm\n    name: EDM\n    kind: rss\n    url: https://example.org/feed\n' },
      {},
      ['sources.yaml:4:11: sources[0].kind: Invalid option: expected one of "feed"|"page"|"page-change"'],
    ],
    [
      'a missing required key',
      { 'sources.yaml': 'sources:\n  - id: edm\n    kind: feed\n    url: https://example.org/feed\n' },
      {},
      ['sources.yaml:2:5: sources[0].name: required'],
    ],
    [
      'a duplicate id',
      {
        'sources.yaml':
          'sources:\n  - id: edm\n    name: A\n    kind: feed\n    url: https://a.example/feed\n  - id: edm\n    name: B\n    kind: feed\n    url: https://b.example/feed\n',
      },
      {},
      ['sources.yaml:6:9: duplicate source id "edm" (first defined at line 2)'],
    ],
    [
      'a subscription naming an unknown rule',
      {
        'subscriptions.yaml':
          'subscriptions:\n  - id: daily\n    rules: [sanctions, integraton]\n    channels:\n      - { type: file, dir: outbox }\n',
      },
      {},
      ['subscriptions.yaml:3:24: subscription "daily" names unknown rule "integraton"'],
    ],
    [
      'an invalid cron expression',
      {
        'subscriptions.yaml':
          'subscriptions:\n  - id: daily\n    rules: ["*"]\n    schedule: { cron: "0 25 * * *", timezone: Europe/Minsk }\n    channels:\n      - { type: file }\n',
      },
      {},
      ['subscriptions.yaml:4:23: invalid cron expression "0 25 * * *"'],
    ],
    [
      'an unknown time zone',
      {
        'subscriptions.yaml':
          'subscriptions:\n  - id: daily\n    rules: ["*"]\n    schedule: { cron: "0 8 * * *", timezone: Europe/Minks }\n    channels:\n      - { type: file }\n',
      },
      {},
      ['subscriptions.yaml:4:46: unknown time zone "Europe/Minks" (use an IANA name such as Europe/Minsk)'],
    ],
    [
      'an invalid URL',
      { 'sources.yaml': 'sources:\n  - id: edm\n    name: EDM\n    kind: feed\n    url: ftp://example.org/feed\n' },
      {},
      ['sources.yaml:5:10: sources[0].url: must be an absolute http:// or https:// URL'],
    ],
    [
      'a missing ${VAR}',
      {
        'subscriptions.yaml':
          'subscriptions:\n  - id: daily\n    rules: ["*"]\n    channels:\n      - { type: slack, webhookUrl: "${SLACK_WEBHOOK_URL}" }\n',
      },
      {},
      [
        'subscriptions.yaml:5:36: environment variable SLACK_WEBHOOK_URL is not set',
      ],
    ],
    [
      'a YAML syntax error',
      { 'rules.yaml': 'rules:\n  - id: a\n    name: "unterminated\n' },
      {},
      ['rules.yaml:3:11: YAML: unclosed quote: this " is never closed (write \\" for a quote inside double quotes)'],
    ],
    [
      'a duplicate key in one mapping',
      { 'rules.yaml': 'rules:\n  - id: a\n    id: b\n    name: x\n    query: y\n' },
      {},
      ['rules.yaml:3:5: YAML: duplicate key "id" (first at line 2): a mapping holds each key once'],
    ],
    [
      'a page source without selectors',
      { 'sources.yaml': 'sources:\n  - id: fs\n    name: FS\n    kind: page\n    url: https://forstrategy.org/en\n' },
      {},
      ['sources.yaml:4:11: page source "fs" needs selectors.item', 'sources.yaml:4:11: page source "fs" needs selectors.link', 'sources.yaml:4:11: page source "fs" needs selectors.title'],
    ],
    [
      'an email channel without SMTP',
      {
        'subscriptions.yaml':
          'subscriptions:\n  - id: daily\n    rules: ["*"]\n    channels:\n      - { type: email, to: [a@example.org] }\n',
      },
      {},
      ['subscriptions.yaml:5:17: email channel needs smtp.url in settings.yaml (or SMTP_URL in the environment)'],
    ],
  ];

  it.each(cases)('%s', (_name, files, env, expected) => {
    const got = problemsOf(files, env);
    for (const want of expected) expect(got).toContain(want);
    expect(got).toHaveLength(expected.length);
  });

  it('reports several problems across files in one run', () => {
    const got = problemsOf({
      'sources.yaml': 'sources:\n  - id: Bad Id\n    name: x\n    kind: feed\n    url: nope\n',
      'subscriptions.yaml':
        'subscriptions:\n  - id: d\n    rules: [missing]\n    schedule: { cron: "x", timezone: Mars/Olympus }\n    channels:\n      - { type: file }\n',
      'settings.yaml': 'server:\n  port: 70000\n  colour: blue\n',
    });
    expect(got).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sources\.yaml:2:9: sources\[0\]\.id: must be/),
        'sources.yaml:5:10: sources[0].url: must be an absolute http:// or https:// URL',
        'settings.yaml:2:9: server.port: must be a whole number from 0 to 65535',
        'settings.yaml:3:3: server.colour: unknown key',
      ]),
    );
    expect(got.length).toBe(4);
    // Cross-file checks need valid files; once those are fixed the subscription problems appear too.
    const next = problemsOf({
      'subscriptions.yaml':
        'subscriptions:\n  - id: d\n    rules: [missing]\n    schedule: { cron: "x", timezone: Mars/Olympus }\n    channels:\n      - { type: file }\n',
    });
    expect(next).toHaveLength(3);
  });
});
