/**
 * Loads the configuration directory into one frozen `Config`.
 *
 * Order: read and parse each file (YAML errors and `${VAR}` problems collected), apply environment
 * overrides to settings (`REDIS_URL`, `SMTP_URL`, `BELWATCH_PORT`, `BELWATCH_HOST`, `BELWATCH_LOG_LEVEL`), validate
 * each file against its schema (a bad override is blamed on its variable, as
 * `environment BELWATCH_PORT: expected a port number from 0 to 65535, got "abc"`, never on the
 * line of settings.yaml it replaced; a URL's value is not repeated, it may hold a password), check
 * that `smtp.url` is an smtp(s) URL, run the cross-file checks, then any extra `checks` the caller passes
 * (the CLI passes the rule compiler). Every problem from every stage is collected and thrown at once
 * as a `ConfigError`; nothing is half-loaded. `settings.yaml` is optional, the other three are not.
 *
 * The directory is `--config DIR`, else `$BELWATCH_CONFIG`, else `./config`.
 */
import path from 'node:path';
import type { z } from 'zod';
import { ConfigError, type Problem } from '../errors.js';
import { crossCheck, crossCheckWarnings } from './cross-check.js';
import {
  rulesFileSchema,
  settingsFileSchema,
  sourcesFileSchema,
  subscriptionsFileSchema,
  type Settings,
} from './schema.js';
import type { Config, ConfigFileName, Location } from './types.js';
import { locateInScalar, locatePath, readYamlSource, scalarAt, type Env, type YamlSource } from './yaml-source.js';

export interface LoadOptions {
  readonly env?: Env;
  /** Further checks over the validated config, e.g. compiling rules; their problems are reported with the rest. */
  readonly checks?: readonly ((config: Config) => readonly Problem[])[];
}

export function resolveConfigDir(flag: string | undefined, env: Env = process.env): string {
  return flag ?? env['BELWATCH_CONFIG'] ?? 'config';
}

export function loadConfig(dir: string, options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const problems: Problem[] = [];
  const file = (name: ConfigFileName): string => path.join(dir, name);

  const srcSources = readYamlSource(file('sources.yaml'), env, problems);
  const srcRules = readYamlSource(file('rules.yaml'), env, problems);
  const srcSubs = readYamlSource(file('subscriptions.yaml'), env, problems);
  const settingsProblems: Problem[] = [];
  const srcSettings = readYamlSource(file('settings.yaml'), env, settingsProblems);
  problems.push(...settingsProblems.filter((p) => p.message !== 'file not found'));

  const sources = validateFile(srcSources, sourcesFileSchema, problems);
  const rules = validateFile(srcRules, rulesFileSchema, problems);
  const subs = validateFile(srcSubs, subscriptionsFileSchema, problems);
  const settingsRaw = applyEnvOverrides(srcSettings?.data, env);
  const settings = validateFile(
    srcSettings ? { ...srcSettings, data: settingsRaw } : undefined,
    settingsFileSchema,
    problems,
    overridesIn(env),
    settingsRaw,
  );

  const smtpBad = settings ? smtpUrlProblem(settings.smtp.url) : undefined;
  if (smtpBad) {
    const override = overridesIn(env).get('smtp.url');
    if (override) problems.push(envProblem(override));
    else if (srcSettings) problems.push({ file: srcSettings.file, ...locatePath(srcSettings, ['smtp', 'url']), message: `smtp.url: ${smtpBad}` });
  }

  const byName: Record<ConfigFileName, YamlSource | undefined> = {
    'sources.yaml': srcSources,
    'rules.yaml': srcRules,
    'subscriptions.yaml': srcSubs,
    'settings.yaml': srcSettings,
  };
  const locate = (name: ConfigFileName, p: readonly PropertyKey[]): Location => {
    const src = byName[name];
    return src ? { file: src.file, ...locatePath(src, p) } : { file: file(name), line: 1, col: 1 };
  };

  if (!sources || !rules || !subs || !settings) {
    throw new ConfigError(problems.length > 0 ? sortProblems(problems) : [{ file: dir, line: 1, col: 1, message: 'invalid configuration' }]);
  }

  const ruleIndex = new Map(rules.rules.map((r, i) => [r.id, i]));
  const locateQuery = (ruleId: string, offset: number): Location => {
    const i = ruleIndex.get(ruleId);
    const src = srcRules;
    if (i === undefined || !src) return { file: file('rules.yaml'), line: 1, col: 1 };
    const node = scalarAt(src, ['rules', i, 'query']);
    return node ? { file: src.file, ...locateInScalar(src, node, offset) } : locate('rules.yaml', ['rules', i]);
  };

  const partial = {
    dir,
    sources: sources.sources,
    aliases: rules.aliases,
    rules: rules.rules,
    subscriptions: subs.subscriptions,
    settings,
    locate,
    locateQuery,
  };
  problems.push(...crossCheck(partial));
  const warnings = crossCheckWarnings(partial);
  const secrets = collectSecrets(partial, [srcSources, srcRules, srcSubs, srcSettings]);
  const config: Config = deepFreeze({ ...partial, secrets, warnings: sortProblems(warnings) });
  for (const check of options.checks ?? []) problems.push(...check(config));
  // Warnings are listed with the errors when there are errors, so one run shows everything.
  if (problems.length > 0) throw new ConfigError(sortProblems([...problems, ...warnings]));
  return config;
}

/**
 * Validates one parsed file against its schema, adding each issue to `problems` at its file:line:col
 * (an unknown key at the key itself); undefined when the file is invalid. `overrides` maps a dotted
 * path to the environment variable that set it (its problem is blamed on the variable); `data`
 * stands in for a file that does not exist (settings.yaml is optional). Shared with
 * `rules/check.ts`'s standalone rules-file loader, so both report alike.
 */
export function validateFile<S extends z.ZodType>(
  src: YamlSource | undefined,
  schema: S,
  problems: Problem[],
  overrides: ReadonlyMap<string, EnvOverride> = new Map(),
  data: unknown = undefined,
): z.output<S> | undefined {
  // A file with syntax errors is reported for those alone: validating what the parser salvaged
  // would add guesses ("required") caused by the same typo.
  if (src?.broken === true || (!src && data === undefined)) return undefined;
  const input = src ? (src.data ?? {}) : data;
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const override = overrides.get(issue.path.map(String).join('.'));
    if (override) {
      problems.push(envProblem(override));
      continue;
    }
    if (!src) {
      problems.push({ file: 'settings.yaml', line: 1, col: 1, message: `${describePath(issue.path)}: ${issue.message}` });
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ file: src.file, ...locatePath(src, [...issue.path, key], { key: true }), message: `${describePath([...issue.path, key])}: unknown key` });
      }
      continue;
    }
    const exists = valueAt(input, issue.path) !== undefined;
    const message = exists ? issue.message : 'required';
    problems.push({ file: src.file, ...locatePath(src, issue.path), message: `${describePath(issue.path)}: ${message}` });
  }
  return undefined;
}

function valueAt(data: unknown, p: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const seg of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

export function describePath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of p) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? String(seg) : `.${String(seg)}`;
  return out || '(document)';
}

interface EnvOverride {
  readonly name: string;
  readonly value: string;
  /** What a good value looks like, for the message. */
  readonly expected: string;
  /** False for URLs: their value may carry a password and is not repeated. */
  readonly showValue: boolean;
}

const ENV_OVERRIDES: readonly { readonly name: string; readonly path: string; readonly expected: string; readonly showValue: boolean }[] = [
  { name: 'REDIS_URL', path: 'redis.url', expected: 'a redis:// or rediss:// URL', showValue: false },
  { name: 'SMTP_URL', path: 'smtp.url', expected: 'an smtp:// or smtps:// URL', showValue: false },
  { name: 'BELWATCH_PORT', path: 'server.port', expected: 'a port number from 0 to 65535', showValue: true },
  { name: 'BELWATCH_HOST', path: 'server.host', expected: 'an address or host name to listen on', showValue: true },
  { name: 'BELWATCH_LOG_LEVEL', path: 'log.level', expected: 'one of fatal, error, warn, info, debug, trace, silent', showValue: true },
];

/** The overrides the environment sets, by the dotted settings path each replaces. */
function overridesIn(env: Env): Map<string, EnvOverride> {
  const out = new Map<string, EnvOverride>();
  for (const o of ENV_OVERRIDES) {
    const value = env[o.name];
    if (value !== undefined && value !== '') out.set(o.path, { name: o.name, value, expected: o.expected, showValue: o.showValue });
  }
  return out;
}

function envProblem(o: EnvOverride): Problem {
  const got = o.showValue ? `, got ${JSON.stringify(o.value)}` : '';
  return { file: `environment ${o.name}`, line: 0, col: 0, message: `expected ${o.expected}${got}` };
}

/** The SMTP URL must be one nodemailer can use: checked here because SMTP_URL may set it. */
function smtpUrlProblem(url: string): string | undefined {
  if (url.trim() === '') return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'smtp:' || u.protocol === 'smtps:' ? undefined : 'must be an smtp:// or smtps:// URL';
  } catch {
    return 'must be an smtp:// or smtps:// URL';
  }
}

function applyEnvOverrides(data: unknown, env: Env): unknown {
  const base = (data && typeof data === 'object' ? structuredClone(data) : {}) as Record<string, Record<string, unknown> | undefined>;
  const set = (section: string, key: string, value: string | undefined): void => {
    if (value === undefined || value === '') return;
    const current = base[section];
    base[section] = { ...(current && typeof current === 'object' ? current : {}), [key]: value };
  };
  for (const o of ENV_OVERRIDES) {
    const [section = '', key = ''] = o.path.split('.');
    set(section, key, env[o.name]);
  }
  return base;
}

function collectSecrets(config: { settings: Settings; subscriptions: Config['subscriptions']; sources: Config['sources'] }, srcs: readonly (YamlSource | undefined)[]): string[] {
  const out = new Set<string>();
  for (const src of srcs) for (const v of src?.substituted ?? []) if (v.length >= 4) out.add(v);
  const add = (v: string | undefined): void => {
    if (v && v.length >= 4) out.add(v);
  };
  add(config.settings.smtp.url);
  add(config.settings.server.adminToken);
  add(config.settings.server.metricsToken);
  const redisUrl = safeUrl(config.settings.redis.url);
  if (redisUrl?.password) add(decodeURIComponent(redisUrl.password));
  const smtpUrl = safeUrl(config.settings.smtp.url);
  if (smtpUrl?.password) add(decodeURIComponent(smtpUrl.password));
  for (const sub of config.subscriptions) {
    for (const ch of sub.channels) {
      if (ch.type === 'slack') add(ch.webhookUrl);
      if (ch.type === 'webhook') add(ch.secret);
    }
  }
  for (const s of config.sources) {
    for (const [name, value] of Object.entries(s.headers ?? {})) {
      if (CREDENTIAL_HEADER.test(name)) add(value);
    }
  }
  return [...out];
}

/** Source headers whose values are credentials: Authorization, Cookie, and any name about keys, tokens, secrets, sessions or passwords. */
const CREDENTIAL_HEADER = /^(proxy-)?authorization$|^cookie$|key|token|secret|session|passw|auth/i;

function safeUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

function sortProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  // An unset ${VAR} leaves an empty value that the schema then refuses too: report the cause only.
  const unsetAt = new Set(problems.filter((p) => p.message.startsWith('environment variable ')).map((p) => `${p.file}:${p.line}:${p.col}`));
  return problems
    .filter((p) => !unsetAt.has(`${p.file}:${p.line}:${p.col}`) || p.message.startsWith('environment variable '))
    .filter((p) => {
      const k = `${p.file}:${p.line}:${p.col}:${p.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
