// RFC 8879 compressors: node:zlib (zlib, brotli) and the pure fflate one (zlib) agree byte for byte
// on what they decompress, stop a bomb at the caller's maximum, and reject corrupt streams.
import { CryptoError, isPromiseLike, type MaybePromise, nobleProvider, webcryptoProvider } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import { nodeCompressor } from './compression.js';

const noble = nobleProvider.certificateCompression;
function sync<T>(value: MaybePromise<T>): T {
  if (isPromiseLike(value)) throw new Error('expected a synchronous result');
  return value;
}
/** Something certificate-like: repetitive DER-ish bytes with some noise. */
const body = Uint8Array.from({ length: 3000 }, (_, i) => (i % 97 < 60 ? i % 13 : (i * 7919) & 255));

describe('certificate compressors', () => {
  it('the providers announce what they do: node zlib+brotli, noble (and webcrypto) zlib', () => {
    expect([nodeCompressor.compresses, nodeCompressor.decompresses]).toEqual([
      ['zlib', 'brotli'],
      ['zlib', 'brotli'],
    ]);
    expect([noble?.compresses, noble?.decompresses]).toEqual([['zlib'], ['zlib']]);
    expect(webcryptoProvider.certificateCompression).toBe(noble);
  });

  it('zlib round-trips across node and fflate both ways; brotli round-trips on node', () => {
    const byNode = sync(nodeCompressor.compress('zlib', body));
    const byNoble = sync(noble?.compress('zlib', body) as MaybePromise<Uint8Array>);
    expect(byNode.length).toBeLessThan(body.length);
    expect(sync(noble?.decompress('zlib', byNode, body.length) as Uint8Array)).toEqual(body);
    expect(sync(nodeCompressor.decompress('zlib', byNoble, body.length))).toEqual(body);
    const brotli = sync(nodeCompressor.compress('brotli', body));
    expect(sync(nodeCompressor.decompress('brotli', brotli, body.length))).toEqual(body);
  });

  it('a stream longer than the maximum is a CryptoError, on both', () => {
    const zeros = new Uint8Array(1_000_000);
    for (const c of [nodeCompressor, noble]) {
      const packed = sync(c?.compress('zlib', zeros) as Uint8Array);
      expect(() => c?.decompress('zlib', packed, 4096)).toThrow(/exceeds 4096/);
    }
    const brotli = sync(nodeCompressor.compress('brotli', zeros));
    expect(() => nodeCompressor.decompress('brotli', brotli, 4096)).toThrow(CryptoError);
  });

  it('corrupt streams, a wrong Adler-32 and unavailable algorithms are CryptoErrors', () => {
    const packed = sync(nodeCompressor.compress('zlib', body));
    const badSum = packed.slice();
    badSum[badSum.length - 1] = (badSum[badSum.length - 1] as number) ^ 1;
    for (const c of [nodeCompressor, noble]) {
      expect(() => c?.decompress('zlib', badSum, 10_000)).toThrow(CryptoError);
      expect(() => c?.decompress('zlib', packed.subarray(0, 20), 10_000)).toThrow(CryptoError);
      expect(() => c?.decompress('zstd', packed, 10_000)).toThrow(CryptoError);
    }
    expect(() => noble?.decompress('brotli', packed, 10_000)).toThrow(/not available/);
    expect(() => nodeCompressor.decompress('brotli', Uint8Array.of(1, 2, 3, 4), 10_000)).toThrow(CryptoError);
  });
});
