/**
 * An undici Dispatcher that refuses to connect to any address the SSRF policy forbids.
 *
 * The check runs inside the connector, after DNS resolution and before a socket exists, so it sees
 * the address actually connected to: a public-looking name whose DNS answer is 127.0.0.1 is refused,
 * and so is every redirect hop (each hop connects through here). Resolution is done here, once, and
 * the socket is opened to the checked IP (TLS keeps the original name for SNI and certificate checks),
 * so a second DNS answer cannot differ from the one that was checked. Every resolved address must
 * be allowed; one forbidden answer refuses the name. Refusals are `FetchError`s of kind
 * `blocked-address`; a failed lookup is kind `dns`.
 *
 * Channels that POST to user-supplied URLs (Slack, webhooks) reuse this dispatcher.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { FetchError } from '../../errors.js';
import type { Settings } from '../../config/types.js';
import { createAddressPolicy, type AddressPolicy } from './address-policy.js';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Resolves a host name to every address it has. Injectable so tests can make a name resolve to 127.0.0.1. */
export type LookupFn = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemLookup: LookupFn = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface GuardOptions {
  readonly lookup?: LookupFn;
  /** Connect timeout in ms (the overall deadline is the fetcher's); default 10 s. */
  readonly connectTimeout?: number;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Resolves `hostname` and checks every answer against the policy; returns the address to connect to.
 * Throws `FetchError` (`blocked-address` or `dns`).
 */
export async function resolveAllowedAddress(hostname: string, policy: AddressPolicy, lookup: LookupFn): Promise<string> {
  const host = stripBrackets(hostname);
  if (isIP(host) !== 0) {
    const verdict = policy(host);
    if (!verdict.allowed) throw new FetchError('blocked-address', `refused to connect to ${host} (${verdict.range} address)`);
    return host;
  }
  let answers: readonly ResolvedAddress[];
  try {
    answers = await lookup(host);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new FetchError('dns', `cannot resolve ${host}${typeof code === 'string' ? ` (${code})` : ''}`, { cause: e });
  }
  if (answers.length === 0) throw new FetchError('dns', `cannot resolve ${host} (no addresses)`);
  for (const a of answers) {
    const verdict = policy(a.address);
    if (!verdict.allowed) {
      throw new FetchError('blocked-address', `refused to connect to ${host}: it resolves to ${a.address} (${verdict.range} address)`);
    }
  }
  const first = answers[0];
  if (!first) throw new FetchError('dns', `cannot resolve ${host} (no addresses)`);
  return first.address;
}

/** An undici Agent whose every connection goes through the SSRF guard. */
export function createGuardedDispatcher(settings: Pick<Settings, 'http'>, opts: GuardOptions = {}): Dispatcher {
  const policy = createAddressPolicy(settings.http.allowPrivateNetworks);
  const lookup = opts.lookup ?? systemLookup;
  const base = buildConnector({ timeout: opts.connectTimeout ?? 10_000 });
  const connect: buildConnector.connector = (options, callback) => {
    const original = stripBrackets(options.hostname);
    resolveAllowedAddress(original, policy, lookup).then(
      (address) => {
        const servername = options.servername ?? (isIP(original) === 0 ? original : undefined);
        base({ ...options, hostname: address, ...(servername === undefined ? {} : { servername }) }, callback);
      },
      (e: unknown) => callback(e instanceof Error ? e : new Error(String(e)), null),
    );
  };
  return new Agent({ connect });
}
