/**
 * Reads a response body into one Buffer, decoding `Content-Encoding` (gzip, x-gzip, deflate, br;
 * stacked encodings are undone in reverse) and stopping as soon as the *decoded* size passes the cap,
 * so a decompression bomb costs at most `cap` bytes of memory. The caller's abort signal (the overall
 * deadline) ends a slow drip. An unknown encoding is refused rather than handed on as garbage.
 * Failures: `FetchError` `too-large`; stream errors propagate for `toFetchError` to classify.
 */
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { FetchError } from '../../errors.js';

function decoderFor(encoding: string): Transform | null | undefined {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    case 'identity':
    case '':
      return null;
    default:
      return undefined;
  }
}

export async function readBody(body: Readable, contentEncoding: string | undefined, cap: number, signal: AbortSignal): Promise<Buffer> {
  const encodings = (contentEncoding ?? '')
    .toLowerCase()
    .split(',')
    .map((s) => s.trim())
    .reverse();
  const decoders: Transform[] = [];
  for (const enc of encodings) {
    const d = decoderFor(enc);
    if (d === undefined) {
      body.on('error', () => undefined);
      body.destroy();
      throw new FetchError('http-status', `unsupported Content-Encoding ${JSON.stringify(enc)}`);
    }
    if (d) decoders.push(d);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  let tooLarge: FetchError | undefined;
  const collect = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      total += chunk.length;
      if (total > cap) {
        tooLarge = new FetchError('too-large', `body larger than ${cap} bytes (after decoding; maxBodyBytes)`);
        throw tooLarge;
      }
      chunks.push(chunk);
    }
  };
  try {
    await (pipeline as (...args: unknown[]) => Promise<void>)(body, ...decoders, collect, { signal });
  } catch (e) {
    // pipeline may report its own AbortError instead of the error the consumer threw.
    throw tooLarge ?? e;
  }
  return Buffer.concat(chunks, total);
}
