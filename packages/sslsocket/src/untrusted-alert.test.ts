import { generateSelfSigned } from '@sslsocket/pkix';
import { memoryPair } from '@sslsocket/transport';
import { describe, expect, it } from 'vitest';
import { connect, handshake } from './index.js';

describe('the alert for a certificate no trust anchor vouches for', () => {
  // RFC 8446 §6.2: unknown_ca — "could not be matched with a known trust anchor"; OpenSSL sends it
  // for an untrusted self-signed certificate (X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT) too.
  it.each(['tlsv1.3', 'tlsv1.2'] as const)(
    '%s: an untrusted self-signed server gets unknown_ca, said once',
    async (version) => {
      const self = await generateSelfSigned({ altNames: ['localhost'] });
      const other = await generateSelfSigned({ altNames: ['localhost'] });
      const [clientEnd, serverEnd] = memoryPair();
      const server = handshake(serverEnd, { cert: self.certificatePem, key: self.keyPem, versions: [version] });
      const client = connect(clientEnd, { host: 'localhost', cacerts: [other.certificatePem], versions: [version] });
      const failure = await client.then(
        () => undefined,
        (error: unknown) => error as { description?: string; message?: string },
      );
      expect(failure?.description).toBe('unknown_ca');
      expect(failure?.message).not.toMatch(/unknown_ca: unknown_ca/);
      await expect(server).rejects.toMatchObject({ description: 'unknown_ca', sentByUs: false });
    },
  );
});
