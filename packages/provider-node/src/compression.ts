/**
 * RFC 8879 certificate compression on node:zlib: zlib (RFC 1950) and brotli (RFC 7932), both ways,
 * synchronous. `maxOutputLength` makes node stop inflating as soon as the output would pass the
 * caller's maximum (a decompression bomb, RFC 8879 §5), so memory never follows the stream. zstd is
 * left out: node 20 has no zstd in node:zlib.
 * @module
 */
import * as zlib from 'node:zlib';
import { type CertificateCompressionAlgorithm, type CertificateCompressor, CryptoError } from '@sslsocket/suites';
import { toU8 } from './bytes.js';

function supported(algorithm: CertificateCompressionAlgorithm): 'zlib' | 'brotli' {
  if (algorithm === 'zlib' || algorithm === 'brotli') return algorithm;
  throw new CryptoError(`${algorithm} certificate compression is not available in node:zlib`);
}

/**
 * zlib and brotli certificate compression on node:zlib.
 *
 * @example
 * const packed = nodeCompressor.compress('brotli', certificateBody);
 * nodeCompressor.decompress('brotli', packed, 65536); // the body again
 */
export const nodeCompressor: CertificateCompressor = {
  decompresses: ['zlib', 'brotli'],
  compresses: ['zlib', 'brotli'],
  compress(algorithm, data) {
    if (supported(algorithm) === 'zlib') return toU8(zlib.deflateSync(data, { level: 9 }));
    return toU8(
      zlib.brotliCompressSync(data, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        },
      }),
    );
  },
  decompress(algorithm, data, maxLength) {
    const which = supported(algorithm);
    // maxOutputLength must be at least 1; a zero maximum is met by any empty stream anyway.
    const options = { maxOutputLength: Math.max(1, maxLength) };
    try {
      return toU8(which === 'zlib' ? zlib.inflateSync(data, options) : zlib.brotliDecompressSync(data, options));
    } catch (cause) {
      if (cause instanceof RangeError) {
        throw new CryptoError(`decompressed certificate exceeds ${maxLength} bytes`, { cause });
      }
      throw new CryptoError(`corrupt ${which} stream`, { cause });
    }
  },
};
