import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { buildDigest } from '../../src/digest/build.js';
import { EmailTransports, sendEmailDigest } from '../../src/channels/email.js';
import { ChannelError } from '../../src/errors.js';
import { sampleInput } from '../fixtures/digest/items.js';

interface Delivered {
  readonly from: string;
  readonly to: string[];
  readonly raw: string;
}

const delivered: Delivered[] = [];
let rejectNext: { code: number; message: string } | undefined;
let server: SMTPServer;
let port: number;

beforeAll(async () => {
  server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, cb) {
      if (auth.username === 'belwatch' && auth.password === 'smtp-pass-s3cret') cb(null, { user: 'belwatch' });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      if (address.address.endsWith('@rejected.example')) cb(Object.assign(new Error('No such user'), { responseCode: 550 }));
      else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (rejectNext) {
          const r = rejectNext;
          rejectNext = undefined;
          cb(Object.assign(new Error(r.message), { responseCode: r.code }));
          return;
        }
        const from = session.envelope.mailFrom;
        delivered.push({ from: from ? from.address : '', to: session.envelope.rcptTo.map((a: SMTPServerAddress) => a.address), raw: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
    logger: false,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

afterEach(() => {
  delivered.length = 0;
});

const digest = buildDigest(sampleInput());
const settings = (): { url: string; from: string; pool: boolean } => ({ url: `smtp://belwatch:smtp-pass-s3cret@127.0.0.1:${port}`, from: 'belwatch <digest@belwatch.test>', pool: true });

async function sendAndParse(): Promise<{ mail: ParsedMail; raw: string; envelope: Delivered }> {
  const transports = new EmailTransports(settings());
  try {
    const receipt = await sendEmailDigest(digest, transports, { to: ['analyst@example.org'], cc: ['desk@example.org'] });
    expect(receipt.accepted).toEqual(['analyst@example.org', 'desk@example.org']);
  } finally {
    transports.close();
  }
  const envelope = delivered[0]!;
  return { mail: await simpleParser(envelope.raw), raw: envelope.raw, envelope };
}

describe('email channel against a real SMTP server', () => {
  it('delivers a multipart message with a stable Message-ID, the subject and both parts', async () => {
    const { mail, envelope } = await sendAndParse();
    expect(envelope.from).toBe('digest@belwatch.test');
    expect(envelope.to).toEqual(['analyst@example.org', 'desk@example.org']);
    expect(mail.messageId).toBe('<daily-2026-11-27T05-00-00Z@belwatch>');
    expect(mail.subject).toBe('belwatch: 5 new on Sanctions, Integration — 27 Nov');
    expect(mail.headers.get('x-belwatch-digest')).toBe('daily-2026-11-27T05-00-00Z');
    expect(mail.text).toContain('EU extends *sanctions* against Minsk');
    expect(mail.text).toContain('Also reported by: RFE/RL Belarus Service');
    expect(mail.html).toContain('>sanctions</strong> against Minsk');
    expect(mail.html).toContain('href="https://zerkalo.example.org/a1-copy"');
  });

  it('lets no feed text inject a header, a script, a handler or a javascript: link', async () => {
    const { mail, raw } = await sendAndParse();
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(head).not.toMatch(/^bcc:/im);
    expect(mail.bcc).toBeUndefined();
    expect([...mail.headers.keys()].filter((k) => k === 'bcc')).toEqual([]);
    const html = String(mail.html);
    expect(html).not.toMatch(/<script|<img|<[^>]*\son\w+\s*=|href="(?:javascript|data):/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('\u202e');
    expect(mail.text).not.toContain('\u202e');
  });

  it('sends an alert whose subject comes from a hostile title as one clean line', async () => {
    const transports = new EmailTransports(settings());
    await sendEmailDigest(buildDigest(sampleInput({ kind: 'alert' })), transports, { to: ['analyst@example.org'] });
    transports.close();
    const raw = delivered[0]!.raw;
    const mail = await simpleParser(raw);
    expect(mail.subject).toMatch(/^belwatch alert: Breaking <script>alert\(1\)<\/script> <img src=x onerror=alert\(2\)> Bcc: x@y gnp\.exe sanctions \(and 4 more\)$/);
    expect(raw.slice(0, raw.indexOf('\r\n\r\n'))).not.toMatch(/^bcc:/im);
    expect(delivered[0]!.to).toEqual(['analyst@example.org']);
  });

  it.each([
    ['an encoded word alone', '=?UTF-8?B?0JLQsNGIINC/0LDRgNC+0LvRjCDQuNGB0YLRkdC6?='],
    ['an encoded word among ASCII text', 'Notice =?UTF-8?Q?Your_account_is_suspended?= sanctions'],
    ['an encoded word beside Cyrillic', 'Санкции =?utf-8?b?UGFzc3dvcmQgcmVzZXQ=?= sanctions'],
    ['a lone =? with no encoded word', 'a =? b sanctions'],
  ])('shows %s in a title literally in the Subject, as a mail client decodes it', async (_name, title) => {
    const items = sampleInput().items.slice(0, 1).map((it) => ({ ...it, article: { ...it.article, title, published: '2030-01-01T00:00:00.000Z' } }));
    const transports = new EmailTransports(settings());
    try {
      await sendEmailDigest(buildDigest(sampleInput({ kind: 'alert', items })), transports, { to: ['analyst@example.org'] });
    } finally {
      transports.close();
    }
    const mail = await simpleParser(delivered[0]!.raw);
    expect(mail.subject).toBe(`belwatch alert: ${title}`);
  });

  it('reuses one pooled transport per SMTP URL and closes twice safely', () => {
    const transports = new EmailTransports(settings());
    expect(transports.get()).toBe(transports.get());
    transports.close();
    transports.close();
  });

  it.each([
    ['a rejected recipient (550)', { to: ['nobody@rejected.example'] }, 'pass', undefined, true, 550],
    ['a failed login (535)', { to: ['a@example.org'] }, 'wrong-password', undefined, true, 535],
    ['a temporary refusal (451)', { to: ['a@example.org'] }, 'pass', { code: 451, message: 'Try again later' }, false, 451],
    ['a permanent refusal of the message (554)', { to: ['a@example.org'] }, 'pass', { code: 554, message: 'Spam' }, true, 554],
  ])('classifies %s', async (_name, addressing, pass, reject, permanent, status) => {
    rejectNext = reject;
    const password = pass === 'pass' ? 'smtp-pass-s3cret' : pass;
    const transports = new EmailTransports({ ...settings(), url: `smtp://belwatch:${password}@127.0.0.1:${port}`, pool: false });
    const e = (await sendEmailDigest(digest, transports, addressing).catch((err: unknown) => err)) as ChannelError;
    transports.close();
    expect(e).toBeInstanceOf(ChannelError);
    expect(e.permanent).toBe(permanent);
    expect(e.status).toBe(status);
    expect(e.message).not.toContain(password);
  });

  it('treats a refused connection as retryable and no SMTP URL as permanent', async () => {
    const closed = new SMTPServer({ logger: false });
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const t = new EmailTransports({ ...settings(), url: `smtp://belwatch:smtp-pass-s3cret@127.0.0.1:${deadPort}` });
    const e = (await sendEmailDigest(digest, t, { to: ['a@example.org'] }).catch((err: unknown) => err)) as ChannelError;
    t.close();
    expect(e.permanent).toBe(false);
    expect(e.message).not.toContain('smtp-pass-s3cret');
    const none = (await sendEmailDigest(digest, new EmailTransports({ ...settings(), url: '' }), { to: ['a@example.org'] }).catch((err: unknown) => err)) as ChannelError;
    expect(none.permanent).toBe(true);
  });
});
