/**
 * Deterministic feed fuzzing for the fuzz scenario (8): seed documents mutated by a seeded PRNG.
 *
 * Seeds are the repository's feed and page fixtures plus, when the directory exists, the feedparser
 * edge-case corpus (`FEEDPARSER_CORPUS`, read only: nothing is copied into the repository). The
 * n-th mutant of a run is a pure function of (seed, n): `mutant(seeds, seed, n)` applies one to
 * three mutations chosen by the PRNG, so a failing input is reproduced from the two numbers the
 * scenario prints. Mutations: byte flips, truncation, duplication of an element (up to a few
 * hundred copies), an entity bomb in a DOCTYPE plus odd character references, deep nesting (XML
 * elements or JSON arrays, up to 50,000 levels by default), huge and numerous attributes, a changed or
 * contradictory encoding (declaration, BOM, UTF-16/32 transcoding), splicing two seeds, junk
 * (controls, NULs, stray CDATA and comment openers, a second XML declaration), and JSON value
 * swaps. Each mutant is cut at a size the caller chooses (4 MB by default).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../../../bench/match-corpus.js';

export const FEEDPARSER_CORPUS = '/work/shared/corpus/feedparser';
const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');

export interface SeedDoc {
  readonly name: string;
  readonly bytes: Buffer;
}

export interface Mutant {
  readonly bytes: Buffer;
  /** The mutations applied, in order (for the report of a failing input). */
  readonly steps: readonly string[];
  readonly seedName: string;
}

/** A small, fast, seedable PRNG (mulberry32, shared with the matcher benchmark's data). */
export const prng = seededRandom;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** The fixtures' feeds and pages, and the feedparser corpus when present. */
export function loadSeeds(): { seeds: SeedDoc[]; fromCorpus: number } {
  const fixtures = [...filesUnder(path.join(FIXTURES, 'feeds')), ...filesUnder(path.join(FIXTURES, 'pages'))];
  const corpus = existsSync(FEEDPARSER_CORPUS) ? filesUnder(FEEDPARSER_CORPUS).filter((f) => /\.(xml|json)$/.test(f)) : [];
  const seeds = [...fixtures, ...corpus].map((f) => ({ name: path.relative(f.startsWith(FEEDPARSER_CORPUS) ? FEEDPARSER_CORPUS : FIXTURES, f), bytes: readFileSync(f) }));
  return { seeds, fromCorpus: corpus.length };
}

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const at = (r: Rand, b: Buffer): number => (b.length === 0 ? 0 : Math.floor(r() * b.length));
const insert = (b: Buffer, pos: number, what: Buffer | string): Buffer => Buffer.concat([b.subarray(0, pos), Buffer.from(what), b.subarray(pos)]);

/** A position just after a `>` (so insertions land between elements), or anywhere. */
function tagGap(r: Rand, b: Buffer): number {
  const p = at(r, b);
  const gt = b.indexOf(0x3e, p);
  return gt < 0 ? p : gt + 1;
}

export interface MutantOptions {
  /** Cut every mutant at this size (default 4 MB). */
  readonly maxBytes?: number;
  /** Deepest nesting the `nest` mutation writes (default 50,000). */
  readonly maxDepth?: number;
}

type Mutation = (r: Rand, b: Buffer, seeds: readonly SeedDoc[], o: Required<MutantOptions>) => Buffer;

const flipBytes: Mutation = (r, b) => {
  const out = Buffer.from(b);
  for (let k = int(r, 1, 16); k > 0 && out.length > 0; k--) out[at(r, out)] = int(r, 0, 255);
  return out;
};

const truncate: Mutation = (r, b) => b.subarray(0, at(r, b));

const duplicateElement: Mutation = (r, b) => {
  const s = b.toString('latin1');
  const names = ['item', 'entry', 'title', 'link', 'description', 'content', 'channel', 'div', 'p', 'a'];
  const name = pick(r, names);
  const start = s.indexOf(`<${name}`, at(r, b) % Math.max(1, s.length / 2));
  const from = start >= 0 ? start : s.indexOf(`<${name}`);
  if (from < 0) return b;
  const end = s.indexOf(`</${name}>`, from);
  const seg = end < 0 ? s.slice(from, from + 2000) : s.slice(from, end + name.length + 3);
  const copies = int(r, 2, 200);
  return Buffer.from(s.slice(0, from) + seg.repeat(copies) + s.slice(from), 'latin1');
};

const entityBomb: Mutation = (r, b) => {
  const levels = ['<!ENTITY lol "lol">'];
  for (let i = 1; i <= 9; i++) levels.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  const doctype = `<!DOCTYPE rss [${levels.join('')}<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`;
  const refs = pick(r, ['&lol9;', '&xxe;', '&#0;', '&#x110000;', '&#xD800;', '&#99999999999;', '&amp;amp;amp;amp;lt;', '&nbsp;&copy;&bogus;&', '&#x26;#x26;#x3c;script&#x3e;']).repeat(int(r, 1, 2000));
  let s = b.toString('latin1');
  const decl = s.indexOf('?>');
  s = decl >= 0 && decl < 200 ? `${s.slice(0, decl + 2)}${doctype}${s.slice(decl + 2)}` : `${doctype}${s}`;
  const out = Buffer.from(s, 'latin1');
  return insert(out, tagGap(r, out), refs);
};

const deepNesting: Mutation = (r, b, _seeds, o) => {
  const depth = int(r, 100, o.maxDepth);
  if (b[0] === 0x7b || b[0] === 0x5b) {
    const pos = at(r, b);
    return insert(b, pos, `${'['.repeat(depth)}${r() < 0.5 ? ']'.repeat(depth) : ''}`);
  }
  const tag = pick(r, ['div', 'a', 'item', 'b', 'x:y', 'title']);
  const closed = r() < 0.5;
  return insert(b, tagGap(r, b), `${`<${tag}>`.repeat(depth)}deep${closed ? `</${tag}>`.repeat(depth) : ''}`);
};

const hugeAttributes: Mutation = (r, b) => {
  const s = b.toString('latin1');
  const lt = s.indexOf('<', at(r, b));
  const pos = lt >= 0 && /[a-zA-Z]/.test(s[lt + 1] ?? '') ? s.indexOf(' ', lt) : -1;
  const attrs =
    r() < 0.5
      ? ` href="${'j'.repeat(int(r, 1000, 1_000_000))}"`
      : Array.from({ length: int(r, 100, 5000) }, (_, k) => ` a${k}="${k}"`).join('') + (r() < 0.3 ? ' a0="dup"' : '');
  return pos > 0 ? insert(b, pos, attrs) : insert(b, 0, `<x${attrs}/>`);
};

const BOMS = [Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff]), Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from([0, 0, 0xfe, 0xff])];
const ENCODINGS = ['utf-8', 'UTF-16', 'utf-16le', 'utf-32', 'koi8-r', 'windows-1251', 'iso-8859-1', 'shift_jis', 'big5', 'gb18030', 'x-bogus', 'utf-7', '', 'ebcdic-cp-us'];

const encoding: Mutation = (r, b) => {
  const s = b.toString('latin1');
  switch (int(r, 0, 3)) {
    case 0: {
      const enc = pick(r, ENCODINGS);
      return Buffer.from(/encoding=["'][^"']*["']/.test(s) ? s.replace(/encoding=["'][^"']*["']/, `encoding="${enc}"`) : `<?xml version="1.0" encoding="${enc}"?>${s}`, 'latin1');
    }
    case 1:
      return Buffer.concat([pick(r, BOMS), b]);
    case 2: {
      // transcode to UTF-16LE, with or without a BOM, the declaration left as it was
      const u16 = Buffer.from(b.toString('utf8'), 'utf16le');
      return r() < 0.5 ? Buffer.concat([Buffer.from([0xff, 0xfe]), u16]) : u16;
    }
    default: {
      // UTF-32BE by hand, the zero-byte pattern and no BOM
      const text = b.toString('utf8').slice(0, 200_000);
      const out = Buffer.alloc([...text].length * 4);
      let k = 0;
      for (const ch of text) out.writeUInt32BE(ch.codePointAt(0) ?? 0x3f, 4 * k++);
      return out;
    }
  }
};

const splice: Mutation = (r, b, seeds) => {
  const other = pick(r, seeds).bytes;
  return Buffer.concat([b.subarray(0, at(r, b)), other.subarray(at(r, other))]);
};

const JUNK = ['\u0000', '\u0001\u0002\u0003', '\u001b[2J', ']]>', '<![CDATA[', '<!--', '<?xml version="1.0"?>', '</channel>', '</rss></rss>', '<', '&', '\uffff\ufffe', '\ud800', '\r\n\r\n', 'javascript:alert(1)', '<script>alert(1)</script>'];

const junk: Mutation = (r, b) => {
  let out = b;
  for (let k = int(r, 1, 20); k > 0; k--) out = insert(out, at(r, out), pick(r, JUNK).repeat(int(r, 1, 50)));
  return out;
};

const jsonSwap: Mutation = (r, b) => {
  const s = b.toString('utf8');
  const swaps: [RegExp, string][] = [
    [/"items"\s*:\s*\[/, `"items": ${pick(r, ['{', '"x", [', 'null, "z": [', '[[['])}`],
    [/"title"\s*:\s*"/, `"title": ${pick(r, ['123, "t": "', '["a", {"b": 1}], "t": "', 'null, "t": "', 'true, "t": "', '1e999, "t": "'])}`],
    [/"url"\s*:\s*"/, `"url": ${pick(r, ['{"x": 1}, "u": "', '"javascript:alert(1)", "u": "', '"\\u0000", "u": "'])}`],
    [/"version"\s*:\s*"[^"]*"/, `"version": ${pick(r, ['1', 'null', '"https://jsonfeed.org/version/9"'])}`],
  ];
  const [re, by] = pick(r, swaps);
  return Buffer.from(re.test(s) ? s.replace(re, by) : `{"version":"https://jsonfeed.org/version/1.1","items":${s}}`, 'utf8');
};

const MUTATIONS: readonly [string, Mutation][] = [
  ['flip', flipBytes],
  ['truncate', truncate],
  ['duplicate', duplicateElement],
  ['entities', entityBomb],
  ['nest', deepNesting],
  ['attributes', hugeAttributes],
  ['encoding', encoding],
  ['splice', splice],
  ['junk', junk],
  ['json', jsonSwap],
];

export const MUTATION_NAMES = MUTATIONS.map(([n]) => n);

/** The n-th mutant of the run with this seed. */
export function mutant(seeds: readonly SeedDoc[], seed: number, n: number, opts: MutantOptions = {}): Mutant {
  const o = { maxBytes: opts.maxBytes ?? 4 * 1024 * 1024, maxDepth: opts.maxDepth ?? 50_000 };
  const r = prng((seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
  const base = pick(r, seeds);
  let bytes = base.bytes;
  const steps: string[] = [];
  for (let k = int(r, 1, 3); k > 0; k--) {
    const [name, m] = pick(r, MUTATIONS);
    bytes = m(r, bytes, seeds, o);
    if (bytes.length > o.maxBytes) bytes = bytes.subarray(0, o.maxBytes);
    steps.push(name);
  }
  return { bytes, steps, seedName: base.name };
}
