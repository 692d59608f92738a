import { describe, expect, it } from 'vitest';
import { isHttpUrl, parseHttpUrl, parseRetryAfter } from '../src/http-protocol.js';

describe('the one http(s) URL check', () => {
  it.each([
    ['https://example.org/feed', true],
    ['HTTP://EXAMPLE.ORG/', true],
    ['ftp://example.org/feed', false],
    ['javascript:alert(1)', false],
    ['file:///etc/passwd', false],
    ['/relative/path', false],
    ['not a url', false],
    ['', false],
  ])('%s -> %s', (raw, expected) => {
    expect(isHttpUrl(raw)).toBe(expected);
  });

  it('resolves a relative link against its base, and refuses what resolves to another scheme', () => {
    expect(parseHttpUrl('/a?b=1', 'https://example.org/x/')?.href).toBe('https://example.org/a?b=1');
    expect(parseHttpUrl('mailto:x@example.org', 'https://example.org/')).toBeNull();
  });

  it('reads Retry-After from the first of several values', () => {
    expect(parseRetryAfter(['7', '9'], 0)).toBe(7_000);
    expect(parseRetryAfter(' ', 0)).toBeUndefined();
  });
});
