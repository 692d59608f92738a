import { describe, expect, it } from 'vitest';
import { createScrubber, isSecretBearing, redactUrlsInText, secretPieces } from '../src/scrub.js';

const SLACK = 'https://hooks.slack.com/services/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';
const PASSWORD = 'rel-smtp-Pa55w0rd-7f3c91';
const scrubber = createScrubber([SLACK, PASSWORD, `smtp://belwatch:${encodeURIComponent('p@ss w0rd!Q')}@mail.example.org:587`]);

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

describe('the secret scrubber', () => {
  it.each([
    ['the whole secret', `POST ${SLACK} failed`],
    ['a path segment the receiver echoed', 'no_service: team T0A1B2C3D not found'],
    ['the token segment', 'invalid_token XoXbRelSlackToken93Kq1zz'],
    ['the percent-encoded URL', `for ${encodeURIComponent(SLACK)}`],
    ['the percent-encoded path, lower-case hex', `path ${encodeURIComponent('/services/T0A1B2C3D/B0E4F5G6H/XoXbRelSlackToken93Kq1zz').replace(/%2F/g, '%2f')}`],
    ['the password in base64 alone (AUTH LOGIN)', `535 ${b64(PASSWORD)}`],
    ['AUTH PLAIN, password at offset 0 mod 3', `535 5.7.8 ${b64(`\0u\0${PASSWORD}`)} rejected`],
    ['AUTH PLAIN, password at offset 1 mod 3', `535 5.7.8 ${b64(`\0bw\0${PASSWORD}`)} rejected`],
    ['AUTH PLAIN, password at offset 2 mod 3', `535 5.7.8 ${b64(`\0bwx\0${PASSWORD}`)} rejected`],
    ['the password in base64url', `token=${b64(`xx${PASSWORD}`).replace(/\+/g, '-').replace(/\//g, '_')}`],
    ['a URL password, decoded', 'auth failed for p@ss w0rd!Q'],
    ['a URL password, form-encoded', 'auth failed for p%40ss+w0rd%21Q'],
  ])('removes %s', (_what, text) => {
    const out = scrubber.scrub(text);
    expect(out).toContain('[redacted]');
    for (const leak of ['T0A1B2C3D', 'B0E4F5G6H', 'XoXbRelSlackToken93Kq1zz', 'Pa55w0rd', 'w0rd!Q', 'w0rd%21Q']) expect(out).not.toContain(leak);
    for (const align of ['', 'x', 'xy']) expect(out).not.toContain(b64(`${align}${PASSWORD}`).slice(4, 24));
  });

  it('leaves the short, non-secret path segments of a webhook URL alone', () => {
    expect(scrubber.scrub('POST /services/ to hooks.slack.com answered 404')).toBe('POST /services/ to hooks.slack.com answered 404');
  });

  it.each([
    ['services', false],
    ['hooks', false],
    ['v1', false],
    ['incoming', false],
    ['T0A1B2C3D', true],
    ['deadbeef01', true],
    ['abcdefghijklmnopqrstuvwxyz', true],
    ['Ab1', false],
  ])('judges the path segment %s secret-bearing: %s', (segment, expected) => {
    expect(isSecretBearing(segment)).toBe(expected);
  });

  it('takes the password, secret-bearing path segments and query values of a URL secret as pieces', () => {
    expect(secretPieces('https://u:Pw0rd1234@x.org/api/v1/hooks/Ab12Cd34Ef?sig=9f8e7d6c5b4a')).toEqual([
      'https://u:Pw0rd1234@x.org/api/v1/hooks/Ab12Cd34Ef?sig=9f8e7d6c5b4a',
      'Pw0rd1234',
      'Ab12Cd34Ef',
      '9f8e7d6c5b4a',
    ]);
  });

  it('takes the token of an Authorization header, the values of a Cookie header and a Basic password as pieces', () => {
    expect(secretPieces('Bearer eyJhbGciOiJIUzI1NiJ9abc')).toEqual(['Bearer eyJhbGciOiJIUzI1NiJ9abc', 'eyJhbGciOiJIUzI1NiJ9abc']);
    expect(secretPieces('sid=Q2x9fLk3PzT7; theme=dark')).toEqual(['sid=Q2x9fLk3PzT7; theme=dark', 'Q2x9fLk3PzT7']);
    const basic = Buffer.from('feeduser:Pa55word99').toString('base64');
    expect(secretPieces(`Basic ${basic}`).slice(1)).toEqual(['feeduser:Pa55word99', 'Pa55word99', basic.replace(/=+$/, '')]);
    expect(createScrubber(['Bearer eyJhbGciOiJIUzI1NiJ9abc']).scrub('401: token eyJhbGciOiJIUzI1NiJ9abc expired')).toBe('401: token [redacted] expired');
  });

  it('replaces a whole secret before a fragment of it, and changes nothing without secrets', () => {
    expect(scrubber.scrub(`x ${SLACK} y`)).toBe('x [redacted] y');
    expect(createScrubber([]).scrub(`x ${SLACK} y`)).toBe(`x ${SLACK} y`);
  });

  it('redacts user info, paths and query strings of URLs in error texts, keeping trailing punctuation', () => {
    expect(redactUrlsInText('HTTP 404 from https://feeds.example.org/private/abc/rss?key=1: gone (see https://x.org/).')).toBe(
      'HTTP 404 from https://feeds.example.org/***: gone (see https://x.org/).',
    );
    expect(redactUrlsInText('cannot reach redis://:pw@10.0.0.1:6379/0')).toBe('cannot reach redis://***@10.0.0.1:6379/***');
    expect(createScrubber([]).scrubError('at http://127.0.0.1:8080/a?b=c')).toBe('at http://127.0.0.1:8080/***');
  });
});
