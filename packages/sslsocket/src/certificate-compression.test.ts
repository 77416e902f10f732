// `certificateCompression` through connect()/listen(): the option reaches the engine on both sides
// and the certificates really go through the provider's compressor (counted by a wrapping provider);
// a bad value is a readable option error. Interop with tlslite-ng: interop/tlslite.mjs.
import { generateCaChain } from '@sslsocket/pkix';
import { nodeProvider } from '@sslsocket/provider-node';
import type { CertificateCompressionAlgorithm, CertificateCompressor, CryptoProvider } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import { connect, listen } from './index.js';

/** nodeProvider whose compressor records what it did. */
function counting(log: string[]): CryptoProvider {
  const inner = nodeProvider.certificateCompression as CertificateCompressor;
  return {
    ...nodeProvider,
    certificateCompression: {
      ...inner,
      compress: (a: CertificateCompressionAlgorithm, data: Uint8Array) => {
        log.push(`compress ${a}`);
        return inner.compress(a, data);
      },
      decompress: (a: CertificateCompressionAlgorithm, data: Uint8Array, max: number) => {
        log.push(`decompress ${a}`);
        return inner.decompress(a, data, max);
      },
    },
  };
}

describe('certificateCompression option', () => {
  it.each([
    [['zlib', 'brotli'], ['brotli', 'zlib'], 'zlib'],
    [['brotli'], ['zlib', 'brotli'], 'brotli'],
  ] as const)('server %j, client %j: the server compresses with %s', async (ours, theirs, used) => {
    const { ca, leaf } = await generateCaChain();
    const serverLog: string[] = [];
    const clientLog: string[] = [];
    const server = await listen(0, {
      host: '127.0.0.1',
      cert: leaf.certificatePem,
      key: leaf.keyPem,
      provider: counting(serverLog),
      certificateCompression: ours,
      versions: ['tlsv1.3'],
    });
    const serving = (async () => {
      const socket = await server.accept();
      await socket.send('compressed');
      await socket.close({ timeoutMs: 500 });
    })();
    const client = await connect('127.0.0.1', server.address.port, {
      cacerts: [ca.certificatePem],
      serverNameIndication: 'localhost',
      provider: counting(clientLog),
      certificateCompression: theirs,
      reuseSessions: false,
    });
    expect(new TextDecoder().decode(await client.recv(10, 5000))).toBe('compressed');
    await client.close({ timeoutMs: 500 });
    await serving;
    await server.close();
    // The server goes by its own order among what the client offered (RFC 8879 §3 leaves it the choice).
    expect(serverLog).toEqual([`compress ${used}`]);
    expect(clientLog).toEqual([`decompress ${used}`]);
  });

  it('an unknown algorithm is an option error naming the allowed ones', async () => {
    await expect(
      connect('127.0.0.1', 9, { certificateCompression: ['gzip' as 'zlib'], verify: 'verify_none' }),
    ).rejects.toThrow(/certificateCompression.*'zlib', 'brotli', 'zstd'/);
  });
});
