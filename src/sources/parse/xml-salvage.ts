/**
 * Repairs for ill-formed feed XML (pure), applied in escalating steps by the feed parser.
 *
 * - `stripDoctype` removes any DOCTYPE with its internal subset, always, before parsing: entity
 *   declarations (XXE, billion laughs) are never seen by the XML parser, so `&xxe;` stays literal.
 * - `repairEntities` turns a bare `&` into `&amp;`, an HTML named entity the XML parser does not know
 *   (`&nbsp;`, `&mdash;`) into a numeric reference, and an unknown name into literal text; removes
 *   control characters XML forbids.
 * - `reserialiseXml` re-writes the document through a forgiving parser (htmlparser2 in XML mode via
 *   cheerio), which closes unclosed and mismatched tags. It never expands entities either.
 * - `nestsDeeperThan` bounds the element depth first, so none of these parsers meets a document nested
 *   deeper than `MAX_NESTING` levels.
 */
import { load } from 'cheerio';
import { decodeHTML } from 'entities';
import { isSpace, OpenElements, readTag } from './tag-scan.js';

// XML 1.0 forbids these characters; feeds in the wild contain them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const XML_NAMED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

const DOCTYPE = /<!DOCTYPE/iy;

/**
 * Where the DOCTYPE opened at `lt` ends, or -1 when it never does. An internal subset (`[` before
 * the first `>`) runs to the first `]` followed by optional whitespace and `>`; without one, or
 * when that never comes, the DOCTYPE ends at its first `>`. `subsetEnd` remembers the last search
 * for `]…>`, so the many DOCTYPEs of a hostile prolog share one scan.
 */
function doctypeEnd(text: string, lt: number, subsetEnd: { from: number; at: number }): number {
  const gt = text.indexOf('>', lt);
  if (gt === -1) return -1;
  const bracket = text.slice(lt, gt).indexOf('[') + lt; // bounded by gt: DOCTYPEs without a subset cost their own length
  if (bracket < lt) return gt + 1;
  if (subsetEnd.at !== -1 ? subsetEnd.at <= bracket : subsetEnd.from > bracket) {
    subsetEnd.from = bracket;
    subsetEnd.at = -1;
    for (let close = text.indexOf(']', bracket + 1); close !== -1; close = text.indexOf(']', close + 1)) {
      let k = close + 1;
      while (k < text.length && /\s/.test(text[k]!)) k++;
      if (text.charCodeAt(k) === 62 /* > */) {
        subsetEnd.at = k + 1;
        break;
      }
    }
  }
  return subsetEnd.at === -1 ? gt + 1 : subsetEnd.at;
}

/**
 * Removes every DOCTYPE from the prolog (before the root element); `<!DOCTYPE` in a comment stays.
 * One left-to-right pass: a regular expression rescanned the rest of the prolog from every
 * unterminated `<!DOCTYPE` (1 MB of them took 76 s). An unterminated comment or DOCTYPE ends the
 * scan and stays, with everything after it (the rest is comment to the XML parser anyway).
 */
export function stripDoctype(text: string): string {
  if (text.indexOf('<!') === -1) return text;
  const root = /<[A-Za-z_]/.exec(text);
  const prologEnd = root ? root.index : text.length;
  const parts: string[] = [];
  const subsetEnd = { from: Infinity, at: -1 };
  let kept = 0;
  let i = 0;
  for (let lt = text.indexOf('<!', i); lt !== -1 && lt < prologEnd; lt = text.indexOf('<!', i)) {
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      if (close === -1) break;
      i = close + 3;
      continue;
    }
    DOCTYPE.lastIndex = lt;
    if (!DOCTYPE.test(text)) {
      i = lt + 2;
      continue;
    }
    const end = doctypeEnd(text, lt + 9, subsetEnd);
    if (end === -1 || end > prologEnd) break;
    parts.push(text.slice(kept, lt));
    kept = end;
    i = end;
  }
  if (kept === 0) return text;
  parts.push(text.slice(kept));
  return parts.join('');
}

const PREFIXED_NAME = /<(\/?)([A-Za-z_][\w.-]*):/g;
const RSS_NAMESPACES = /\sxmlns:([A-Za-z_][\w.-]*)\s*=\s*["'](?:http:\/\/purl\.org\/rss\/1\.0\/|http:\/\/backend\.userland\.com\/rss2|http:\/\/my\.netscape\.com\/rdf\/simple\/0\.9\/)["']/g;

/**
 * RSS elements written with a namespace prefix (`<r:rss>`, `<rss:channel>`) lose the prefix, so
 * rss-parser, which matches local names, can read them. Only prefixes bound to an RSS namespace.
 */
export function unprefixRss(text: string): string {
  const prefixes = new Set<string>();
  for (const m of text.slice(0, 64 * 1024).matchAll(RSS_NAMESPACES)) if (m[1] !== undefined && m[1] !== 'rdf') prefixes.add(m[1]);
  if (prefixes.size === 0) return text;
  // one pass for every prefix: a replace per prefix made 1,400 declarations in the first 64 KiB cost 1,400 passes over the body
  return text.replace(PREFIXED_NAME, (m: string, slash: string, prefix: string) => (prefixes.has(prefix) ? `<${slash}` : m));
}

export interface StartTag {
  readonly index: number;
  readonly name: string;
  /** The whole tag, `<` to the first `>`. */
  readonly text: string;
}

/**
 * The first start tag `opener` finds (a regular expression for `<` and the name, the name in group
 * 1), to its first `>`; undefined when there is none or it never ends. A pattern that also matched
 * the attributes (`<rss\b[^>]*>`) ran to the end of the text from every `<rss` without a `>`:
 * 1 MB of them took 61 s.
 */
export function findStartTag(text: string, opener: RegExp): StartTag | undefined {
  const m = opener.exec(text);
  if (m === null) return undefined;
  const gt = text.indexOf('>', m.index);
  return gt === -1 ? undefined : { index: m.index, name: m[1] ?? '', text: text.slice(m.index, gt + 1) };
}

const RSS_OR_RDF = /<(rss|(?:[A-Za-z]+:)?RDF)\b/i;

/** An `rss` or `RDF` document without a `<channel>` gets one around its content (an empty feed is still a feed). */
export function ensureChannel(text: string): string {
  if (/<channel[\s>/]/i.test(text)) return text;
  const open = findStartTag(text, RSS_OR_RDF);
  if (open === undefined) return text;
  const { name } = open;
  const afterOpen = open.index + open.text.length;
  if (open.text.endsWith('/>')) return `${text.slice(0, open.index)}<${name}${open.text.slice(name.length + 1, -2)}><channel></channel></${name}>${text.slice(afterOpen)}`;
  const close = text.lastIndexOf(`</${name}`);
  if (close < afterOpen) return text;
  return `${text.slice(0, afterOpen)}<channel>${text.slice(afterOpen, close)}</channel>${text.slice(close)}`;
}

export function repairEntities(text: string): string {
  return text.replace(CONTROL, '').replace(/&(#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]{0,31};)?/g, (m: string, ref?: string) => {
    if (ref === undefined) return '&amp;';
    if (ref.startsWith('#')) return m;
    const name = ref.slice(0, -1);
    if (XML_NAMED.has(name)) return m;
    const decoded = decodeHTML(m);
    if (decoded === m) return `&amp;${ref}`;
    return [...decoded].map((c) => `&#${c.codePointAt(0)};`).join('');
  });
}

/** Deepest element nesting the feed parser takes on (see `nestsDeeperThan`). */
export const MAX_NESTING = 2000;

/**
 * Whether elements nest deeper than `max` levels somewhere, tags read as htmlparser2 reads them in
 * XML mode (the salvage parser, whose time grows with the square of the depth), in one linear pass:
 * a start or end tag is `<` (or `</`) and any character but whitespace, `/` and `>`, and runs to the
 * first `>` outside a quoted attribute value (`<title a="<!--">` is one tag: a regular expression
 * that stopped at `<` read a comment there and stopped counting, and the salvage then took 118 s for
 * 1.8 MB); `/>` closes the element; comments end at `-->`, CDATA sections at `]]>` (HTML in a
 * description's CDATA, `<br>` and all, is text); `<!…>` and `<?…>` end at the next `>`. Names are
 * case-sensitive. An end tag closes the innermost open element of its name and everything inside
 * it, and an end tag with no open element of its name closes nothing (`OpenElements`). A comment,
 * CDATA section or tag left open at the end closes nothing more: to every parser the rest is text.
 * Costs about 1 % of a parse. Deeper documents are refused before any parser sees them: the XML
 * parser overflows its stack at about 5,000 levels after reading the whole document, once per
 * salvage step, and htmlparser2 (`reserialiseXml`) keeps its open elements in an array it shifts
 * and unshifts (80,000 levels took 7 s of parsing in all, 1,000,000 took 43 s; a 15 MiB body holds
 * 3 million). No feed nests that deep.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  const open = new OpenElements<null>();
  let i = 0;
  for (let lt = text.indexOf('<', i); lt !== -1; lt = text.indexOf('<', i)) {
    const c = text.charCodeAt(lt + 1);
    const closer = text.startsWith('<!--', lt) ? '-->' : text.startsWith('<![CDATA[', lt) ? ']]>' : c === 33 /* ! */ || c === 63 /* ? */ ? '>' : undefined;
    if (closer !== undefined) {
      const at = text.indexOf(closer, lt + 2);
      if (at === -1) return false;
      i = at + closer.length;
      continue;
    }
    const end = c === 47; /* / */
    const first = text.charCodeAt(lt + (end ? 2 : 1));
    if (Number.isNaN(first) || isSpace(first) || first === 47 || first === 62 /* > */) {
      i = lt + 1; // "<" or "</" before anything but a name is text
      continue;
    }
    const tag = readTag(text, lt, end, false);
    if (tag === null) return false;
    i = tag.next;
    if (tag.end) open.close(tag.name);
    else if (!tag.selfClosing) {
      open.push(tag.name, null);
      if (open.depth > max) return true;
    }
  }
  return false;
}

export function reserialiseXml(text: string): string {
  return load(text, { xml: { xmlMode: true, decodeEntities: false } }).xml();
}
