/**
 * Typed errors with stable codes.
 *
 * Every error belwatch throws on purpose is a `BelwatchError` with a `code` from `ERROR_CODES`. The
 * registry is the single list of codes: `docs/errors.md` documents each one and a test keeps the two
 * in step (fastify's `lib/errors.js` idea). Callers branch on `code`, never on message text.
 *
 * Messages are one line and safe to print: they never contain a secret (callers pass URLs through
 * `redactUrl` before building one). The CLI prints `message` alone unless `--debug` is given.
 */

export const ERROR_CODES = {
  BW_CONFIG: 'thrown when one or more configuration files are missing or invalid; `problems` lists each with file:line:col',
  BW_USAGE: 'thrown when a command line is invalid (unknown option, missing argument, bad value)',
  BW_INPUT: 'thrown when an input file given on the command line cannot be read or is malformed',
  BW_RULE: 'thrown when a watch rule query cannot be parsed or compiled; `problems` lists each with file:line:col',
  BW_FETCH: 'thrown when a source cannot be fetched; `kind` says which (dns, connect, tls, timeout, protocol, too-large, http-status, blocked-address)',
  BW_PARSE: 'thrown when fetched bytes are not a feed or page belwatch can read (not-a-feed, parse-error, selector-broke), or parsing them took more than the CPU budget (parse-timeout)',
  BW_REDIS: 'thrown when Redis cannot be reached or answers in a way belwatch cannot work with',
  BW_CHANNEL: 'thrown when a delivery channel fails; `permanent` says whether retrying can help',
  BW_LISTEN: 'thrown when the HTTP server cannot listen on its address; the message names the port and the setting that chose it',
  BW_SHUTDOWN: 'thrown by a service close() when one or more cleanup steps failed; every step was still attempted; `failures` names each',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A located problem in a configuration or rules file. */
export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** `file:line:col: message`; a problem with no place in a file (line 0, e.g. `environment BELWATCH_PORT`) is `where: message`. */
export function formatProblem(p: Problem): string {
  return p.line > 0 ? `${p.file}:${p.line}:${p.col}: ${p.message}` : `${p.file}: ${p.message}`;
}

export class BelwatchError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Thrown when configuration is invalid; carries every problem found in one pass. */
export class ConfigError extends BelwatchError {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[], options?: ErrorOptions) {
    super('BW_CONFIG', problems.map(formatProblem).join('\n') || 'invalid configuration', options);
    this.problems = problems;
  }
}

/** Thrown when a command line is invalid. */
export class UsageError extends BelwatchError {
  constructor(message: string, options?: ErrorOptions) {
    super('BW_USAGE', message, options);
  }
}

/** Thrown when an input file cannot be read or is malformed. */
export class InputError extends BelwatchError {
  constructor(message: string, options?: ErrorOptions) {
    super('BW_INPUT', message, options);
  }
}

/** A problem in one watch rule's query; `offset` is the UTF-16 offset in the query it is about. */
export interface RuleProblem {
  readonly ruleId: string;
  readonly offset: number;
  readonly message: string;
}

/**
 * Thrown when one or more watch rules cannot be parsed or compiled; carries every problem found.
 * Callers that know where the queries were written map each offset to `file:line:col`.
 */
export class RuleError extends BelwatchError {
  readonly problems: readonly RuleProblem[];

  constructor(problems: readonly RuleProblem[], options?: ErrorOptions) {
    super('BW_RULE', problems.map((p) => `rule ${p.ruleId}: ${p.message} (at offset ${p.offset})`).join('\n') || 'invalid rule', options);
    this.problems = problems;
  }
}

/** What went wrong with a fetch; kept with its detail for source health. */
export type FetchErrorKind = 'dns' | 'connect' | 'tls' | 'timeout' | 'protocol' | 'too-large' | 'http-status' | 'blocked-address';

/** Thrown (or returned in a fetch outcome) when a URL cannot be fetched; `kind` says why. */
export class FetchError extends BelwatchError {
  readonly kind: FetchErrorKind;
  /** The HTTP status for `http-status`, else undefined. */
  readonly status: number | undefined;
  /** Milliseconds the server asked us to wait (429/503 Retry-After), else undefined. */
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: FetchErrorKind,
    message: string,
    options?: ErrorOptions & { readonly status?: number; readonly retryAfterMs?: number },
  ) {
    super('BW_FETCH', message, options);
    this.kind = kind;
    this.status = options?.status;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** Why fetched bytes could not be read as the source's kind (`parse-timeout`: over the parse pool's CPU budget). */
export type ParseErrorKind = 'not-a-feed' | 'parse-error' | 'selector-broke' | 'parse-timeout';

/** Thrown (or returned) when bytes are not a feed or page belwatch can read; `kind` says why. */
export class ParseError extends BelwatchError {
  readonly kind: ParseErrorKind;

  constructor(kind: ParseErrorKind, message: string, options?: ErrorOptions) {
    super('BW_PARSE', message, options);
    this.kind = kind;
  }
}

/** Thrown when Redis is unreachable or unsuitable. */
export class RedisError extends BelwatchError {
  constructor(message: string, options?: ErrorOptions) {
    super('BW_REDIS', message, options);
  }
}

export interface ChannelErrorOptions extends ErrorOptions {
  /** True when retrying the same delivery cannot help (bad address, 401/403/404/410, rejected recipient). */
  readonly permanent: boolean;
  /** How long to wait before the next try, when the remote said so (429 Retry-After). */
  readonly retryAfterMs?: number;
  /** The HTTP status or SMTP reply code, when there was one. */
  readonly status?: number;
  /** Slack: how many messages of a split digest were accepted before the failure (resume from here). */
  readonly delivered?: number;
}

/**
 * Thrown when a delivery channel fails. `permanent` says whether retrying can help; `retryAfterMs`
 * carries a remote's Retry-After. The message never contains a secret (webhook secret, Slack URL,
 * SMTP password): channels build it from a label, a status and an error code only.
 */
export class ChannelError extends BelwatchError {
  readonly permanent: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  readonly delivered: number | undefined;

  constructor(message: string, options: ChannelErrorOptions) {
    super('BW_CHANNEL', message, options.cause === undefined ? undefined : { cause: options.cause });
    this.permanent = options.permanent;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
    this.delivered = options.delivered;
  }
}

/** Thrown when the service's HTTP server cannot bind (port in use, not permitted); raised before anything else starts. */
export class ListenError extends BelwatchError {
  constructor(message: string, options?: ErrorOptions) {
    super('BW_LISTEN', message, options);
  }
}

/** Thrown by `close()` after every cleanup step ran, when some failed: one line per failed step. */
export class ShutdownError extends BelwatchError {
  readonly failures: readonly { readonly step: string; readonly error: unknown }[];

  constructor(failures: readonly { readonly step: string; readonly error: unknown }[]) {
    super('BW_SHUTDOWN', `shutdown: ${failures.map((f) => `${f.step} failed: ${describeError(f.error)}`).join('; ')}`);
    this.failures = failures;
  }
}

export function isBelwatchError(e: unknown): e is BelwatchError {
  return e instanceof BelwatchError;
}

/** Removes user info and query strings from a URL so it can be logged or put into a message. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.username || u.password) {
      u.username = u.username ? '***' : '';
      u.password = u.password ? '***' : '';
    }
    if (u.search) u.search = '?***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

/** A one-line description of any thrown value, for logs and CLI output. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0] ?? e.name;
  return String(e).split('\n')[0] ?? 'unknown error';
}
