/**
 * MinHash signatures for near-duplicate detection across outlets.
 *
 * A document is the set of its word 3-shingles (over analysed tokens, so Cyrillic and Latin
 * spellings of one text agree). The signature keeps, for each of `SIGNATURE_SIZE` hash functions,
 * the minimum hash over the set; the share of equal positions between two signatures estimates
 * the Jaccard similarity of the two shingle sets. Hash function i is `fmix32(h ^ SEED[i])`, a
 * bijection of 32-bit values, applied to the FNV-1a hash of the shingle.
 *
 * For lookup the signature is cut into `BANDS` bands of `ROWS` values (locality-sensitive
 * hashing): two documents that share any band become candidates. With 16 x 4 the chance to become
 * candidates is 1 - (1 - J^4)^16: 0.5 at J = 0.5, 0.96 at J = 0.7, 0.004 at J = 0.2.
 *
 * Documents shorter than the shingle width use single tokens; an empty document has no signature.
 */

export const SIGNATURE_SIZE = 64;
export const BANDS = 16;
export const ROWS = SIGNATURE_SIZE / BANDS;
const SHINGLE = 3;

const SEEDS: Uint32Array = (() => {
  const seeds = new Uint32Array(SIGNATURE_SIZE);
  let x = 0x9e3779b9;
  for (let i = 0; i < SIGNATURE_SIZE; i++) {
    x = fmix32(x + 0x6d2b79f5);
    seeds[i] = x;
  }
  return seeds;
})();

function fmix32(h0: number): number {
  let h = h0 >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The shingle hashes of a token sequence. */
export function shingleHashes(tokens: readonly string[]): Set<number> {
  const out = new Set<number>();
  if (tokens.length === 0) return out;
  if (tokens.length < SHINGLE) {
    for (const t of tokens) out.add(fnv1a(t));
    return out;
  }
  for (let i = 0; i + SHINGLE <= tokens.length; i++) out.add(fnv1a(tokens.slice(i, i + SHINGLE).join(' ')));
  return out;
}

export function minhashSignature(tokens: readonly string[]): Uint32Array | undefined {
  const shingles = shingleHashes(tokens);
  if (shingles.size === 0) return undefined;
  const sig = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  for (const s of shingles) {
    for (let i = 0; i < SIGNATURE_SIZE; i++) {
      const h = fmix32(s ^ (SEEDS[i] ?? 0));
      if (h < (sig[i] ?? 0)) sig[i] = h;
    }
  }
  return sig;
}

/** Estimated Jaccard similarity: the share of positions where the signatures agree. */
export function estimateSimilarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < SIGNATURE_SIZE; i++) if (a[i] === b[i]) same++;
  return same / SIGNATURE_SIZE;
}

/** One bucket id per band: the band's rows hashed to a short hex string. */
export function bandBuckets(sig: Uint32Array): string[] {
  const out: string[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h = 0x811c9dc5 ^ b;
    for (let r = 0; r < ROWS; r++) h = fmix32(h ^ (sig[b * ROWS + r] ?? 0));
    out.push(h.toString(16).padStart(8, '0'));
  }
  return out;
}

export function encodeSignature(sig: Uint32Array): string {
  const buf = Buffer.alloc(SIGNATURE_SIZE * 4);
  for (let i = 0; i < SIGNATURE_SIZE; i++) buf.writeUInt32LE(sig[i] ?? 0, i * 4);
  return buf.toString('base64');
}

export function decodeSignature(text: string): Uint32Array | undefined {
  const buf = Buffer.from(text, 'base64');
  if (buf.length !== SIGNATURE_SIZE * 4) return undefined;
  const out = new Uint32Array(SIGNATURE_SIZE);
  for (let i = 0; i < SIGNATURE_SIZE; i++) out[i] = buf.readUInt32LE(i * 4);
  return out;
}
