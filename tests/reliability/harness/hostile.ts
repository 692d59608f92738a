/**
 * Hostile feed text for the escaping scenario (7), and the checks its deliveries must pass.
 *
 * The feeds: an RSS 2.0, an Atom and a JSON Feed document whose items all match the default
 * `sanctions` rule and carry, in titles, summaries and links, what could break out of a channel's
 * format: `<script>`, `onerror=`, `javascript:`/`data:`/`vbscript:` links, CR LF + `Bcc:`, Slack's
 * `<!channel>`, `<@user>`, `<url|label>`, a bare `@here @channel` and URL, bare `& < >`, bidi
 * overrides and isolates, C0/C1 controls, lone surrogates, a 1 MB title, a raw RFC 2047 encoded
 * word in a title (the newest item, so it is an alert's subject), an article link with userinfo
 * (`https://belta.by@…`); and an RSS document with invalid UTF-8 bytes. Each payload is written
 * several ways (raw in CDATA, escaped once, twice, three times) because feed normalisation strips
 * tags and decodes entities up to twice: the thrice-escaped forms are the ones that reach the
 * renderers as text, which the checks then require to be escaped.
 *
 * The checks return a list of violations (empty = clean), so a scenario can print them and can be
 * shown to fail on a bad sample.
 */
import { load } from 'cheerio';
import { fillerWords } from './feed-farm.js';

/** The hosts an item link may point at: the ones the hostile feeds link to on purpose. */
export const ITEM_HOSTS = new Set(['outlet-rss.example', 'outlet-atom.example', 'outlet-json.example', 'outlet-bytes.example']);

export const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f]/;
// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** The payloads, as plain text (what an attacker wants a reader's client to interpret). */
export const PAYLOADS = [
  '<script>alert(document.cookie)</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">click</a>',
  '<!channel> <!here> <!everyone>',
  '<@U024BE7LH> <#C024BE7LH|general>',
  '<https://evil.example/phish|Open the sanctions list>',
  // Slack's automatic parsing would ping these and link the URL, unless the text object is verbatim
  '@here @channel https://evil.example/x',
  'Tom & Jerry < 3 > 2 "quoted" \'single\'',
  'invoice\u202egpj.exe\u202c and \u2066isolate\u2069 \u200fmark',
] as const;

/** What a raw RFC 2047 encoded word in a title would show if a mail client decoded it. */
export const SPOOF_TEXT = 'Official notice from BelTA';
/** The encoded word as written in the feed; a subject must show it literally. */
export const ENCODED_WORD = `=?UTF-8?B?${Buffer.from(SPOOF_TEXT).toString('base64')}?=`;
/** Userinfo dressing an item host as belta.by; no delivered link may keep it. */
export const USERINFO = 'belta.by@';
const USERINFO_LINK = `https://${USERINFO}outlet-rss.example/story`;

const xmlEsc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const times = (s: string, n: number): string => (n === 0 ? s : times(xmlEsc(s), n - 1));
const words = (seed: number, n: number): string => fillerWords(900 + seed, seed, n);

/** The marker every hostile item carries in its title, so a scenario can tell which items a channel carried. */
export const token = (feed: string, k: number): string => `hx${feed}${k}q`;
/** Every marker the hostile feeds use. */
export function hostileTokens(): string[] {
  return [...rssItems().map((_, k) => token('r', k)), ...PAYLOADS.map((_, k) => token('a', k)), ...JSON_TITLES.map((_, k) => token('j', k)), ...BAD_BYTES.map((_, k) => token('b', k))];
}

interface HostileItem {
  readonly title: string;
  readonly link: string;
  readonly description: string;
  readonly pubDate?: string;
}

/** Items of the RSS feed: every payload thrice escaped in the title, and in other forms in the description. */
function rssItems(): HostileItem[] {
  const items: HostileItem[] = PAYLOADS.map((p, k) => ({
    title: `Sanctions against Belarus ${token('r', k)}: ${times(p, 2)} ${times(p, 3)} ${words(k, 10)}`,
    link: xmlEsc(`https://outlet-rss.example/news/${k}`),
    description: `<![CDATA[EU sanctions on Belarus ${words(k + 50, 40)} ${p}]]> ${times(p, 1)} ${times(p, 2)} ${times(p, 3)}`,
  }));
  const links = ['javascript:alert(1)', ' JaVaScRiPt:alert(2)', 'java\tscript:alert(3)', 'data:text/html,<script>alert(4)</script>', 'vbscript:msgbox(5)', 'https://outlet-rss.example/x"><script>alert(6)</script>', 'https://outlet-rss.example/a|b>c<d', USERINFO_LINK];
  links.forEach((l, k) => {
    const n = PAYLOADS.length + k;
    items.push({ title: `Sanctions against Belarus ${token('r', n)} link ${k} ${words(100 + k, 10)}`, link: xmlEsc(l), description: `Minsk sanctions ${words(150 + k, 40)}` });
  });
  items.push({
    title: `Sanctions against Belarus ${token('r', PAYLOADS.length + links.length)}&#13;&#10;Bcc: victim@evil.example&#13;&#10;X-Injected: yes ${words(200, 10)}`,
    link: xmlEsc('https://outlet-rss.example/crlf?a=1%0d%0aBcc:%20victim@evil.example'),
    description: `sanctions Belarus ${words(201, 40)}&#13;&#10;Bcc: victim@evil.example`,
  });
  // Dated 3 h ahead (under the one-day clamp), so it is the newest item of whichever alert carries
  // it, and that alert's subject is its title; under the subject's 120-character cut, so the subject
  // stays ASCII (a cut adds "…", and nodemailer would then encode the whole subject by itself).
  items.push({
    title: `${ENCODED_WORD} Sanctions against Belarus ${token('r', PAYLOADS.length + links.length + 1)} ${words(210, 3)}`,
    link: 'https://outlet-rss.example/encoded-word',
    description: `sanctions Belarus ${words(211, 40)}`,
    pubDate: new Date(Date.now() + 3 * 3_600_000).toUTCString(),
  });
  return items;
}

/** The marker of the item whose title holds the raw encoded word. */
export function encodedWordToken(): string {
  return token('r', rssItems().findIndex((i) => i.title.startsWith(ENCODED_WORD)));
}

export function hostileRss(): string {
  const items = rssItems()
    .map((i, k) => `<item><title>${i.title}</title><link>${i.link}</link><guid isPermaLink="false">rss-${k}</guid>${i.pubDate ? `<pubDate>${i.pubDate}</pubDate>` : ''}<description>${i.description}</description></item>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Hostile RSS</title><link>https://outlet-rss.example/</link><description>x</description>\n${items}\n</channel></rss>`;
}

export function hostileAtom(): string {
  const entries = PAYLOADS.map(
    (p, k) => `<entry><id>urn:atom:${k}</id><title type="html">Sanctions against Belarus ${token('a', k)} ${times(p, 2)} ${words(300 + k, 10)}</title>
<link rel="alternate" href="${k % 2 === 0 ? 'javascript:alert(7)' : `https://outlet-atom.example/e/${k}`}"/><updated>2026-11-27T10:0${k}:00Z</updated>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Belarus sanctions ${words(350 + k, 40)} <a href="javascript:alert(8)">x</a> <img src="x" onerror="alert(9)"/> ${xmlEsc(p)}</div></content></entry>`,
  ).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Hostile Atom</title><id>urn:atom</id><updated>2026-11-27T10:00:00Z</updated><link href="https://outlet-atom.example/"/>\n${entries}\n</feed>`;
}

/** 1,000,000 characters, with `<`, `>` and `&` all through it (not tag-shaped, so normalising keeps them). */
const HUGE_TITLE = `Sanctions against Belarus: ${Array.from({ length: 60_000 }, (_, k) => `x < ${k} & y > z `).join('')}`.slice(0, 1_000_000);
const JSON_TITLES = [
  'Sanctions against Belarus\r\nBcc: victim@evil.example\r\nX-Injected: yes',
  'Sanctions against Belarus\u0085Bcc: nel@evil.example\u2028Bcc: ls@evil.example',
  'Sanctions against Belarus \u0000\u0007\u001b[31m red \u009b31m \u007f',
  'Sanctions against Belarus lone \ud800 surrogate \udfff here',
  'Sanctions against Belarus &amp;lt;!channel&amp;gt; &amp;lt;https://evil.example|x&amp;gt;',
  HUGE_TITLE,
];

/** JSON Feed: text that no XML document can carry (C0/C1 controls, CR LF, lone surrogates), and the 1 MB title. */
export function hostileJsonFeed(): string {
  const items = JSON_TITLES.map((t, k) => ({
    id: `json-${k}`,
    url: k === 1 ? 'javascript:alert(10)' : `https://outlet-json.example/j/${k}`,
    title: `${token('j', k)} ${t} ${words(400 + k, 10)}`,
    content_text: `Belarus sanctions ${words(450 + k, 40)} ${t.slice(0, 200)}`,
    date_published: `2026-11-27T11:0${k}:00Z`,
  }));
  // JSON.stringify writes lone surrogates as \ud800 escapes: the document stays valid JSON
  return JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'Hostile JSON', home_page_url: 'https://outlet-json.example/', items });
}

/** RSS whose bytes are not valid UTF-8 although it says so (overlong forms, encoded surrogates, stray continuation bytes, a cut sequence). */
const BAD_BYTES = [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x80, 0xbf], [0xff, 0xfe], [0xe2, 0x82]];

export function invalidUtf8Rss(): Buffer {
  const parts: Buffer[] = [Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Bytes</title><link>https://outlet-bytes.example/</link><description>x</description>\n')];
  BAD_BYTES.forEach((bytes, k) => {
    const b = Buffer.from(bytes);
    parts.push(Buffer.from(`<item><title>Sanctions against Belarus ${token('b', k)} `), b, Buffer.from(` ${words(500 + k, 10)}</title><link>https://outlet-bytes.example/b/${k}</link><description>Belarus sanctions ${words(550 + k, 40)} `), b, Buffer.from(`</description></item>\n`));
  });
  parts.push(Buffer.from('</channel></rss>'));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------
// Checks

const ALLOWED_HEADERS = new Set(['from', 'to', 'cc', 'subject', 'message-id', 'date', 'mime-version', 'content-type', 'content-transfer-encoding', 'x-belwatch-digest', 'auto-submitted']);
// `tbody` is added by the HTML parser around table rows
const ALLOWED_TAGS = new Set(['html', 'head', 'meta', 'title', 'body', 'table', 'tbody', 'tr', 'td', 'p', 'a', 'strong', 'span', 'br']);

function linkOk(href: string): boolean {
  try {
    const u = new URL(href);
    return (u.protocol === 'http:' || u.protocol === 'https:') && ITEM_HOSTS.has(u.hostname);
  } catch {
    return false;
  }
}

/** The top-level header block of a raw RFC 5322 message: names of the (unfolded) header fields. */
export function headerNames(raw: string): string[] {
  const end = raw.search(/\r?\n\r?\n/);
  const block = end < 0 ? raw : raw.slice(0, end);
  return block
    .split(/\r?\n(?![ \t])/)
    .filter((l) => l.trim() !== '')
    .map((l) => (/^([^:\s]+):/.exec(l)?.[1] ?? `<malformed: ${l.slice(0, 40)}>`).toLowerCase());
}

/** Header injection: only the headers belwatch writes, each once, and the configured recipients only. */
export function mailHeaderViolations(raw: string, envelopeTo: readonly string[], expectedTo: readonly string[]): string[] {
  const out: string[] = [];
  const names = headerNames(raw);
  for (const n of names) if (!ALLOWED_HEADERS.has(n)) out.push(`unexpected header ${n}`);
  for (const n of new Set(names)) if (names.filter((x) => x === n).length > 1) out.push(`header ${n} repeated`);
  const to = [...envelopeTo].sort().join(',');
  if (to !== [...expectedTo].sort().join(',')) out.push(`envelope recipients ${to}`);
  return out;
}

/** Executable or foreign markup in the email HTML (or the file channel's .html). */
export function htmlViolations(html: string): string[] {
  const out: string[] = [];
  const $ = load(html);
  $('*').each((_, node) => {
    if (!('attribs' in node)) return;
    const el = node as { tagName: string; attribs: Record<string, string> };
    const name = el.tagName.toLowerCase();
    if (!ALLOWED_TAGS.has(name)) out.push(`element <${name}>`);
    for (const [attr, value] of Object.entries(el.attribs)) {
      if (/^on/i.test(attr)) out.push(`attribute ${attr} on <${name}>`);
      if (['src', 'srcset', 'action', 'formaction', 'background', 'xlink:href'].includes(attr.toLowerCase())) out.push(`attribute ${attr} on <${name}>`);
      if (attr === 'href' && !linkOk(value)) out.push(`href ${value.slice(0, 80)}`);
      if (attr === 'style' && /expression\(|url\(|javascript:/i.test(value)) out.push(`style ${value.slice(0, 80)}`);
    }
  });
  const text = $.root().text();
  if (BIDI.test(html)) out.push('bidi control character');
  if (CONTROL.test(text)) out.push('control character');
  return out;
}

/** Slack mrkdwn/plain text fields: only belwatch's own `<http(s)://item|label>` links, everything else escaped. */
export function slackTextViolations(text: string): string[] {
  const out: string[] = [];
  const rest = text.replace(/<(https?:\/\/[^\s|<>]+)\|[^<>]*>/g, (_m, url: string) => {
    if (!linkOk(url)) out.push(`link to ${url.slice(0, 80)}`);
    return ' ';
  });
  if (/[<>]/.test(rest)) out.push(`unescaped < or >: ${rest.slice(Math.max(0, rest.search(/[<>]/) - 20), rest.search(/[<>]/) + 40)}`);
  if (/&(?!amp;|lt;|gt;)/.test(text)) out.push(`unescaped &: ${text.slice(Math.max(0, text.search(/&(?!amp;|lt;|gt;)/) - 20), text.search(/&(?!amp;|lt;|gt;)/) + 20)}`);
  if (BIDI.test(text)) out.push('bidi control character');
  if (CONTROL.test(text) || text.includes('\r')) out.push('control character');
  return out;
}

interface SlackPayload {
  text?: unknown;
  blocks?: { type: string; text?: { text?: unknown }; elements?: { text?: unknown }[] }[];
}

/** The label of a text's leading link, as the reader sees it (entities decoded, bold marks dropped). */
export function slackLinkLabel(text: string): string | null {
  const label = /^<[^|<>]*\|([^<>]*)>/.exec(text)?.[1];
  return label === undefined ? null : label.replace(/\*/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Every text of one Slack webhook POST. */
export function slackTexts(body: string): string[] {
  const m = JSON.parse(body) as SlackPayload;
  const out: string[] = [];
  if (typeof m.text === 'string') out.push(m.text);
  for (const b of m.blocks ?? []) {
    if (typeof b.text?.text === 'string') out.push(b.text.text);
    for (const e of b.elements ?? []) if (typeof e.text === 'string') out.push(e.text);
  }
  return out;
}

/** Every `{type: 'mrkdwn'}` text object of one Slack webhook POST, wherever it is nested. */
export function slackMrkdwnObjects(body: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'mrkdwn') out.push(o);
      Object.values(o).forEach(walk);
    }
  };
  walk(JSON.parse(body));
  return out;
}

/** Escaping of every text, and `verbatim: true` on every mrkdwn object (else Slack pings a bare `@here` and links a bare URL). */
export function slackViolations(body: string): string[] {
  let texts: string[];
  let mrkdwn: Record<string, unknown>[];
  try {
    texts = slackTexts(body);
    mrkdwn = slackMrkdwnObjects(body);
  } catch {
    return ['not JSON'];
  }
  const notVerbatim = mrkdwn.filter((o) => o.verbatim !== true).map((o) => `mrkdwn without verbatim: true: ${String(o.text).slice(0, 60)}`);
  return [...texts.flatMap(slackTextViolations), ...notVerbatim];
}

/**
 * A subject as the mail client decodes it: never the text a feed's raw encoded word stands for, and,
 * on the alert whose newest item holds that word (`carriesItem`), the word itself as written.
 */
export function encodedWordSubjectViolations(subject: string, carriesItem: boolean): string[] {
  const out: string[] = [];
  if (subject.includes(SPOOF_TEXT)) out.push(`subject shows the decoded encoded word: ${subject.slice(0, 80)}`);
  if (carriesItem && !subject.includes(ENCODED_WORD)) out.push(`subject lacks the encoded word as written: ${subject.slice(0, 80)}`);
  return out;
}

/** A delivered text (HTML, mail text, Slack or webhook body) holding a link with the belta.by userinfo. */
export function userinfoViolations(text: string): string[] {
  const at = text.indexOf(USERINFO);
  return at < 0 ? [] : [`link with userinfo: ${text.slice(Math.max(0, at - 20), at + 40)}`];
}

/** The webhook body: valid JSON, and every `url` field null or an http(s) link to an item host. */
export function webhookViolations(body: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return ['not JSON'];
  }
  const out: string[] = [];
  const walk = (v: unknown, key: string): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
    else if (key === 'url' && v !== null && !(typeof v === 'string' && linkOk(v))) out.push(`url ${JSON.stringify(v).slice(0, 80)}`);
  };
  walk(doc, '');
  return out;
}
