/**
 * A bound on how deep an HTML page nests, checked before the page goes to cheerio (pure).
 *
 * parse5, cheerio's HTML parser, walks its stack of open elements for many tags, so its time grows
 * with the square of the nesting depth: 2,000 nested `<div>` parse in 65 ms, 8,000 in 0.5 s, and a
 * 15 MiB body holds three million. Pages (`kind: page` and `page-change`) nested deeper than
 * `MAX_HTML_NESTING` are a `parse-error` before cheerio sees them; no real page comes near (browsers
 * stop nesting at 512 levels).
 *
 * The count is a linear pass over tag shapes, a lower bound of parse5's depth: void elements
 * (`<br>`, `<img>` …) and elements whose end tag is implied (`<p>`, `<li>`, `<td>`, `<option>` …)
 * are not counted, so sloppy but ordinary markup — thousands of unclosed paragraphs or cells —
 * never counts as deep; comments and the text of `script`, `style`, `textarea` and the like are
 * skipped. `<div/>` is an open `div` in HTML, as parse5 reads it; only inside `<svg>` and `<math>`
 * does `/>` close an element (icon sprites are thousands of `<path/>`). An end tag closes the
 * innermost open element of its name and everything opened inside it, and an end tag with no open
 * element of its name closes nothing (parse5 ignores it): stray `</x>` cannot hide depth. It can undercount a crafted page (nested tables count one level per table, not four),
 * which costs parse5 at most a few times the limit's time, never the square of a whole body.
 */

/** Deepest nesting (as counted here) of a page that is parsed. */
export const MAX_HTML_NESTING = 2000;

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr', 'basefont', 'bgsound', 'frame', 'keygen', 'image', 'isindex']);
const IMPLIED_END = new Set(['p', 'li', 'dt', 'dd', 'option', 'optgroup', 'tr', 'td', 'th', 'tbody', 'thead', 'tfoot', 'colgroup', 'caption', 'rb', 'rt', 'rtc', 'rp', 'html', 'head', 'body']);
/** Elements whose content is text up to their end tag. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes']);

// A comment opener, or a start or end tag: name, then anything but angle brackets.
const TAG_SHAPE = /<!--|<(\/?)([A-Za-z][^\s/<>]*)[^<>]*?(\/?)>/g;

/** Whether `html` nests deeper than `max` counted levels somewhere (see the module comment). */
export function htmlNestsDeeperThan(html: string, max: number = MAX_HTML_NESTING): boolean {
  const tags = new RegExp(TAG_SHAPE.source, 'g');
  /** Names of the counted open elements, innermost last, and how many of each are open. */
  const open: string[] = [];
  const openCount = new Map<string, number>();
  const pop = (): void => {
    const name = open.pop()!;
    openCount.set(name, (openCount.get(name) ?? 1) - 1);
  };
  /** Open `svg` and `math` elements: inside them `/>` closes an element. */
  let foreign = 0;
  for (let m = tags.exec(html); m !== null; m = tags.exec(html)) {
    if (m[0] === '<!--') {
      const end = html.indexOf('-->', tags.lastIndex);
      if (end === -1) return false;
      tags.lastIndex = end + 3;
      continue;
    }
    const name = (m[2] ?? '').toLowerCase();
    if (VOID.has(name) || IMPLIED_END.has(name)) continue;
    const isForeignRoot = name === 'svg' || name === 'math';
    if (m[1] === '/') {
      if ((openCount.get(name) ?? 0) === 0) continue;
      let closed: string | undefined;
      do {
        closed = open[open.length - 1];
        if (closed === 'svg' || closed === 'math') foreign--;
        pop();
      } while (closed !== name);
      continue;
    }
    if (RAW_TEXT.has(name)) {
      const close = new RegExp(`</${name}[\\s/>]`, 'gi');
      close.lastIndex = tags.lastIndex;
      if (close.exec(html) === null) return false;
      tags.lastIndex = close.lastIndex;
      continue;
    }
    if (m[3] === '/' && (foreign > 0 || isForeignRoot)) continue;
    if (isForeignRoot) foreign++;
    open.push(name);
    openCount.set(name, (openCount.get(name) ?? 0) + 1);
    if (open.length > max) return true;
  }
  return false;
}
