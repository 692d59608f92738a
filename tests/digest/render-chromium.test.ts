/**
 * Renders the email HTML in headless Chromium (Debian's `chromium`, driven by playwright-core) and
 * checks what a reader would meet: no script runs, no dialog opens, nothing is fetched, every link is
 * http(s), the hostile title shows as text, and the layout fits a 640 px column. Skipped, with a
 * message, where /usr/bin/chromium is absent (an error in CI: tests/helpers/browser.ts). Set
 * BELWATCH_SCREENSHOT=path.png to keep a screenshot.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../src/digest/build.js';
import { renderDigestHtml } from '../../src/digest/render-html.js';
import { HOSTILE_TITLE, sampleInput } from '../fixtures/digest/items.js';
import { browserAvailable, launchChromium } from '../helpers/browser.js';

interface Facts {
  scripts: number;
  images: number;
  hrefs: string[];
  text: string;
  width: number;
}
const available = browserAvailable();

describe.skipIf(!available)('email HTML in headless Chromium', () => {
  it('renders as text only: no script, dialog or request, http(s) links, a 640 px column', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
      const requests: string[] = [];
      const dialogs: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.setContent(renderDigestHtml(buildDigest(sampleInput())), { waitUntil: 'load' });
      // a string, not a function: the project compiles without the DOM library
      const facts = await page.evaluate<Facts>(`({
        scripts: document.querySelectorAll('script').length,
        images: document.querySelectorAll('img').length,
        hrefs: [...document.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? ''),
        text: document.body.innerText,
        width: Math.max(...[...document.querySelectorAll('table')].map((t) => t.getBoundingClientRect().width).filter((w) => w < 800)),
      })`);
      expect(facts.scripts).toBe(0);
      expect(facts.images).toBe(0);
      expect(dialogs).toEqual([]);
      expect(requests).toEqual([]);
      expect(facts.hrefs.length).toBeGreaterThan(5);
      for (const h of facts.hrefs) expect(h).toMatch(/^https?:\/\//);
      expect(facts.text).toContain('Breaking <script>alert(1)</script> <img src=x onerror=alert(2)>');
      expect(facts.text).not.toContain(HOSTILE_TITLE);
      expect(facts.width).toBeLessThanOrEqual(640);
      const png = await page.screenshot({ fullPage: true });
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      const keep = process.env.BELWATCH_SCREENSHOT;
      if (keep) writeFileSync(keep, png);
    } finally {
      await browser.close();
    }
  });
});
