import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { runCli } from '../helpers/cli.js';
import { writeConfigDir, type TempConfig } from '../helpers/config-dir.js';

const OPML = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Belarus watch</title></head>
  <body>
    <outline text="Think tanks">
      <outline type="rss" text="Eurasia Daily Monitor" xmlUrl="https://jamestown.org/programs/edm/feed/?utm_source=opml"/>
      <outline type="rss" text="Riddle" title="Riddle Russia" xmlUrl="https://ridl.io/feed/" htmlUrl="https://ridl.io/"/>
    </outline>
    <outline type="rss" text="Nasha Niva" xmlUrl="https://nashaniva.com/rss/"/>
    <outline type="rss" text="Evil" xmlUrl="file:///etc/passwd"/>
  </body>
</opml>
`;

let cfg: TempConfig | undefined;
afterEach(() => cfg?.cleanup());

describe('belwatch sources', () => {
  it('imports new feeds from OPML, skips known ones and keeps comments', () => {
    cfg = writeConfigDir({
      'sources.yaml': `# Outlets we watch. Keep this comment.
sources:
  # Jamestown's EDM programme
  - id: edm
    name: Eurasia Daily Monitor
    kind: feed
    url: https://jamestown.org/programs/edm/feed/
`,
    });
    const opml = path.join(cfg.dir, 'list.opml');
    writeFileSync(opml, OPML);
    const r = runCli(['--config', cfg.dir, 'sources', 'import', opml]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('added 2 (riddle-russia, nasha-niva), skipped 1 already configured\n');
    const yaml = readFileSync(path.join(cfg.dir, 'sources.yaml'), 'utf8');
    expect(yaml).toContain('# Outlets we watch. Keep this comment.');
    expect(yaml).toContain("# Jamestown's EDM programme");
    expect(yaml).toContain('url: https://ridl.io/feed/');
    expect(yaml).not.toContain('file:');
    expect(runCli(['--config', cfg.dir, 'validate']).code).toBe(0);
    const again = runCli(['--config', cfg.dir, 'sources', 'import', opml]);
    expect(again.stdout).toBe('added 0 (none), skipped 3 already configured\n');
  });

  it('exports feed sources as OPML that imports back', () => {
    cfg = writeConfigDir({});
    const r = runCli(['--config', cfg.dir, 'sources', 'export']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('<opml version="2.0">');
    expect(r.stdout).toContain('xmlUrl="https://jamestown.org/programs/edm/feed/"');
    const other = writeConfigDir({ 'sources.yaml': 'sources: []\n' });
    try {
      const file = path.join(other.dir, 'out.opml');
      writeFileSync(file, r.stdout);
      expect(runCli(['--config', other.dir, 'sources', 'import', file]).stdout).toMatch(/^added 1 \(eurasia-daily-monitor\)/);
      expect(readFileSync(path.join(other.dir, 'sources.yaml'), 'utf8')).toMatch(/^sources:\n {2}- id: eurasia-daily-monitor/);
    } finally {
      other.cleanup();
    }
  });

  it('keeps ${VAR} in imported OPML titles and URLs literal when the config loads with the variable set', () => {
    cfg = writeConfigDir({ 'sources.yaml': 'sources: []\n' });
    const opml = path.join(cfg.dir, 'evil.opml');
    writeFileSync(
      opml,
      `<opml version="2.0"><body>
  <outline type="rss" text="Leak \${SMTP_PASS} $5" xmlUrl="https://feeds.example.org/rss?k=\${BELWATCH_ADMIN_TOKEN}&amp;d=\${X:-y}"/>
</body></opml>`,
    );
    const env = { BELWATCH_ADMIN_TOKEN: 'admin-token-0123456789abcdef', SMTP_PASS: 'smtp-secret-pass' };
    const r = runCli(['--config', cfg.dir, 'sources', 'import', opml], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const config = loadConfig(cfg.dir, { env });
    const source = config.sources.find((s) => s.url.startsWith('https://feeds.example.org/'));
    expect(source?.name).toBe('Leak ${SMTP_PASS} $5');
    expect(source?.url).toBe('https://feeds.example.org/rss?k=${BELWATCH_ADMIN_TOKEN}&d=${X:-y}');
    expect(JSON.stringify(config)).not.toContain(env.BELWATCH_ADMIN_TOKEN);
    expect(JSON.stringify(config)).not.toContain(env.SMTP_PASS);
    // Importing the same list again finds the feed already configured.
    expect(runCli(['--config', cfg.dir, 'sources', 'import', opml], { env }).stdout).toBe('added 0 (none), skipped 1 already configured\n');
  });

  it('keeps the language of each feed through export and import', () => {
    cfg = writeConfigDir({
      'sources.yaml': `sources:
  - { id: nn, name: Nasha Niva, kind: feed, url: "https://nashaniva.com/rss/", lang: be }
  - { id: edm, name: Eurasia Daily Monitor, kind: feed, url: "https://jamestown.org/programs/edm/feed/", lang: en }
  - { id: svaboda, name: Svaboda, kind: feed, url: "https://www.svaboda.org/api/", lang: be-Latn }
`,
    });
    const exported = runCli(['--config', cfg.dir, 'sources', 'export']);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('language="be-Latn"');
    const other = writeConfigDir({ 'sources.yaml': 'sources: []\n' });
    try {
      const file = path.join(other.dir, 'out.opml');
      writeFileSync(file, exported.stdout.replace('language="en"', 'language="en" ').replace('language="be"', 'language="not a code!"'));
      const r = runCli(['--config', other.dir, 'sources', 'import', file]);
      expect(r.stderr).toBe('');
      const langs = Object.fromEntries(loadConfig(other.dir).sources.map((s) => [s.url, s.lang]));
      expect(langs).toEqual({
        'https://nashaniva.com/rss/': undefined,
        'https://jamestown.org/programs/edm/feed/': 'en',
        'https://www.svaboda.org/api/': 'be-Latn',
      });
      // The round trip of a list with valid codes is exact.
      writeFileSync(file, exported.stdout);
      const third = writeConfigDir({ 'sources.yaml': 'sources: []\n' });
      try {
        runCli(['--config', third.dir, 'sources', 'import', file]);
        expect(runCli(['--config', third.dir, 'sources', 'export']).stdout).toBe(exported.stdout);
      } finally {
        third.cleanup();
      }
    } finally {
      other.cleanup();
    }
  });

  it('refuses a file that is not OPML with one line on stderr', () => {
    cfg = writeConfigDir({});
    const file = path.join(cfg.dir, 'x.opml');
    writeFileSync(file, '<rss/>');
    const r = runCli(['--config', cfg.dir, 'sources', 'import', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('belwatch: not an OPML file (no <opml> element)\n');
  });
});
