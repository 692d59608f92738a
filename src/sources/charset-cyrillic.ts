/**
 * Tells the single-byte Cyrillic charsets (windows-1251, koi8-r, koi8-u) from windows-1252 in bytes
 * that declare nothing (pure). Statistical detectors need paragraphs; a feed whose only non-ASCII
 * text is a title of three words ("Лукашэнка і Пуцін") is decoded by chardet as ISO-8859-1 mojibake.
 *
 * Each candidate decoding of the first 64 KiB is scored character by character (ASCII scores 0: it
 * is the same in every candidate):
 *   - a Cyrillic letter scores ln(its frequency in Russian/Belarusian news text / 3 %), so common
 *     letters gain and rare ones lose; an upper-case letter right after a lower-case one loses 4
 *     (koi8 read as windows-1251, or the reverse, swaps the cases: "мХЛБЫЕОЛП"), and a Cyrillic
 *     letter touching a Latin one loses 3 (mixed scripts inside a word);
 *   - an accented Latin letter (windows-1252) gains 1 inside a Latin word ("café") and loses 2
 *     among other non-ASCII letters (Cyrillic read as windows-1252: "Ëóêàøýíêà");
 *   - common typographic punctuation (« » „ “ ” – — … № nbsp) scores 0; anything else (box drawing,
 *     C1 controls, unmapped bytes, stray symbols) loses 3.
 * The best Cyrillic candidate is returned when it holds at least two Cyrillic letters and beats
 * windows-1252; ties go to the earlier of windows-1251, koi8-r, koi8-u. Otherwise `undefined`, and
 * the caller goes on to other detection.
 */
import iconv from 'iconv-lite';

const SAMPLE_BYTES = 64 * 1024;
const CANDIDATES = ['windows-1251', 'koi8-r', 'koi8-u'] as const;

/** Per mille, lower case; Russian news text, with Belarusian і and ў. Unlisted letters count as 0.3. */
const FREQUENCY: Readonly<Record<string, number>> = {
  о: 110, е: 85, а: 80, и: 74, н: 67, т: 63, с: 55, р: 47, в: 45, л: 44, к: 35, м: 32, д: 30, п: 28, у: 26,
  я: 20, ы: 19, ь: 17, г: 17, з: 16, б: 16, ч: 14, й: 12, х: 10, ж: 9, ш: 7, ю: 6, ц: 5, щ: 4, э: 3, ф: 2,
  ё: 1, ъ: 0.4, і: 40, ў: 12, є: 4, ї: 3, ґ: 0.5,
};
const PUNCTUATION = new Set(['«', '»', '„', '“', '”', '‘', '’', '–', '—', '…', '№', '•', '·', '\u00a0', '°']);

const isCyrillic = (c: string): boolean => c >= '\u0400' && c <= '\u04ff';
const isAsciiLetter = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z]$/.test(c);
const isLatinAccented = (c: string): boolean => c >= '\u00c0' && c <= '\u00ff' && c !== '\u00d7' && c !== '\u00f7';
const isLower = (c: string): boolean => c !== c.toUpperCase();
const isUpper = (c: string): boolean => c !== c.toLowerCase();

interface Score {
  readonly score: number;
  readonly cyrillic: number;
}

export function scoreDecoding(text: string): Score {
  let score = 0;
  let cyrillic = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c < '\u0080') continue;
    const prev = text[i - 1];
    const next = text[i + 1];
    if (isCyrillic(c)) {
      cyrillic++;
      score += Math.log((FREQUENCY[c.toLowerCase()] ?? 0.3) / 30);
      if (isUpper(c) && prev !== undefined && isCyrillic(prev) && isLower(prev)) score -= 4;
      if (isAsciiLetter(prev) || isAsciiLetter(next)) score -= 3;
    } else if (isLatinAccented(c)) {
      score += isAsciiLetter(prev) || isAsciiLetter(next) ? 1 : -2;
    } else if (!PUNCTUATION.has(c)) {
      score -= 3;
    }
  }
  return { score, cyrillic };
}

/** The Cyrillic charset the bytes read best in, if they read better in one than in windows-1252. */
export function detectCyrillicCharset(bytes: Buffer): string | undefined {
  const sample = bytes.subarray(0, SAMPLE_BYTES);
  const western = scoreDecoding(iconv.decode(sample, 'windows-1252')).score;
  let best: { encoding: string; score: number } | undefined;
  for (const encoding of CANDIDATES) {
    const s = scoreDecoding(iconv.decode(sample, encoding));
    if (s.cyrillic >= 2 && s.score > western && (best === undefined || s.score > best.score)) best = { encoding, score: s.score };
  }
  return best?.encoding;
}
