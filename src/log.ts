/**
 * Logging: pino, JSON lines by default and pretty in a terminal. Children carry bindings
 * (`source`, `job`, `subscription`). Secret-bearing fields are redacted by path, and every value
 * the config marked secret is scrubbed from messages and from every serialised record by the one
 * scrubber (`src/scrub.ts`: the secret, its URL path segments, its percent-encoded and base64
 * forms), because a secret can also hide inside an error message (a webhook URL in
 * "connect ECONNREFUSED ...", a password an SMTP server echoes in base64). A record that no longer
 * parses after scrubbing is replaced by a placeholder rather than written unscrubbed.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';
import { createScrubber } from './scrub.js';

export type { Logger } from 'pino';

export const REDACT_PATHS = [
  'secret',
  '*.secret',
  'password',
  '*.password',
  'webhookUrl',
  '*.webhookUrl',
  'smtp.url',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  'adminToken',
  '*.adminToken',
  'metricsToken',
  '*.metricsToken',
];

export interface LogOptions {
  readonly level?: string;
  readonly pretty?: boolean;
  readonly secrets?: readonly string[];
  /** Where to write; default stderr so stdout stays for command output. */
  readonly destination?: NodeJS.WritableStream;
}

export function createLogger(opts: LogOptions = {}): Logger {
  const scrubber = createScrubber(opts.secrets ?? []);
  const active = (opts.secrets ?? []).length > 0;
  const options: LoggerOptions = {
    level: opts.level ?? 'info',
    base: { pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrubber.scrub(a) : a)) as Parameters<typeof method>);
      },
    },
    formatters: {
      log(obj) {
        if (!active) return obj;
        try {
          // Errors as pino's serializer writes them: JSON.stringify alone turns one into {}.
          const json = JSON.stringify(obj, (_k, v: unknown) => (v instanceof Error ? pino.stdSerializers.err(v) : v));
          return JSON.parse(scrubber.scrub(json)) as Record<string, unknown>;
        } catch {
          return { scrubbed: 'log record withheld: it did not survive secret scrubbing' };
        }
      },
    },
  };
  const pretty = opts.pretty ?? false;
  if (pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { destination: 2, colorize: true } } });
  }
  return pino(options, (opts.destination ?? process.stderr) as pino.DestinationStream);
}
