/**
 * A bound on how deep an HTML page nests, checked before the page goes to cheerio (pure).
 *
 * parse5, cheerio's HTML parser, walks its stack of open elements for many tags, so its time grows
 * with the square of the nesting depth (2,000 nested `<div>` parse in 65 ms, 8,000 in 0.5 s, and a
 * 15 MiB body holds three million), and cheerio's `.text()` recurses once per level (about 5,000
 * levels overflow the stack). Pages (`kind: page` and `page-change`) nested deeper than
 * `MAX_HTML_NESTING` are a `parse-error` before cheerio sees them; no real page comes near
 * (browsers stop nesting at 512 levels).
 *
 * The count follows the HTML tokenizer closely enough to see the tags parse5 sees, in one linear
 * pass: a tag runs from `<` and a letter (`</` and a letter for an end tag) to the first `>` outside
 * a quoted attribute value, whatever it holds (`</x/?<!--…>` is one end tag, not a comment);
 * comments end at `-->` or `--!>` (`<!-->` is empty); `<!…>` and `<?…>` are bogus comments to the
 * next `>`; the text of `script`, `style`, `textarea`, `title` and the like runs to their end tag.
 * A tag, comment or raw text left open at the end of the page closes nothing more.
 *
 * Counted levels are a lower bound of parse5's: void elements (`<br>`, `<img>` …) and elements
 * whose end tag is implied (`<p>`, `<li>`, `<td>`, `<option>` …) are not counted, so sloppy but
 * ordinary markup — thousands of unclosed paragraphs or cells — never counts as deep. `<div/>` is
 * an open `div` in HTML, as parse5 reads it; only inside `<svg>` and `<math>` does `/>` close an
 * element (icon sprites are thousands of `<path/>`). An end tag closes the innermost open element
 * of its name and everything opened inside it; an end tag with no open element of its name closes
 * nothing (parse5 ignores it), so stray `</x>` cannot hide depth. A crafted page can still be
 * undercounted (nested tables count one level per table, not four), which costs parse5 at most a
 * few times the limit's time, never the square of a whole body.
 */

/** Deepest nesting (as counted here) of a page that is parsed. */
export const MAX_HTML_NESTING = 2000;

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr', 'basefont', 'bgsound', 'frame', 'keygen', 'image', 'isindex']);
const IMPLIED_END = new Set(['p', 'li', 'dt', 'dd', 'option', 'optgroup', 'tr', 'td', 'th', 'tbody', 'thead', 'tfoot', 'colgroup', 'caption', 'rb', 'rt', 'rtc', 'rp', 'html', 'head', 'body']);
/** Elements whose content is text up to their end tag. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);
/** Per raw-text element, its end tag (`plaintext` has none: its text runs to the end of the page). */
const RAW_TEXT_END = new Map([...RAW_TEXT].filter((n) => n !== 'plaintext').map((n) => [n, new RegExp(`</${n}[\\s/>]`, 'gi')]));

const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 12 || c === 13;

interface Tag {
  readonly name: string;
  readonly end: boolean;
  readonly selfClosing: boolean;
  /** Index just after the tag's `>`. */
  readonly next: number;
}

/** The tag starting at `lt` (`<` then a letter, or `</` then a letter), or null when the page ends inside it. */
function readTag(html: string, lt: number, end: boolean): Tag | null {
  let j = lt + (end ? 2 : 1);
  const nameStart = j;
  while (j < html.length) {
    const c = html.charCodeAt(j);
    if (isSpace(c) || c === 47 /* / */ || c === 62 /* > */) break;
    j++;
  }
  const name = html.slice(nameStart, j).toLowerCase();
  let selfClosing = false;
  while (j < html.length) {
    const c = html.charCodeAt(j);
    if (c === 62 /* > */) return { name, end, selfClosing, next: j + 1 };
    selfClosing = c === 47 && html.charCodeAt(j + 1) === 62;
    if (c === 61 /* = */) {
      let k = j + 1;
      while (k < html.length && isSpace(html.charCodeAt(k))) k++;
      const q = html.charCodeAt(k);
      if (q === 34 || q === 39) {
        const close = html.indexOf(q === 34 ? '"' : "'", k + 1);
        if (close === -1) return null;
        j = close + 1;
        continue;
      }
      j = k;
      continue;
    }
    j++;
  }
  return null;
}

/** Where the comment opened at `lt` (`<!--`) ends, or -1 when it runs to the end of the page. */
function commentEnd(html: string, lt: number): number {
  if (html.startsWith('<!-->', lt)) return lt + 5;
  if (html.startsWith('<!--->', lt)) return lt + 6;
  const a = html.indexOf('-->', lt + 4);
  const b = html.indexOf('--!>', lt + 4);
  if (a === -1 && b === -1) return -1;
  return a !== -1 && (b === -1 || a < b) ? a + 3 : b + 4;
}

/** Whether `html` nests deeper than `max` counted levels somewhere (see the module comment). */
export function htmlNestsDeeperThan(html: string, max: number = MAX_HTML_NESTING): boolean {
  /** Names of the counted open elements, innermost last, and how many of each are open. */
  const open: string[] = [];
  const openCount = new Map<string, number>();
  /** Open `svg` and `math` elements: inside them `/>` closes an element. */
  let foreign = 0;
  let i = 0;
  for (let lt = html.indexOf('<', i); lt !== -1; lt = html.indexOf('<', i)) {
    const c = html.charCodeAt(lt + 1);
    if (c === 33 /* ! */ && html.startsWith('<!--', lt)) {
      i = commentEnd(html, lt);
      if (i === -1) return false;
      continue;
    }
    const end = c === 47; /* / */
    if (c === 33 || c === 63 /* ? */ || (end && !isLetter(html.charCodeAt(lt + 2)) && html.charCodeAt(lt + 2) !== 62)) {
      // a bogus comment, to the next ">"
      const gt = html.indexOf('>', lt + 2);
      if (gt === -1) return false;
      i = gt + 1;
      continue;
    }
    if (!(end ? isLetter(html.charCodeAt(lt + 2)) : isLetter(c))) {
      i = lt + (end ? 3 : 1); // "</>" is dropped; "<" before anything else is text
      continue;
    }
    const tag = readTag(html, lt, end);
    if (tag === null) return false;
    i = tag.next;
    const { name } = tag;
    if (VOID.has(name) || IMPLIED_END.has(name)) continue;
    const isForeignRoot = name === 'svg' || name === 'math';
    if (tag.end) {
      if ((openCount.get(name) ?? 0) === 0) continue;
      for (let closed = ''; closed !== name; ) {
        closed = open.pop()!;
        openCount.set(closed, (openCount.get(closed) ?? 1) - 1);
        if (closed === 'svg' || closed === 'math') foreign--;
      }
      continue;
    }
    if (RAW_TEXT.has(name)) {
      const close = RAW_TEXT_END.get(name);
      if (close === undefined) return false; // plaintext
      close.lastIndex = i;
      const m = close.exec(html);
      if (m === null) return false;
      i = m.index; // the end tag itself is read next (and closes nothing: raw text is not counted)
      continue;
    }
    if (tag.selfClosing && (foreign > 0 || isForeignRoot)) continue;
    if (isForeignRoot) foreign++;
    open.push(name);
    openCount.set(name, (openCount.get(name) ?? 0) + 1);
    if (open.length > max) return true;
  }
  return false;
}
