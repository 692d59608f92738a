/**
 * Debian's Chromium for browser tests, driven by playwright-core (never a downloaded browser).
 * Launched headless with the flags that keep it off the network: without them Chromium tries to
 * reach Google's hosts at start and stalls on this machine's closed network. Each launch gets a
 * fresh profile. Where /usr/bin/chromium is absent the tests skip with a message — unless
 * BELWATCH_REQUIRE_BROWSER=1 (CI sets it after installing chromium), where a missing browser is
 * an error rather than a silent skip.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** True when the browser tests can run; throws when they must but cannot. */
export function browserAvailable(): boolean {
  const present = existsSync(CHROMIUM);
  if (!present && process.env['BELWATCH_REQUIRE_BROWSER'] === '1') {
    throw new Error(`${CHROMIUM} not found and BELWATCH_REQUIRE_BROWSER=1 (apt-get install chromium)`);
  }
  if (!present) console.warn(`skipping the browser tests: ${CHROMIUM} not found (apt-get install chromium)`);
  return present;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
}
