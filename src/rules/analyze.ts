/**
 * Text analysis: the one function that turns article text and query terms into comparable tokens.
 *
 * Order, per character cluster (a base code point and the combining marks that follow it):
 *   1. Unicode NFKC, then lower case.
 *   2. Cyrillic transliterated to Latin with exactly the table below (on the composed letter, so
 *      `й` is `y`, not `i` plus a dropped breve).
 *   3. Latin diacritics removed (NFD, combining marks dropped), then ł→l, ø→o, ß→ss, æ→ae, đ→d.
 *      A Cyrillic letter outside the table that decomposes onto one inside it (`ѓ` → `г`) is
 *      transliterated after this step; any other letter stays as it is.
 * Tokens are maximal runs of letters and digits (`\p{L}`, `\p{N}`); everything else separates,
 * including apostrophes (`'`, `’`, `ʼ`), hyphens and dashes. A character that folds to nothing
 * (`ъ`, `ь`, a stray combining mark) neither starts nor breaks a token.
 *
 * Tokens are numbered by position (0, 1, ...) within one text, and each keeps the UTF-16 offsets of
 * the original characters it came from, half-open, for highlighting. Nothing here throws: any string
 * is valid input, and text with no letters or digits has no tokens.
 *
 * Query words go through the same function with `wildcards` on, which makes `*` and `?` token
 * characters so `Путин*` analyses to the pattern `putin*`.
 */

/** The analysed tokens of one text, in parallel arrays indexed by position. */
export interface AnalyzedText {
  readonly terms: readonly string[];
  /** UTF-16 offset of each token's first original character. */
  readonly starts: readonly number[];
  /** UTF-16 offset just after each token's last original character. */
  readonly ends: readonly number[];
}

const CYRILLIC: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', ґ: 'g', д: 'd', е: 'e', ё: 'e', є: 'ye', ж: 'zh', з: 'z', и: 'i', і: 'i',
  ї: 'yi', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ў: 'u',
  ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
};

const LATIN_EXTRA: Readonly<Record<string, string>> = { ł: 'l', ø: 'o', ß: 'ss', æ: 'ae', đ: 'd' };

const WORD_CHAR = /^[\p{L}\p{N}]$/u;
const MARKS = /\p{M}/gu;
const APOSTROPHES = new Set(['\u02BC', '\u02BB', '\u02B9']);
const SEPARATOR = ' ';

function isWordChar(ch: string, wildcards: boolean): boolean {
  if (wildcards && (ch === '*' || ch === '?')) return true;
  return !APOSTROPHES.has(ch) && WORD_CHAR.test(ch);
}

function mapEach(s: string, table: Readonly<Record<string, string>>): string {
  let out = '';
  for (const ch of s) out += table[ch] ?? ch;
  return out;
}

/**
 * Folds one cluster to its analysed characters, with every non-token character replaced by a
 * space, so the caller only has to tell spaces (separators) from everything else.
 */
function foldCluster(cluster: string, wildcards: boolean): string {
  const lower = cluster.normalize('NFKC').toLowerCase();
  const translit = mapEach(lower, CYRILLIC);
  const stripped = mapEach(mapEach(translit.normalize('NFD').replace(MARKS, ''), CYRILLIC), LATIN_EXTRA);
  let out = '';
  for (const ch of stripped) out += isWordChar(ch, wildcards) ? ch : SEPARATOR;
  return out;
}

const MEMO_LIMIT = 20_000;
const memoText = new Map<string, string>();
const memoQuery = new Map<string, string>();

function foldMemo(cluster: string, wildcards: boolean): string {
  const memo = wildcards ? memoQuery : memoText;
  let folded = memo.get(cluster);
  if (folded === undefined) {
    folded = foldCluster(cluster, wildcards);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(cluster, folded);
  }
  return folded;
}

/**
 * Per-code-unit caches for the common case, a BMP character not followed by a combining mark:
 * its folding never changes, so it is computed once per process.
 */
const unitText: (string | undefined)[] = new Array<string | undefined>(0x10000);
const unitQuery: (string | undefined)[] = new Array<string | undefined>(0x10000);
const markFlag = new Int8Array(0x10000);

function isMarkUnit(c: number): boolean {
  if (c < 0x300) return false;
  let flag = markFlag[c] ?? 0;
  if (flag === 0) {
    flag = /\p{M}/u.test(String.fromCharCode(c)) ? 1 : 2;
    markFlag[c] = flag;
  }
  return flag === 1;
}

function isSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdfff;
}

/** Splits `text` into analysed tokens with their original UTF-16 offsets. */
export function analyzeText(text: string, options: { readonly wildcards?: boolean } = {}): AnalyzedText {
  const wildcards = options.wildcards === true;
  const units = wildcards ? unitQuery : unitText;
  const terms: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let cur = '';
  let curStart = -1;
  let curEnd = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const start = i;
    let folded: string;
    if (!isSurrogate(c) && (i + 1 >= n || !isMarkUnit(text.charCodeAt(i + 1)))) {
      folded = units[c] ?? (units[c] = foldCluster(String.fromCharCode(c), wildcards));
      i += 1;
    } else {
      i += c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
      while (i < n && (isMarkUnit(text.charCodeAt(i)) || (isSurrogate(text.charCodeAt(i)) && /^\p{M}/u.test(text.slice(i, i + 2))))) {
        i += isSurrogate(text.charCodeAt(i)) ? 2 : 1;
      }
      folded = foldMemo(text.slice(start, i), wildcards);
    }
    if (folded.length === 0) {
      if (curStart >= 0) curEnd = i;
      continue;
    }
    for (let k = 0; k < folded.length; k++) {
      const ch = folded[k] ?? SEPARATOR;
      if (ch === SEPARATOR) {
        if (curStart >= 0) {
          terms.push(cur);
          starts.push(curStart);
          ends.push(curEnd);
          cur = '';
          curStart = -1;
        }
      } else {
        if (curStart < 0) curStart = start;
        cur += ch;
        curEnd = i;
      }
    }
  }
  if (curStart >= 0) {
    terms.push(cur);
    starts.push(curStart);
    ends.push(curEnd);
  }
  return { terms, starts, ends };
}

/** The analysed tokens of a short string, without offsets (aliases, query words, CLI input). */
export function analyzeTerms(text: string, options: { readonly wildcards?: boolean } = {}): string[] {
  return [...analyzeText(text, options).terms];
}
