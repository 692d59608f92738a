/** A belwatch config directory for pipeline tests: sources on the fixture server, a unique Redis prefix. */
import { writeConfigDir, type TempConfig } from './config-dir.js';
import { REDIS_URL } from './redis.js';

export interface TestSource {
  id: string;
  url: string;
  interval?: string;
  kind?: 'feed' | 'page' | 'page-change';
}

export const TEST_RULES = `aliases:
  lukashenka: [Lukashenka*, Lukashenko*, Лукашенк*, Лукашэнк*]
  putin: [Putin*, Путин*, Пуцін*]
rules:
  - id: lukashenka-putin
    name: Lukashenka and Putin meet
    priority: high
    query: '@lukashenka NEAR/10 @putin AND (meet* OR talks OR summit)'
  - id: sanctions
    name: Sanctions on Belarus
    query: 'sanction* AND (Belarus* OR Minsk)'
`;

export function writePipelineConfig(opts: {
  prefix: string;
  sources: readonly TestSource[];
  rules?: string;
  workers?: string;
  subscriptions?: string;
}): TempConfig {
  const sources = opts.sources
    .map((s) => `  - id: ${s.id}\n    name: ${s.id}\n    kind: ${s.kind ?? 'feed'}\n    url: ${s.url}\n    interval: ${s.interval ?? '15m'}\n    lang: en\n`)
    .join('');
  return writeConfigDir({
    'sources.yaml': `sources:\n${sources}`,
    'rules.yaml': opts.rules ?? TEST_RULES,
    'subscriptions.yaml':
      opts.subscriptions ??
      `subscriptions:
  - id: daily
    rules: ["*"]
    channels:
      - { type: file, dir: outbox }
  - id: sanctions-desk
    rules: [sanctions]
    mode: instant
    channels:
      - { type: file, dir: outbox }
`,
    'settings.yaml': `redis:
  url: ${REDIS_URL}
  prefix: ${opts.prefix}
http:
  allowPrivateNetworks: [127.0.0.1/32]
  timeout: 5s
server:
  port: 0
  host: 127.0.0.1
log:
  level: warn
${opts.workers ?? ''}`,
  });
}
