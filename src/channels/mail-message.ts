/**
 * The email form of a digest, shared by the email and file channels: nodemailer message options
 * (multipart/alternative, text then HTML) and the complete MIME message as bytes.
 *
 * The `Message-ID` is derived from the digest id (`<digest-id@belwatch>`), so a resend after a crash
 * carries the same id and mail clients thread or drop it as a duplicate. The subject comes from
 * `renderSubject`, which is one cleaned line: no CR/LF from a feed can reach a header, and nodemailer
 * MIME-encodes the non-ASCII rest. A subject holding `=?` is encoded here, whole, as RFC 2047
 * encoded words: nodemailer passes an ASCII subject through as written, and a title such as
 * `=?UTF-8?B?…?=` would then be decoded by the mail client into whatever the feed chose; encoded,
 * it is decoded once, to the literal title. Recipients and From come from configuration, never
 * from a feed.
 */
import nodemailer from 'nodemailer';
import mimeFuncs from 'nodemailer/lib/mime-funcs/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { Digest } from '../digest/model.js';
import { renderSubject } from '../digest/format.js';
import { renderDigestHtml } from '../digest/render-html.js';
import { renderDigestText } from '../digest/render-text.js';

export interface MailAddressing {
  readonly from: string;
  readonly to: readonly string[];
  readonly cc?: readonly string[] | undefined;
  readonly subjectPrefix?: string | undefined;
  /** The Date header; default: when the message is built. */
  readonly date?: Date | undefined;
}

export function makeMessageId(digest: Digest): string {
  return `<${digest.id}@belwatch>`;
}

/** The subject as it may go into the header: with `=?` in it, encoded whole so no part of it reads as an encoded word. */
export function headerSafeSubject(subject: string): string {
  return subject.includes('=?') ? mimeFuncs.encodeWord(subject, 'B', 52) : subject;
}

export function buildMailOptions(digest: Digest, addressing: MailAddressing): Mail.Options {
  return {
    from: addressing.from,
    to: [...addressing.to],
    ...(addressing.cc && addressing.cc.length > 0 ? { cc: [...addressing.cc] } : {}),
    subject: headerSafeSubject(renderSubject(digest, { prefix: addressing.subjectPrefix })),
    text: renderDigestText(digest),
    html: renderDigestHtml(digest),
    messageId: makeMessageId(digest),
    ...(addressing.date ? { date: addressing.date } : {}),
    headers: { 'X-Belwatch-Digest': digest.id, 'Auto-Submitted': 'auto-generated' },
    // base64, not quoted-printable: nodemailer's QP encoder took 1.1 s for a 4 MB digest (base64:
    // a tenth of that), and QP of Cyrillic text is a third larger than base64 of it.
    textEncoding: 'base64',
  };
}

/** The complete RFC 5322 message (what the email channel would send), CRLF line ends. */
export async function composeMailMessage(digest: Digest, addressing: MailAddressing): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await transport.sendMail(buildMailOptions(digest, addressing));
  return info.message as Buffer;
}
