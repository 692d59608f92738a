import { afterEach, describe, expect, it } from 'vitest';
import { loadProblems, MINIMAL } from '../helpers/config-dir.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function load(files: Record<string, string>, env: Record<string, string> = {}): { problems: string[]; warnings: string[] } {
  const r = loadProblems(files, env);
  cleanup = r.cleanup;
  return { problems: r.problems, warnings: r.warnings };
}

const withUrl = (url: string): Record<string, string> => ({ 'sources.yaml': MINIMAL['sources.yaml'].replace('https://jamestown.org/programs/edm/feed/', url) });

describe('environment overrides are blamed on their variable', () => {
  it.each([
    ['BELWATCH_PORT', 'abc', 'environment BELWATCH_PORT: expected a port number from 0 to 65535, got "abc"'],
    ['BELWATCH_PORT', '70000', 'environment BELWATCH_PORT: expected a port number from 0 to 65535, got "70000"'],
    ['BELWATCH_LOG_LEVEL', 'loud', 'environment BELWATCH_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    ['REDIS_URL', 'http://u:secret-pass@127.0.0.1:6379', 'environment REDIS_URL: expected a redis:// or rediss:// URL'],
    ['SMTP_URL', 'mail.example:25', 'environment SMTP_URL: expected an smtp:// or smtps:// URL'],
  ])('%s=%s', (name, value, expected) => {
    const settings = 'server:\n  port: 8080\nlog:\n  level: info\nredis:\n  url: redis://127.0.0.1:6379\nsmtp:\n  url: smtp://127.0.0.1:25\n';
    expect(load({ 'settings.yaml': settings }, { [name]: value }).problems).toEqual([expected]);
    // the same without a settings.yaml at all: the override was silently dropped before
    expect(load({}, { [name]: value }).problems).toEqual([expected]);
  });

  it('never repeats a URL override, which may carry a password', () => {
    expect(load({}, { REDIS_URL: 'http://u:secret-pass@127.0.0.1:6379' }).problems.join('\n')).not.toContain('secret-pass');
  });

  it('still blames settings.yaml for its own bad value', () => {
    expect(load({ 'settings.yaml': 'log:\n  level: info\nserver:\n  port: abc\n' }).problems).toEqual(['settings.yaml:4:9: server.port: must be a whole number']);
    expect(load({ 'settings.yaml': 'smtp:\n  url: mail.example:25\n' }).problems).toEqual(['settings.yaml:2:8: smtp.url: must be an smtp:// or smtps:// URL']);
  });
});

describe('http.allowPrivateNetworks', () => {
  it.each([['127.0.0.1/33'], ['::1/129'], ['300.0.0.1/8']])('refuses the CIDR %s at its position', (cidr) => {
    const { problems } = load({ 'settings.yaml': `http:\n  allowPrivateNetworks:\n    - 10.0.0.0/8\n    - "${cidr}"\n` });
    expect(problems).toEqual([
      `settings.yaml:4:7: http.allowPrivateNetworks[1]: "${cidr}" is not a CIDR (an address, "/", and a prefix length of 0 to 32 for IPv4 or 0 to 128 for IPv6)`,
    ]);
  });

  it('accepts IPv4 and IPv6 CIDRs', () => {
    expect(load({ 'settings.yaml': 'http:\n  allowPrivateNetworks: [127.0.0.1/32, "::1/128", 10.0.0.0/8, "fd00::/8"]\n' }).problems).toEqual([]);
  });
});

describe('a source URL at a literal address the fetcher will refuse', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254, a link-local (cloud metadata) address'],
    ['http://127.0.0.1:8080/feed', '127.0.0.1, a loopback address'],
    ['http://10.1.2.3/feed', '10.1.2.3, a private (RFC 1918) address'],
    ['http://[::1]/feed', '[::1], a loopback address'],
    ['http://[::ffff:169.254.169.254]/feed', '[::ffff:a9fe:a9fe], a link-local (cloud metadata) address'],
    ['http://2130706433/feed', '127.0.0.1, a loopback address'],
    ['http://localhost:8080/feed', 'localhost, a loopback name'],
  ])('warns about %s', (url, what) => {
    const { problems, warnings } = load(withUrl(url));
    expect(problems).toEqual([]);
    expect(warnings).toEqual([
      `sources.yaml:5:10: warning: source "edm" points at ${what}: every fetch will be refused unless settings.yaml's http.allowPrivateNetworks allows it`,
    ]);
  });

  it('does not warn when http.allowPrivateNetworks allows the address, or for a public one or a name', () => {
    const allowed = load({ ...withUrl('http://127.0.0.1:8080/feed'), 'settings.yaml': 'http:\n  allowPrivateNetworks: [127.0.0.0/8]\n' });
    expect(allowed).toEqual({ problems: [], warnings: [] });
    expect(load(withUrl('http://93.184.215.14/feed'))).toEqual({ problems: [], warnings: [] });
    expect(load(withUrl('https://belta.by/rss'))).toEqual({ problems: [], warnings: [] });
  });

  it('warns about webhook and Slack URLs at such addresses, naming only the host', () => {
    const subs = `subscriptions:
  - id: alerts
    rules: ["*"]
    mode: instant
    channels:
      - { type: webhook, url: "http://192.168.1.20/hook", secret: "0123456789abcdef0123" }
      - { type: slack, webhookUrl: "http://[fd00::5]/services/T0/B0/secret-token" }
      - { type: webhook, url: "https://hooks.example.org/x", secret: "0123456789abcdef0123" }
`;
    const { problems, warnings } = load({ 'subscriptions.yaml': subs });
    expect(problems).toEqual([]);
    expect(warnings).toEqual([
      `subscriptions.yaml:6:31: warning: subscription "alerts" webhook channel posts to 192.168.1.20, a private (RFC 1918) address: every delivery will be refused unless settings.yaml's http.allowPrivateNetworks allows it`,
      `subscriptions.yaml:7:36: warning: subscription "alerts" slack channel posts to [fd00::5], a unique local (fc00::/7) address: every delivery will be refused unless settings.yaml's http.allowPrivateNetworks allows it`,
    ]);
  });

  it('lists warnings with the errors when there are errors', () => {
    const twice = `${withUrl('http://10.0.0.1/feed')['sources.yaml']}  - id: edm\n    name: Again\n    kind: feed\n    url: https://jamestown.org/feed/\n`;
    expect(load({ 'sources.yaml': twice }).problems).toEqual([
      'sources.yaml:5:10: warning: source "edm" points at 10.0.0.1, a private (RFC 1918) address: every fetch will be refused unless settings.yaml\'s http.allowPrivateNetworks allows it',
      'sources.yaml:6:9: duplicate source id "edm" (first defined at line 2)',
    ]);
  });
});
