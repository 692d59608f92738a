/**
 * Email channel: sends a digest over SMTP with nodemailer.
 *
 * `EmailTransports` keeps one transport per SMTP URL (pooled when `settings.smtp.pool`), created on
 * first use and reused for every later message; `close()` closes them all and may be called twice.
 *
 * Failures become `ChannelError`s: an SMTP reply 5xx (rejected recipient, auth failure 535, message
 * refused) is permanent; a 4xx reply (greylisting, mailbox busy) and every connection failure,
 * timeout, TLS or DNS error is retryable; no SMTP URL configured is permanent. Messages carry the
 * nodemailer error code, the reply code and the server's reply line with any `user:password@`
 * removed — never the SMTP URL, so the password cannot leak through them.
 */
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { parseConnectionUrl } from 'nodemailer/lib/shared/index.js';
import { ChannelError } from '../errors.js';
import type { Digest } from '../digest/model.js';
import { buildMailOptions, type MailAddressing } from './mail-message.js';

export interface SmtpSettings {
  readonly url: string;
  readonly from: string;
  readonly pool: boolean;
}

export interface EmailReceipt {
  readonly messageId: string;
  readonly accepted: readonly string[];
}

const TIMEOUT_MS = 30_000;

export class EmailTransports {
  private readonly transports = new Map<string, Mail>();

  constructor(private readonly settings: SmtpSettings) {}

  get from(): string {
    return this.settings.from;
  }

  /** The transport for the configured SMTP URL, created once. */
  get(): Mail {
    const url = this.settings.url;
    if (!url) throw new ChannelError('email: no SMTP server configured (settings.smtp.url is empty)', { permanent: true });
    let transport = this.transports.get(url);
    if (!transport) {
      let options;
      try {
        options = parseConnectionUrl(url);
      } catch {
        throw new ChannelError('email: settings.smtp.url is not a valid smtp:// or smtps:// URL', { permanent: true });
      }
      transport = nodemailer.createTransport({
        ...options,
        pool: this.settings.pool,
        connectionTimeout: TIMEOUT_MS,
        greetingTimeout: TIMEOUT_MS,
        socketTimeout: TIMEOUT_MS,
      } as Parameters<typeof nodemailer.createTransport>[0]);
      this.transports.set(url, transport);
    }
    return transport;
  }

  close(): void {
    for (const t of this.transports.values()) t.close();
    this.transports.clear();
  }
}

/** Without a reply code, only these mean retrying cannot help; connection, timeout, TLS and DNS errors can. */
const PERMANENT_CODES = new Set(['EAUTH', 'EENVELOPE', 'EMESSAGE']);

const SMTP_REPLY_LIMIT = 512;

/** Maps a nodemailer failure to a ChannelError (see the module comment). */
export function classifySmtpError(e: unknown): ChannelError {
  const err = e as { code?: unknown; responseCode?: unknown; response?: unknown };
  const code = typeof err.code === 'string' ? err.code : undefined;
  const reply = typeof err.responseCode === 'number' ? err.responseCode : undefined;
  // Bounded by SMTP's own reply-line limit (RFC 5321: 512), not shorter: the text is scrubbed after
  // this, and a cut through an echoed credential would leave a fragment no scrubber recognises.
  const said = typeof err.response === 'string' ? err.response.replace(/\S+:\S+@/g, '***@').replace(/[^\x20-\x7e]+/g, ' ').trim().slice(0, SMTP_REPLY_LIMIT) : '';
  const permanent = reply !== undefined ? reply >= 500 : code !== undefined && PERMANENT_CODES.has(code);
  const parts = ['email:', code ?? 'send failed', reply !== undefined ? String(reply) : '', said].filter(Boolean);
  return new ChannelError(parts.join(' '), { permanent, ...(reply === undefined ? {} : { status: reply }) });
}

export async function sendEmailDigest(digest: Digest, transports: EmailTransports, addressing: Omit<MailAddressing, 'from'> & { readonly from?: string }): Promise<EmailReceipt> {
  const transport = transports.get();
  const options = buildMailOptions(digest, { ...addressing, from: addressing.from ?? transports.from });
  try {
    const info = (await transport.sendMail(options)) as { messageId: string; accepted: (string | { address: string })[] };
    return { messageId: info.messageId, accepted: info.accepted.map((a) => (typeof a === 'string' ? a : a.address)) };
  } catch (e) {
    throw classifySmtpError(e);
  }
}
