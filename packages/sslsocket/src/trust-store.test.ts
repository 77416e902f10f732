import { rootCertificates } from 'node:tls';
import { generateSelfSigned } from '@sslsocket/pkix';
import { memoryPair } from '@sslsocket/transport';
import { describe, expect, it } from 'vitest';
import { connect, defaultRoots, handshake, validateClientOptions, validateServerOptions } from './index.js';
import { rootsFor } from './trust-store.js';

describe('the default trust store', () => {
  it("is node's bundled roots, decoded once", () => {
    expect(defaultRoots().length).toBe(rootCertificates.length);
    expect(defaultRoots()).toBe(defaultRoots());
  });

  it('verify_peer without cacerts is accepted: the runtime has roots', () => {
    expect(() => validateClientOptions({})).not.toThrow();
  });

  it('a client without cacerts verifies against it: a self-signed server is refused, quickly', async () => {
    const self = await generateSelfSigned();
    const [clientEnd, serverEnd] = memoryPair();
    const server = handshake(serverEnd, { cert: self.certificatePem, key: self.keyPem });
    server.catch(() => undefined);
    const started = Date.now();
    await expect(connect(clientEnd, { host: 'localhost' })).rejects.toMatchObject({
      name: 'TlsAlert',
      cause: expect.objectContaining({ reason: 'selfsigned_peer' }),
    });
    // Path validation sees only the candidate roots, not all of them (parsing every root took seconds).
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('rootsFor keeps exactly the roots whose subject names a certificate of the chain', () => {
    const roots = defaultRoots();
    const root = roots[7] as Uint8Array;
    const candidates = rootsFor([root], roots);
    expect(candidates).toContain(root);
    expect(candidates.length).toBeLessThan(4);
    const self = rootsFor([roots[0] as Uint8Array], roots.slice(1, 20));
    expect(self.every((r) => r !== roots[0])).toBe(true);
  });
});

describe('node:tls option names', () => {
  it.each([
    ['client', 'ca', /node:tls's ca is cacerts here/],
    ['client', 'rejectUnauthorized', /is verify \('verify_none' for rejectUnauthorized: false\)/],
    ['client', 'ALPNProtocols', /is alpnAdvertisedProtocols here/],
    ['server', 'ALPNProtocols', /is alpnPreferredProtocols here/],
    ['server', 'requestCert', /is verify: 'verify_peer' here/],
  ])('%s option %s names its sslsocket counterpart', (side, name, message) => {
    const check = side === 'client' ? validateClientOptions : validateServerOptions;
    expect(() => check({ [name]: true } as never)).toThrow(message);
  });
});
