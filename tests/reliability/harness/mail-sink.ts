/**
 * A real SMTP server (smtp-server) on 127.0.0.1, port 0, requiring the login the reliability worlds
 * configure, and keeping every accepted message raw with its receipt time.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { SECRETS } from './secrets.js';

export interface SunkMail {
  readonly raw: string;
  readonly to: readonly string[];
  readonly at: number;
}

export interface MailSink {
  readonly port: number;
  readonly mails: SunkMail[];
  close(): Promise<void>;
}

export async function startMailSink(): Promise<MailSink> {
  const mails: SunkMail[] = [];
  const server = new SMTPServer({
    secure: false,
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 50 * 1024 * 1024,
    onAuth(auth, _session, cb) {
      if (auth.username === 'belwatch' && auth.password === SECRETS.smtpPassword) cb(null, { user: 'belwatch' });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ raw: Buffer.concat(chunks).toString('utf8'), to: session.envelope.rcptTo.map((a) => a.address), at: Date.now() });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
