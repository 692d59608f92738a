import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('createLogger', () => {
  it('redacts secret-bearing fields and scrubs configured secrets from messages and values', () => {
    const out = capture();
    const log = createLogger({ destination: out.stream, secrets: ['https://hooks.slack.com/services/T0/B0/XYZ', 'hunter22'] });
    log.child({ subscription: 'daily' }).error(
      { channel: { webhookUrl: 'https://hooks.slack.com/services/T0/B0/XYZ', secret: 'plain' }, err: 'auth failed for hunter22' },
      'POST https://hooks.slack.com/services/T0/B0/XYZ failed',
    );
    const line = out.text();
    expect(line).not.toContain('XYZ');
    expect(line).not.toContain('hunter22');
    expect(line).not.toContain('plain');
    expect(line).toContain('[redacted]');
    expect(JSON.parse(line)).toMatchObject({ subscription: 'daily', level: 50 });
  });

  it('scrubs the path segments, percent-encoded and base64 forms of secrets from messages and values', () => {
    const out = capture();
    const password = 'smtp-Pa55w0rd-7f3c91';
    const log = createLogger({ destination: out.stream, secrets: ['https://hooks.slack.com/services/T0ABC1234/B0DEF5678/XoXbSlackToken93Kq1', password] });
    const echo = Buffer.from(`\0belwatch\0${password}`).toString('base64');
    log.warn({ err: `535 5.7.8 ${echo} authentication failed` }, 'slack said: no_service T0ABC1234/B0DEF5678/XoXbSlackToken93Kq1 (%2Fservices%2FT0ABC1234)');
    const line = out.text();
    for (const leak of ['T0ABC1234', 'B0DEF5678', 'XoXbSlackToken93Kq1', echo.slice(12, 32)]) expect(line).not.toContain(leak);
    expect(line).toContain('services');
    expect(JSON.parse(line)).toMatchObject({ level: 40 });
  });

  it('keeps a logged Error readable while scrubbing it', () => {
    const out = capture();
    createLogger({ destination: out.stream, secrets: ['hunter22hunter'] }).error({ err: new Error('auth failed for hunter22hunter') }, 'send failed');
    const record = JSON.parse(out.text()) as { err: { message: string; stack: string } };
    expect(record.err.message).toBe('auth failed for [redacted]');
    expect(record.err.stack).toMatch(/^Error: auth failed for \[redacted\]\n/);
  });
});
