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

const COMMENT_OR_DOCTYPE = /<!--[\s\S]*?-->|<!DOCTYPE(?:[^[>]*\[[\s\S]*?\]\s*>|[^>]*>)/gi;
// XML 1.0 forbids these characters; feeds in the wild contain them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const XML_NAMED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/** Removes a DOCTYPE from the prolog (before the root element); `<!DOCTYPE` in a comment or CDATA stays. */
export function stripDoctype(text: string): string {
  if (text.indexOf('<!') === -1) return text;
  const root = /<[A-Za-z_]/.exec(text);
  const end = root ? root.index : text.length;
  const prolog = text.slice(0, end);
  if (!/<!DOCTYPE/i.test(prolog)) return text;
  return prolog.replace(COMMENT_OR_DOCTYPE, (m) => (m.startsWith('<!--') ? m : '')) + text.slice(end);
}

const RSS_NAMESPACES = /\sxmlns:([A-Za-z_][\w.-]*)\s*=\s*["'](?:http:\/\/purl\.org\/rss\/1\.0\/|http:\/\/backend\.userland\.com\/rss2|http:\/\/my\.netscape\.com\/rdf\/simple\/0\.9\/)["']/g;

/**
 * RSS elements written with a namespace prefix (`<r:rss>`, `<rss:channel>`) lose the prefix, so
 * rss-parser, which matches local names, can read them. Only prefixes bound to an RSS namespace.
 */
export function unprefixRss(text: string): string {
  let out = text;
  for (const m of text.slice(0, 64 * 1024).matchAll(RSS_NAMESPACES)) {
    const prefix = m[1];
    if (prefix === undefined || prefix === 'rdf') continue;
    out = out.replace(new RegExp(`<(/?)${prefix.replace(/[.]/g, '\\.')}:`, 'g'), '<$1');
  }
  return out;
}

/** An `rss` or `RDF` document without a `<channel>` gets one around its content (an empty feed is still a feed). */
export function ensureChannel(text: string): string {
  if (/<channel[\s>/]/i.test(text)) return text;
  const open = /<(rss|(?:[A-Za-z]+:)?RDF)\b[^>]*?(\/?)>/i.exec(text);
  if (!open) return text;
  const name = open[1] ?? 'rss';
  const afterOpen = open.index + open[0].length;
  if (open[2] === '/') return `${text.slice(0, open.index)}<${name}${open[0].slice(name.length + 1, -2)}><channel></channel></${name}>${text.slice(afterOpen)}`;
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

// Start and end tags, roughly (enough to bound the nesting depth without parsing), and the openers
// of the sections whose text is not markup.
const TAG_SHAPE = /<!\[CDATA\[|<!--|<(\/?)[A-Za-z_][^<>]*?(\/?)>/g;

/**
 * Whether elements nest deeper than `max` levels somewhere: one linear pass over tag shapes, where an
 * unclosed tag counts as open and CDATA sections and comments are skipped (HTML in a description's
 * CDATA, `<br>` and all, is text). An unterminated CDATA section or comment ends the scan: to every
 * parser the rest is text. Costs about 1 % of a parse. Deeper documents are refused before any
 * parser sees them: the XML parser overflows its stack at about 5,000 levels after reading the whole
 * document, once per salvage step, and htmlparser2 (`reserialiseXml`) keeps its open elements in an
 * array it shifts and unshifts, so its time grows with the square of the depth (80,000 levels took
 * 7 s of parsing in all, 1,000,000 took 43 s; a 15 MiB body holds 3 million). No feed nests that deep.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  const tags = new RegExp(TAG_SHAPE.source, 'g');
  let depth = 0;
  for (let m = tags.exec(text); m !== null; m = tags.exec(text)) {
    if (m[0] === '<![CDATA[' || m[0] === '<!--') {
      const closer = m[0] === '<!--' ? '-->' : ']]>';
      const end = text.indexOf(closer, tags.lastIndex);
      if (end === -1) return false;
      tags.lastIndex = end + closer.length;
    } else if (m[1] === '/') depth = Math.max(0, depth - 1);
    else if (m[2] !== '/' && ++depth > max) return true;
  }
  return false;
}

export function reserialiseXml(text: string): string {
  return load(text, { xml: { xmlMode: true, decodeEntities: false } }).xml();
}
