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
 * an open `div` in HTML, as parse5 reads it. An end tag closes the innermost open element of its
 * name and everything opened inside it; an end tag with no open element of its name closes
 * nothing (parse5 ignores it), so stray `</x>` cannot hide depth. A crafted page can still be
 * undercounted (nested tables count one level per table, not four), which costs parse5 at most a
 * few times the limit's time, never the square of a whole body.
 *
 * Foreign content follows parse5's tree builder: inside `<svg>` and `<math>` every element is
 * counted (no void, implied-end or raw-text elements there: `<svg><title>` and `<svg><style>` hold
 * markup, and `<svg><td>` nests) and `/>` closes an element (icon sprites are thousands of
 * `<path/>`). Their HTML integration points — `foreignObject`, `desc` and `title` in SVG, `mi`,
 * `mo`, `mn`, `ms` and `mtext` in MathML — hold HTML again, raw text and all. An HTML start tag
 * that breaks out of foreign content (`<div>`, `<p>`, `<b>`, `<table>` …) closes the foreign
 * elements around it first, as parse5 does. MathML's `annotation-xml` counts as foreign whatever
 * its `encoding` (the bound cannot see attributes; reading HTML there as markup only counts more).
 */

import { isLetter, OpenElements, readTag } from './tag-scan.js';

/** Deepest nesting (as counted here) of a page that is parsed. */
export const MAX_HTML_NESTING = 2000;

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr', 'basefont', 'bgsound', 'frame', 'keygen', 'image', 'isindex']);
const IMPLIED_END = new Set(['p', 'li', 'dt', 'dd', 'option', 'optgroup', 'tr', 'td', 'th', 'tbody', 'thead', 'tfoot', 'colgroup', 'caption', 'rb', 'rt', 'rtc', 'rp', 'html', 'head', 'body']);
/** Elements whose content is text up to their end tag. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);
/** Per raw-text element, its end tag (`plaintext` has none: its text runs to the end of the page). */
const RAW_TEXT_END = new Map([...RAW_TEXT].filter((n) => n !== 'plaintext').map((n) => [n, new RegExp(`</${n}[\\s/>]`, 'gi')]));

/** HTML start tags that end foreign content (the HTML standard's list; `font` only with attributes, so not here). */
const BREAKOUT = new Set(['b', 'big', 'blockquote', 'body', 'br', 'center', 'code', 'dd', 'div', 'dl', 'dt', 'em', 'embed', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'head', 'hr', 'i', 'img', 'li', 'listing', 'menu', 'meta', 'nobr', 'ol', 'p', 'pre', 'ruby', 's', 'small', 'span', 'strong', 'strike', 'sub', 'sup', 'table', 'tt', 'u', 'ul', 'var']);
/** Per foreign namespace, the elements whose content is HTML again. */
const INTEGRATION_POINTS = { svg: new Set(['foreignobject', 'desc', 'title']), math: new Set(['mi', 'mo', 'mn', 'ms', 'mtext']) } as const;

/** What an open element says about its content: HTML rules, or the foreign rules of `svg`/`math`. */
interface Content {
  readonly ns: 'html' | 'svg' | 'math';
  /** An HTML integration point: a foreign element whose content follows HTML rules. */
  readonly html: boolean;
}
const HTML_CONTENT: Content = { ns: 'html', html: true };

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
  const open = new OpenElements<Content>();
  const contentNow = (): Content => open.innermost()?.tag ?? HTML_CONTENT;
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
      // a bogus comment, to the next ">" (CDATA in foreign content ends at "]]>", which ends in ">" too)
      const gt = html.indexOf('>', lt + 2);
      if (gt === -1) return false;
      i = gt + 1;
      continue;
    }
    if (!(end ? isLetter(html.charCodeAt(lt + 2)) : isLetter(c))) {
      i = lt + (end ? 3 : 1); // "</>" is dropped; "<" before anything else is text
      continue;
    }
    const tag = readTag(html, lt, end, true);
    if (tag === null) return false;
    i = tag.next;
    const { name } = tag;
    if (tag.end) {
      open.close(name);
      continue;
    }
    let content = contentNow();
    if (!content.html && BREAKOUT.has(name)) {
      while (!contentNow().html) open.pop();
      content = contentNow();
    }
    if (!content.html) {
      // a foreign element: its namespace's rules, whatever its name
      if (tag.selfClosing) continue;
      const ns = content.ns === 'math' ? 'math' : 'svg';
      open.push(name, { ns, html: INTEGRATION_POINTS[ns].has(name) });
    } else {
      if (VOID.has(name) || IMPLIED_END.has(name)) continue;
      if (RAW_TEXT.has(name)) {
        const close = RAW_TEXT_END.get(name);
        if (close === undefined) return false; // plaintext
        close.lastIndex = i;
        const m = close.exec(html);
        if (m === null) return false;
        i = m.index; // the end tag itself is read next (and closes nothing: raw text is not counted)
        continue;
      }
      if (name === 'svg' || name === 'math') {
        if (tag.selfClosing) continue;
        open.push(name, { ns: name, html: false });
      } else open.push(name, HTML_CONTENT);
    }
    if (open.depth > max) return true;
  }
  return false;
}
