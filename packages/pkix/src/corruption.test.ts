import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CertificateError, decodePem, verifyChain } from './index.js';

// Issue #14: any single-byte corruption of any certificate the peer sends in a valid path ends in a
// typed CertificateError, never in success and never in another exception.
const corpus = new URL('../../../test-vectors/pkix/', import.meta.url);
const cert = (name: string): Uint8Array =>
  decodePem(readFileSync(new URL(`certs/${name}.pem`, corpus), 'utf8'))[0]?.der as Uint8Array;
const time = new Date(Date.UTC(2026, 6, 1));

/** Valid paths: a leaf and the intermediates it is sent with, and the root that anchors them. */
const PATHS = [
  { chain: ['leaf', 'inter'], root: 'root', hostname: 'good.test' },
  { chain: ['leaf-deep', 'inter2', 'inter'], root: 'root', hostname: 'deep.test' },
  { chain: ['rsa-leaf', 'rsa-inter'], root: 'rsa-root', hostname: 'rsa.test' },
  { chain: ['nc-dns-ok', 'nc-dns'], root: 'root', hostname: 'www.allowed.test' },
];

describe('single-byte corruption of a certificate in a valid path', () => {
  it('the uncorrupted paths validate', async () => {
    for (const path of PATHS) {
      const chain = path.chain.map(cert);
      await expect(
        verifyChain(chain, { roots: [cert(path.root)], time, hostname: path.hostname, purpose: 'sslserver' }),
      ).resolves.toBeDefined();
    }
  });

  it('always ends in a CertificateError', async () => {
    const paths = PATHS.map((path) => ({ ...path, ders: path.chain.map(cert) }));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: paths.length - 1 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (which, certIndex, byteIndex, xor) => {
          const path = paths[which] as (typeof paths)[number];
          const target = certIndex % path.ders.length;
          const chain = path.ders.map((der, i) => {
            if (i !== target) return der;
            const copy = der.slice();
            const at = byteIndex % copy.length;
            copy[at] = (copy[at] as number) ^ xor;
            return copy;
          });
          const outcome = await verifyChain(chain, {
            roots: [cert(path.root)],
            time,
            hostname: path.hostname,
            purpose: 'sslserver',
          }).then(
            () => 'accepted',
            (error: unknown) => error,
          );
          expect(outcome).toBeInstanceOf(CertificateError);
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);
});
