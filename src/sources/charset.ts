/**
 * Turns fetched bytes into a string, deciding the character set (pure).
 *
 * Order: (1) a byte order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE); (2) the zero-byte pattern of
 * UTF-16/32 text without a BOM (XML spec appendix F); (3) bytes that are valid UTF-8 stay UTF-8, even
 * when the header or declaration names another charset (declarations lie more often than bytes);
 * (4) the HTTP `charset` parameter; (5) the XML declaration's `encoding` or an HTML
 * `<meta charset>` / `http-equiv` in the first 1 KiB (a declaration of UTF-8 or UTF-16 that the
 * bytes contradict is skipped: such bytes go to detection, as do bytes that declare nothing); (6)
 * detection: first the Cyrillic letter-frequency score of charset-cyrillic.ts, which tells
 * windows-1251, koi8-r and koi8-u from windows-1252 on a single short title, then chardet for
 * everything else (it needs longer texts); (7) windows-1252. A name iconv-lite does not know is
 * skipped, never an error. A leading U+FEFF is removed. Nothing here throws.
 */
import { isUtf8 } from 'node:buffer';
import { detect } from 'chardet';
import iconv from 'iconv-lite';
import { detectCyrillicCharset } from './charset-cyrillic.js';

export type CharsetSource = 'bom' | 'sniff' | 'utf-8' | 'http' | 'declaration' | 'detected' | 'default';

export interface DecodedText {
  readonly text: string;
  readonly encoding: string;
  readonly source: CharsetSource;
}

function bomOf(b: Buffer): { encoding: string; length: number } | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return { encoding: 'utf-32le', length: 4 };
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return { encoding: 'utf-32be', length: 4 };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

function sniffWide(b: Buffer): string | undefined {
  if (b.length < 4) return undefined;
  const z = [b[0] === 0, b[1] === 0, b[2] === 0, b[3] === 0];
  if (!z[0] && z[1] && z[2] && z[3]) return 'utf-32le';
  if (z[0] && z[1] && z[2] && !z[3]) return 'utf-32be';
  if (!z[0] && z[1] && !z[2] && z[3]) return 'utf-16le';
  if (z[0] && !z[1] && z[2] && !z[3]) return 'utf-16be';
  return undefined;
}

function known(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const n = name.trim().replace(/^["']|["']$/g, '').toLowerCase();
  return n && iconv.encodingExists(n) ? n : undefined;
}

/** The `charset` parameter of a Content-Type header. */
export function charsetFromContentType(contentType: string | null | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*("?)([^";,\s]+)\1/i.exec(contentType ?? '');
  return m?.[2];
}

/** The encoding named by an XML declaration or an HTML meta tag near the start of the bytes. */
export function declaredCharset(b: Buffer): string | undefined {
  const head = b.subarray(0, 1024).toString('latin1');
  const xml = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']+)["']/i.exec(head);
  if (xml) return xml[1];
  const meta = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head);
  return meta?.[1];
}

function decodeAs(b: Buffer, encoding: string, source: CharsetSource): DecodedText {
  let text = encoding === 'utf-8' ? b.toString('utf8') : iconv.decode(b, encoding);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text, encoding, source };
}

export function decodeBytes(bytes: Buffer, contentType?: string | null): DecodedText {
  const bom = bomOf(bytes);
  if (bom) return decodeAs(bytes.subarray(bom.length), bom.encoding, 'bom');
  const wide = sniffWide(bytes);
  if (wide) return decodeAs(bytes, wide, 'sniff');
  if (isUtf8(bytes)) return decodeAs(bytes, 'utf-8', 'utf-8');
  const http = known(charsetFromContentType(contentType));
  if (http && !http.replace(/[-_]/g, '').startsWith('utf')) return decodeAs(bytes, http, 'http');
  const declared = known(declaredCharset(bytes));
  if (declared && !declared.replace(/[-_]/g, '').startsWith('utf')) return decodeAs(bytes, declared, 'declaration');
  const detected = detectCyrillicCharset(bytes) ?? known(detect(bytes) ?? undefined);
  if (detected) return decodeAs(bytes, detected, 'detected');
  return decodeAs(bytes, 'windows-1252', 'default');
}
