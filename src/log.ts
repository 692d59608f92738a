/**
 * Logging: pino, JSON lines by default and pretty in a terminal. Children carry bindings
 * (`source`, `job`, `subscription`). Secret-bearing fields are redacted by path, and every value
 * the config marked secret is scrubbed from messages by `scrubSecrets`, because a secret can also
 * hide inside an error message (a webhook URL in "connect ECONNREFUSED ...").
 */
import { pino, type Logger, type LoggerOptions } from 'pino';

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
];

export interface LogOptions {
  readonly level?: string;
  readonly pretty?: boolean;
  readonly secrets?: readonly string[];
  /** Where to write; default stderr so stdout stays for command output. */
  readonly destination?: NodeJS.WritableStream;
}

export function createLogger(opts: LogOptions = {}): Logger {
  const secrets = [...(opts.secrets ?? [])].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  const options: LoggerOptions = {
    level: opts.level ?? 'info',
    base: { pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrubSecrets(a, secrets) : a)) as Parameters<typeof method>);
      },
    },
    formatters: {
      log(obj) {
        return secrets.length === 0 ? obj : (JSON.parse(scrubSecrets(JSON.stringify(obj), secrets.map((s) => JSON.stringify(s).slice(1, -1)))) as Record<string, unknown>);
      },
    },
  };
  const pretty = opts.pretty ?? false;
  if (pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { destination: 2, colorize: true } } });
  }
  return pino(options, (opts.destination ?? process.stderr) as pino.DestinationStream);
}

export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4 && out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
}
