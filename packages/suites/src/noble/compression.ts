/**
 * Pure certificate compression for RFC 8879 on fflate: zlib (RFC 1950) both ways. Brotli and zstd
 * are not offered here: no small, well-kept pure decoder exists (the `brotli` package's dictionary
 * alone would double a browser bundle); the node provider has both through node:zlib.
 *
 * Bombs (RFC 8879 §5): the stream is inflated in small steps and abandoned as soon as it produces
 * more than the caller's maximum, so neither memory nor time grows with the announced size. fflate
 * does not check the zlib trailer, so the Adler-32 of the output is checked here (RFC 1950 §2.2).
 * @module
 */
import { Unzlib, zlibSync } from 'fflate';
import { type CertificateCompressionAlgorithm, type CertificateCompressor, CryptoError } from '../provider.js';

/** Input bytes handed to the inflater per step: bounds the overshoot past the maximum. */
const STEP = 1024;

/** RFC 1950 §8.2 Adler-32. */
function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; ) {
    // 5552 is the largest run whose sums cannot overflow 2^32 before the modulo (RFC 1950 §8.2 note).
    const end = Math.min(i + 5552, data.length);
    for (; i < end; i++) {
      a += data[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function only(algorithm: CertificateCompressionAlgorithm): void {
  if (algorithm !== 'zlib') throw new CryptoError(`${algorithm} certificate compression is not available here`);
}

function inflate(data: Uint8Array, maxLength: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  const inflater = new Unzlib((chunk, final) => {
    size += chunk.length;
    if (size > maxLength) throw new CryptoError(`decompressed certificate exceeds ${maxLength} bytes`);
    chunks.push(chunk);
    if (final) ended = true;
  });
  try {
    for (let at = 0; at < data.length; at += STEP) {
      inflater.push(data.subarray(at, at + STEP), at + STEP >= data.length);
    }
  } catch (cause) {
    if (cause instanceof CryptoError) throw cause;
    throw new CryptoError('corrupt zlib stream', { cause });
  }
  if (!ended) throw new CryptoError('truncated zlib stream');
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  const t = data.subarray(data.length - 4);
  const trailer =
    (((t[0] as number) << 24) | ((t[1] as number) << 16) | ((t[2] as number) << 8) | (t[3] as number)) >>> 0;
  if (t.length !== 4 || trailer !== adler32(out)) throw new CryptoError('zlib stream fails its Adler-32 check');
  return out;
}

/**
 * zlib certificate compression on fflate, synchronous.
 *
 * @example
 * const packed = fflateCompressor.compress('zlib', certificateBody);
 * fflateCompressor.decompress('zlib', packed, 65536); // the body again
 */
export const fflateCompressor: CertificateCompressor = {
  decompresses: ['zlib'],
  compresses: ['zlib'],
  compress(algorithm, data) {
    only(algorithm);
    return zlibSync(data, { level: 9 });
  },
  decompress(algorithm, data, maxLength) {
    only(algorithm);
    return inflate(data, maxLength);
  },
};
