/**
 * Scenario 7: feed text crafted to break out of every channel's format, through the running service.
 *
 * Four outlets serve the hostile feeds of `harness/hostile.ts` (RSS, Atom, JSON Feed, and RSS with
 * invalid UTF-8): `<script>`, `onerror=`, `javascript:`/`data:`/`vbscript:` links, CR LF + `Bcc:` in
 * titles, `<!channel>`, `<@user>` and `<url|label>` for Slack, a bare `@here @channel` and URL,
 * bare `& < > " '`, bidi overrides and isolates, C0/C1 controls, lone surrogates, a 1 MB title, a
 * raw RFC 2047 encoded word in the newest title and a link with userinfo (`https://belta.by@…`).
 * Every item matches the default `sanctions` rule and carries a marker (`hx…q`) in its title.
 * Subscriptions: an instant email alert (the subject is the newest title), an instant webhook, an
 * instant Slack desk, and a digest email to two recipients every 5 s with a file copy (.eml, .html
 * and the webhook body as .json).
 *
 * Checked on everything delivered (SMTP sink, webhook and Slack receivers, the outbox): the mail
 * headers are only belwatch's own, each once, and the envelope only the configured recipients; the
 * subject is one clean line; the HTML has only belwatch's elements, no event attributes, no `src`, no
 * non-http(s) or foreign link; Slack texts have no `<…>` but belwatch's own links to item URLs and
 * every `&` `<` `>` escaped, and every mrkdwn text object has `verbatim: true`; the webhook body is
 * valid JSON, signed, and every `url` is null or an item's http(s) URL. The alert carrying the
 * encoded word shows it as written in its subject (as mailparser decodes it), and no subject shows
 * what it encodes. No delivered text carries a bidi override, a control character or a link with
 * the `belta.by@` userinfo. The checks are first shown to fail on a bad sample of each kind.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { load } from 'cheerio';
import { simpleParser, type ParsedMail } from 'mailparser';
import { Webhook } from 'standardwebhooks';
import { afterAll, expect, it } from 'vitest';
import { waitFor } from '../helpers/processes.js';
import {
  BIDI,
  CONTROL,
  ENCODED_WORD,
  encodedWordSubjectViolations,
  encodedWordToken,
  hostileAtom,
  hostileJsonFeed,
  hostileRss,
  hostileTokens,
  htmlViolations,
  invalidUtf8Rss,
  mailHeaderViolations,
  slackLinkLabel,
  slackMrkdwnObjects,
  slackTexts,
  slackViolations,
  userinfoViolations,
  webhookViolations,
} from './harness/hostile.js';
import type { SunkMail } from './harness/mail-sink.js';
import { scale } from './harness/profile.js';
import { recordResult } from './harness/run-dir.js';
import { SECRETS } from './harness/secrets.js';
import { createWorld, type Endpoints, type World } from './harness/world.js';

let world: World | undefined;
afterAll(async () => world?.close());

const FEEDS = [
  { body: hostileRss(), contentType: 'application/rss+xml; charset=utf-8' },
  { body: hostileAtom(), contentType: 'application/atom+xml; charset=utf-8' },
  { body: hostileJsonFeed(), contentType: 'application/feed+json; charset=utf-8' },
  { body: invalidUtf8Rss(), contentType: 'application/rss+xml; charset=utf-8' },
];
const DESK = ['desk@example.org'];
const DIGEST_TO = ['analyst@example.org', 'desk@example.org'];

function subscriptions(e: Endpoints): string {
  return `subscriptions:
  - id: mail-alert
    rules: [sanctions]
    mode: instant
    batchWindow: 2s
    channels:
      - { type: email, to: [${DESK.join(', ')}] }
  - id: hook
    rules: [sanctions]
    mode: instant
    batchWindow: 1s
    channels:
      - { type: webhook, url: "${e.webhookUrl}/hook", secret: "\${BW_WEBHOOK_SECRET}" }
  - id: slack
    rules: [sanctions]
    mode: instant
    batchWindow: 1s
    channels:
      - { type: slack, webhookUrl: "\${BW_SLACK_URL}" }
  - id: mail-digest
    rules: ["*"]
    schedule: { cron: "*/5 * * * * *", timezone: Europe/Minsk }
    channels:
      - { type: email, to: [${DIGEST_TO.join(', ')}] }
      - { type: file, dir: outbox }
`;
}

function filesUnder(dir: string): string[] {
  let out: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  for (const n of names) {
    const p = path.join(dir, n);
    out = statSync(p).isDirectory() ? [...out, ...filesUnder(p)] : [...out, p];
  }
  return out;
}

it('delivers hostile feed text escaped in every channel, with no injected header, markup, link or mention', async () => {
  // The checks catch what they are for.
  expect(mailHeaderViolations('Subject: a\r\nBcc: x@evil.example\r\n\r\nbody', ['x@evil.example'], DESK).length).toBe(2);
  expect(htmlViolations('<p><a href="javascript:alert(1)">a</a><img src=x onerror=alert(1)><script>x</script></p>').length).toBeGreaterThanOrEqual(4);
  expect(slackViolations(JSON.stringify({ text: '<!channel> a & b <https://evil.example|x>' })).length).toBe(3);
  expect(webhookViolations('{"digest":{"url":"javascript:alert(1)"}}').length).toBeGreaterThan(0);
  expect(webhookViolations('{"a":')).toEqual(['not JSON']);
  expect(slackViolations(JSON.stringify({ text: 'a', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '@here https://evil.example/x' } }] })).length).toBe(1);
  // mailparser decodes an encoded word written raw into a header, as a mail client would
  const rawSubject = (await simpleParser(`Subject: belwatch alert: ${ENCODED_WORD} x\r\n\r\nbody`)).subject ?? '';
  expect(encodedWordSubjectViolations(rawSubject, true).length).toBe(2);
  expect(userinfoViolations('<a href="https://belta.by@outlet-rss.example/story">x</a>').length).toBe(1);

  const w = (world = await createWorld({
    name: 'escaping',
    logLevel: 'info',
    farm: { sources: FEEDS.length, behaviour: () => 'custom', custom: (i) => FEEDS[i]! },
    subscriptions,
  }));
  const proc = w.start(['scheduler', 'fetcher', 'processor', 'notifier'], { label: 'all' });
  const tokens = hostileTokens();
  const encodedToken = encodedWordToken();
  const outbox = path.join(w.dir, 'outbox');

  interface Carried {
    webhook: string;
    slack: string;
    alertMail: string;
    digestMail: string;
  }
  const parsedMails = new Map<SunkMail, ParsedMail>();
  const parsed = async (m: SunkMail): Promise<ParsedMail> => {
    let p = parsedMails.get(m);
    if (!p) parsedMails.set(m, (p = await simpleParser(m.raw)));
    return p;
  };
  const carried = async (): Promise<Carried> => {
    const texts = await Promise.all(w.mail.mails.map(async (m) => ({ to: m.to, text: `${(await parsed(m)).text ?? ''}` })));
    return {
      webhook: w.webhook.received.map((r) => r.body).join('\n'),
      slack: w.slack.received.map((r) => r.body).join('\n'),
      alertMail: texts.filter((t) => t.to.length === 1).map((t) => t.text).join('\n'),
      digestMail: texts.filter((t) => t.to.length === 2).map((t) => t.text).join('\n'),
    };
  };
  const missing = (c: Carried): string[] => (Object.entries(c) as [string, string][]).flatMap(([k, v]) => tokens.filter((t) => !v.includes(t)).map((t) => `${k}:${t}`));
  let lastMissing: string[] = [];
  const complete = await waitFor(async () => {
    if (!proc.alive()) return true;
    lastMissing = missing(await carried());
    return lastMissing.length === 0;
  }, scale(60_000, 90_000));
  const seenAll = complete && proc.alive();

  // --- email (SMTP sink)
  const mailViolations: string[] = [];
  let maxSubject = 0;
  let mailHtmlText = '';
  let encodedSubjects = 0;
  let userinfoLinks = 0;
  const userinfo = (text: string): string[] => {
    const v = userinfoViolations(text);
    userinfoLinks += v.length;
    return v;
  };
  for (const m of w.mail.mails) {
    const expected = m.to.length === 1 ? DESK : DIGEST_TO;
    mailViolations.push(...mailHeaderViolations(m.raw, m.to, expected));
    const mail = await parsed(m);
    const subject = mail.subject ?? '';
    maxSubject = Math.max(maxSubject, subject.length);
    if (/[\r\n]/.test(subject) || BIDI.test(subject) || CONTROL.test(subject)) mailViolations.push(`subject ${JSON.stringify(subject.slice(0, 80))}`);
    const carriesEncoded = m.to.length === 1 && (mail.text ?? '').includes(encodedToken);
    if (carriesEncoded && subject.includes(ENCODED_WORD)) encodedSubjects++;
    mailViolations.push(...encodedWordSubjectViolations(subject, carriesEncoded), ...userinfo(`${mail.html || ''}\n${mail.text ?? ''}`));
    if (mail.bcc) mailViolations.push('Bcc parsed');
    if (typeof mail.html !== 'string') mailViolations.push('no HTML part');
    else {
      mailViolations.push(...htmlViolations(mail.html));
      mailHtmlText += load(mail.html).root().text();
    }
    const text = mail.text ?? '';
    if (BIDI.test(text) || CONTROL.test(text)) mailViolations.push('text part with a bidi or control character');
  }

  // --- outbox (file channel): .eml, .html, .json
  const files = filesUnder(outbox);
  const fileViolations: string[] = [];
  for (const f of files) {
    const body = readFileSync(f, 'utf8');
    let bad: string[] = [];
    if (f.endsWith('.eml')) {
      const eml = await simpleParser(body);
      bad = [...mailHeaderViolations(body, DIGEST_TO, DIGEST_TO), ...encodedWordSubjectViolations(eml.subject ?? '', false), ...userinfo(`${eml.html || ''}\n${eml.text ?? ''}`)];
    } else if (f.endsWith('.html')) bad = [...htmlViolations(body), ...userinfo(body)];
    else if (f.endsWith('.json')) bad = [...webhookViolations(body), ...userinfo(body)];
    fileViolations.push(...bad.map((v) => `${path.basename(f)}: ${v}`));
  }

  // --- Slack
  const slackBad = w.slack.received.flatMap((r) => [...slackViolations(r.body), ...userinfo(r.body)]);
  const mrkdwn = w.slack.received.flatMap((r) => slackMrkdwnObjects(r.body));
  const notVerbatim = mrkdwn.filter((o) => o.verbatim !== true).length;
  const slackAll = w.slack.received.flatMap((r) => slackTexts(r.body)).join('\n');
  const longestSlackTitle = Math.max(0, ...w.slack.received.flatMap((r) => slackTexts(r.body)).map((t) => slackLinkLabel(t)?.length ?? 0));

  // --- webhook
  const verifier = new Webhook(SECRETS.webhookSecret, { format: 'raw' });
  const hookBad: string[] = [];
  let nullUrls = 0;
  let biggestHook = 0;
  for (const r of w.webhook.received) {
    hookBad.push(...webhookViolations(r.body), ...userinfo(r.body));
    try {
      verifier.verify(r.body, r.headers as Record<string, string>);
    } catch {
      hookBad.push('signature does not verify');
    }
    biggestHook = Math.max(biggestHook, r.body.length);
    nullUrls += (r.body.match(/"url":null/g) ?? []).length;
  }

  // The hostile text arrived, as text: escaped where the format needs it.
  const evidence: [string, boolean][] = [
    ['email shows <script> as text', mailHtmlText.includes('<script>alert(document.cookie)</script>')],
    ['email shows <!channel> as text', mailHtmlText.includes('<!channel>')],
    ['Slack carries &lt;!channel&gt;', slackAll.includes('&lt;!channel&gt;')],
    ['Slack carries &lt;https://evil.example/phish|…&gt;', slackAll.includes('&lt;https://evil.example/phish|Open the')],
    ['webhook JSON carries <script> as a string', w.webhook.received.some((r) => r.body.includes('<script>alert(document.cookie)</script>'))],
    ['Slack carries @here @channel and a bare URL as text', slackAll.includes('@here @channel https://evil.example/x')],
    ['alert subject shows the encoded word as written', encodedSubjects > 0],
    ['userinfo link delivered without it (webhook)', w.webhook.received.some((r) => r.body.includes('"url":"https://outlet-rss.example/story"'))],
  ];
  const evidenceMissing = evidence.filter(([, ok]) => !ok).map(([k]) => k);
  const alive = w.procs.every((p) => p.alive());
  const uncaught = /uncaught|unhandled/i.test(proc.log());

  const figures: [string, string][] = [
    ['hostile items (markers) / carried by every channel', `${tokens.length} / ${seenAll ? 'all' : `missing ${lastMissing.length}: ${lastMissing.slice(0, 5).join(' ')}`}`],
    ['emails checked (alerts + digests) / violations', `${w.mail.mails.length} / ${mailViolations.length}`],
    ['outbox files checked (.eml .html .json) / violations', `${files.length} / ${fileViolations.length}`],
    ['Slack messages checked / violations', `${w.slack.received.length} / ${slackBad.length}`],
    ['Slack mrkdwn objects / without verbatim: true', `${mrkdwn.length} / ${notVerbatim}`],
    ['webhook bodies checked / violations (JSON, signature, url fields)', `${w.webhook.received.length} / ${hookBad.length}`],
    ['javascript:/data:/vbscript: links delivered as url null (webhook)', String(nullUrls)],
    ['alert subjects showing the raw encoded word as written / delivered links with belta.by@ userinfo', `${encodedSubjects} / ${userinfoLinks}`],
    ['longest subject / Slack title / webhook body (chars)', `${maxSubject} / ${longestSlackTitle} / ${biggestHook}`],
    ['hostile text shown as text (evidence checks)', `${evidence.length - evidenceMissing.length} / ${evidence.length}`],
    ['process alive, uncaught exceptions', `${alive ? 'yes' : 'no'}, ${uncaught ? 'yes' : '0'}`],
  ];
  const violations = [...mailViolations, ...fileViolations, ...slackBad, ...hookBad];
  const met = seenAll && alive && !uncaught && violations.length === 0 && evidenceMissing.length === 0;
  recordResult({ id: '7', title: 'Hostile feed text through email, Slack, webhook and file', figures, target: 'nothing unescaped: no injected header, executable markup, javascript: link, Slack mention or link', met });

  expect(alive).toBe(true);
  expect(uncaught).toBe(false);
  expect(lastMissing, 'hostile items every channel carried').toEqual([]);
  expect({ mailViolations, fileViolations, slackBad, hookBad, evidenceMissing }).toEqual({ mailViolations: [], fileViolations: [], slackBad: [], hookBad: [], evidenceMissing: [] });
  expect(maxSubject).toBeLessThanOrEqual(200);
  expect(longestSlackTitle).toBeLessThanOrEqual(300);
  expect(nullUrls).toBeGreaterThan(0);
});
