/**
 * The one secret scrubber. Every text that is logged, stored (source health, delivery records,
 * admin events, BullMQ failure reasons), printed by `poll --json` or delivered goes through it.
 *
 * Pieces: each configured secret (`Config.secrets`, at least 4 characters). A secret that parses as
 * a URL also contributes its decoded password and each of its secret-bearing path segments and
 * query values, because receivers echo parts of a URL ("no such hook B0123/XYZ..."). Any other
 * secret contributes its secret-bearing words (split at blanks, `;`, `,` and `=`: the token of
 * `Bearer <token>`, the values of a Cookie header) and, for `Basic <base64>`, the decoded
 * `user:password` and the password. A segment or word is secret-bearing when it is at least 8
 * characters long and mixes at least two of lowercase letters, uppercase letters and digits, or
 * when it is at least 20 characters long. So `services`, `hooks`,
 * `api` or `v1` of a webhook path are left alone while Slack's `T0123ABCD`, `B0123ABCD` and its
 * 24-character token are scrubbed. A segment under that threshold is scrubbed only as part of the
 * whole URL.
 *
 * Forms of each piece, all replaced by `[redacted]`:
 *   - as is, and JSON-escaped (the logger scrubs serialised records);
 *   - percent-encoded: `encodeURIComponent`, `encodeURI` and form encoding, hex digits in either
 *     case, `+` for space;
 *   - base64 and base64url of its UTF-8 bytes: the whole encoding (padded and not), and the three
 *     alignments it can take inside a longer base64 string (an SMTP server echoing
 *     AUTH PLAIN `\0user\0password`): for an alignment of k bytes, only the characters that
 *     depend on the piece's bytes alone are matched (2 or 3 leading characters mixed with the
 *     bytes before it, and a trailing one mixed with the bytes after, stay). Cores shorter than
 *     6 characters are not matched: they would hit unrelated text.
 * Matching is leftmost-longest in one pass: forms are indexed by their first three characters, so
 * each position of the text costs a table probe however many secrets there are, and a whole secret
 * is replaced before a fragment of it. With 100 secrets (50 Slack URLs, 50 random tokens) a
 * 250-character log line takes about 40 µs and 10 kB about 1.1 ms; one regex alternation of their
 * forms took 220 µs and 9.3 ms. Scrubbing never throws; an empty secret list returns
 * the text unchanged.
 *
 * `scrubError` is for error texts that are stored or delivered: secrets first, then every URL left
 * in the text loses its user info, path and query (`https://host:8443/***`), so a token in a source
 * URL that was never marked secret stays out of health records and alerts. Logs keep URL paths.
 */

export interface Scrubber {
  /** Removes every form of every secret. */
  readonly scrub: (text: string) => string;
  /** `scrub`, then URL user info, paths and query strings: for error texts that are stored or delivered. */
  readonly scrubError: (text: string) => string;
}

export const REDACTED = '[redacted]';
const MIN_SECRET = 4;
const MIN_BASE64_CORE = 6;
const MIN_MIXED_SEGMENT = 8;
const MIN_PLAIN_SEGMENT = 20;

/** Whether a URL path segment or query value carries a secret by itself (see the module comment). */
export function isSecretBearing(segment: string): boolean {
  if (segment.length >= MIN_PLAIN_SEGMENT) return true;
  if (segment.length < MIN_MIXED_SEGMENT) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((re) => re.test(segment)).length;
  return classes >= 2;
}

function tryDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The secret and, for a URL, its password and secret-bearing path segments and query values; for
 * anything else (a header value such as `Bearer <token>` or `sid=<value>; theme=dark`), its
 * secret-bearing words, and the password of an HTTP Basic credential.
 */
export function secretPieces(secret: string): string[] {
  const pieces = [secret];
  let url: URL | undefined;
  try {
    url = /^[a-z][a-z0-9+.-]*:\/\//i.test(secret) ? new URL(secret) : undefined;
  } catch {
    url = undefined;
  }
  if (!url) {
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(secret.trim())?.[1];
    const decoded = basic === undefined ? '' : Buffer.from(basic, 'base64').toString('utf8');
    if (decoded.includes(':')) pieces.push(decoded, decoded.slice(decoded.indexOf(':') + 1));
    for (const word of secret.split(/[\s;,=]+/)) if (word !== secret && isSecretBearing(word)) pieces.push(word);
    return pieces.filter((p) => p.length >= MIN_SECRET);
  }
  if (url.password) pieces.push(tryDecode(url.password));
  const parts = [...url.pathname.split('/'), ...[...url.searchParams.values()]];
  for (const raw of parts) {
    for (const p of new Set([raw, tryDecode(raw)])) if (isSecretBearing(p)) pieces.push(p);
  }
  return pieces.filter((p) => p.length >= MIN_SECRET);
}

function percentForms(piece: string): string[] {
  const out: string[] = [];
  const form = new URLSearchParams({ v: piece }).toString().slice(2);
  for (const enc of [encodeURIComponent(piece), encodeURI(piece), form]) {
    if (enc === piece) continue;
    const lower = enc.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
    out.push(enc, lower, enc.replace(/%20/g, '+'), lower.replace(/%20/g, '+'));
  }
  return out;
}

/** base64 and base64url: the whole encoding, and the core of each of the three alignments. */
export function base64Forms(piece: string): string[] {
  const bytes = Buffer.from(piece, 'utf8');
  const out: string[] = [];
  const whole = bytes.toString('base64');
  out.push(whole, whole.replace(/=+$/, ''));
  for (let align = 0; align < 3; align++) {
    const buf = Buffer.concat([Buffer.alloc(align), bytes]);
    const enc = buf.toString('base64').replace(/=+$/, '');
    // Characters 0-1 (one byte before) or 0-2 (two before) mix in bytes that are not the piece's;
    // after the last full group, 1 or 2 more characters are made of the piece's bytes alone.
    const start = align === 0 ? 0 : align + 1;
    const rest = buf.length % 3;
    const end = Math.floor(buf.length / 3) * 4 + (rest === 0 ? 0 : rest);
    const core = enc.slice(start, end);
    if (core.length >= MIN_BASE64_CORE) out.push(core);
  }
  return out.flatMap((f) => [f, f.replace(/\+/g, '-').replace(/\//g, '_')]);
}

function formsOf(piece: string): string[] {
  const plain = [piece, ...percentForms(piece), ...base64Forms(piece)];
  return [...plain, ...plain.map((f) => JSON.stringify(f).slice(1, -1))];
}

/**
 * Forms by their first three UTF-16 code units (as one number), longest first; `pairs` marks the
 * first two code units of every form (hashed into 2^20 slots), a cheap test before the map lookup.
 */
interface FormIndex {
  readonly byKey: Map<number, string[]>;
  readonly pairs: Uint8Array;
}

const PAIR_SLOTS = 1 << 20;

function pairAt(text: string, i: number): number {
  return (text.charCodeAt(i) * 1024 + text.charCodeAt(i + 1)) & (PAIR_SLOTS - 1);
}

const KEY = 3;

function keyAt(text: string, i: number): number {
  return (text.charCodeAt(i) * 65_536 + text.charCodeAt(i + 1)) * 65_536 + text.charCodeAt(i + 2);
}

function indexForms(forms: readonly string[]): FormIndex {
  const byKey = new Map<number, string[]>();
  const pairs = new Uint8Array(PAIR_SLOTS);
  for (const f of [...forms].sort((a, b) => b.length - a.length)) {
    pairs[pairAt(f, 0)] = 1;
    const k = keyAt(f, 0);
    const list = byKey.get(k);
    if (list) list.push(f);
    else byKey.set(k, [f]);
  }
  return { byKey, pairs };
}

/** Leftmost-longest replacement of every form, in one pass over the text. */
function replaceForms(text: string, index: FormIndex): string {
  let out = '';
  let copied = 0;
  let i = 0;
  while (i + KEY <= text.length) {
    const hit = index.pairs[pairAt(text, i)] === 1 ? index.byKey.get(keyAt(text, i))?.find((f) => text.startsWith(f, i)) : undefined;
    if (hit === undefined) {
      i++;
      continue;
    }
    out += text.slice(copied, i) + REDACTED;
    i += hit.length;
    copied = i;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** Drops user info, path and query from every URL in `text`; trailing punctuation stays outside the URL. */
export function redactUrlsInText(text: string): string {
  return text.replace(URL_IN_TEXT, (match) => {
    const trail = /[.,;:!?)\]}]+$/.exec(match)?.[0] ?? '';
    const raw = match.slice(0, match.length - trail.length);
    try {
      const u = new URL(raw);
      const userinfo = u.username || u.password ? '***@' : '';
      const hidden = (u.pathname !== '/' && u.pathname !== '') || u.search !== '' || u.hash !== '';
      const host = u.host || '';
      return `${u.protocol}//${userinfo}${host}${hidden ? '/***' : u.pathname}${trail}`;
    } catch {
      return `${raw.split('://')[0] ?? 'url'}://***${trail}`;
    }
  });
}

export function createScrubber(secrets: readonly string[]): Scrubber {
  const forms = new Set<string>();
  for (const s of secrets) if (s.length >= MIN_SECRET) for (const piece of secretPieces(s)) for (const f of formsOf(piece)) forms.add(f);
  const index = indexForms([...forms].filter((f) => f.length >= MIN_SECRET));
  const scrub = (text: string): string => (index.byKey.size === 0 ? text : replaceForms(text, index));
  return { scrub, scrubError: (text) => redactUrlsInText(scrub(text)) };
}

const cache = new WeakMap<readonly string[], Scrubber>();

/** The scrubber of a loaded config, made once per config (its `secrets` array is frozen). */
export function scrubberFor(config: { readonly secrets: readonly string[] }): Scrubber {
  let s = cache.get(config.secrets);
  if (!s) {
    s = createScrubber(config.secrets);
    cache.set(config.secrets, s);
  }
  return s;
}
