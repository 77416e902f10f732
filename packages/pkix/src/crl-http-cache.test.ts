// HttpCrlCache: CRLs downloaded from cRLDistributionPoints over a local node:http server, for a CA
// made with `openssl ca` at test time (interop/crl-pki.mjs); the bounds and the crl_check modes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrlPki, deadPort, type FileServer, makeCrlPki, serveFiles } from '../../../interop/crl-pki.mjs';
import {
  CertificateError,
  type CrlCheckMode,
  crlDistributionPointUris,
  decodePem,
  HttpCrlCache,
  parseCertificate,
  verifyChain,
} from './index.js';

const hasOpenssl = (() => {
  try {
    return execFileSync('openssl', ['version'], { encoding: 'utf8' }).startsWith('OpenSSL 3');
  } catch {
    return false;
  }
})();

describe.runIf(hasOpenssl)('HttpCrlCache (CRLs from distribution points)', () => {
  let http: FileServer;
  let pki: CrlPki;
  let refused: string;
  const der = (name: string): Uint8Array =>
    decodePem(readFileSync(pki.path(`${name}.pem`), 'utf8'))[0]?.der as Uint8Array;
  const verify = (leaf: string, crlCheck: CrlCheckMode, crlCache: HttpCrlCache) =>
    verifyChain([der(leaf)], { roots: [der('ca')], crlCheck, crlCache });
  const reason = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: unknown) => (e instanceof CertificateError ? e.reason : `unexpected ${String(e)}`),
    );

  beforeAll(async () => {
    http = await serveFiles();
    refused = `http://127.0.0.1:${await deadPort()}/ca.crl`;
    pki = await makeCrlPki(
      {
        good: http.url('/ca.crl'),
        revoked: http.url('/ca.crl'),
        refused,
        missing: http.url('/missing.crl'),
        slow: http.url('/slow.crl'),
        big: http.url('/big.crl'),
        garbage: http.url('/garbage.crl'),
      },
      ['revoked'],
    );
    http.files.set('/ca.crl', pki.crl);
    http.files.set('/big.crl', new Uint8Array(4096));
    http.files.set('/garbage.crl', new TextEncoder().encode('not a CRL'));
    http.hold.add('/slow.crl');
  });
  afterAll(async () => {
    pki?.remove();
    await http?.close();
  });

  it('reads the http URIs of cRLDistributionPoints', () => {
    expect(crlDistributionPointUris(parseCertificate(der('good')))).toEqual([http.url('/ca.crl')]);
    expect(crlDistributionPointUris(parseCertificate(der('ca')))).toEqual([]);
  });

  it('downloads the CRL once and keeps it until nextUpdate', async () => {
    let now = Date.now();
    const cache = new HttpCrlCache({ clock: { now: () => now } });
    const before = http.hits.get('/ca.crl') ?? 0;
    expect(await reason(verify('good', true, cache))).toBe('ok');
    expect(await reason(verify('revoked', true, cache))).toBe('cert_revoked');
    expect(await reason(verify('good', 'peer', cache))).toBe('ok');
    expect(http.hits.get('/ca.crl')).toBe(before + 1);
    expect(cache.size).toBe(1);
    // Past nextUpdate (openssl ca -gencrl: 7 days) the cached copy is dropped and fetched again.
    now += 8 * 86_400_000;
    expect(cache.lookup(parseCertificate(der('ca')).subjectDer)).toEqual([]);
    await reason(verify('good', true, cache));
    expect(http.hits.get('/ca.crl')).toBe(before + 2);
  });

  it('judges a failed download by the crl_check mode', async () => {
    const cache = new HttpCrlCache({ timeout: 300, maxSize: 1024 });
    for (const leaf of ['refused', 'missing', 'slow', 'big', 'garbage']) {
      expect(await reason(verify(leaf, true, cache)), leaf).toBe('unable_to_get_crl');
      expect(await reason(verify(leaf, 'peer', cache)), leaf).toBe('unable_to_get_crl');
      // Erlang best_effort: an undetermined status is accepted.
      expect(await reason(verify(leaf, 'best_effort', cache)), leaf).toBe('ok');
    }
    // A revoked certificate is revoked in every mode, best_effort included.
    expect(await reason(verify('revoked', 'best_effort', cache))).toBe('cert_revoked');
  });

  it('says which URL failed and why', async () => {
    const cache = new HttpCrlCache({ timeout: 300, maxSize: 1024 });
    const message = (leaf: string) =>
      verify(leaf, true, cache).then(
        () => 'ok',
        (e: Error) => e.message,
      );
    expect(await message('missing')).toContain(`${http.url('/missing.crl')} failed: HTTP status 404`);
    expect(await message('slow')).toContain('no answer within 300 ms');
    expect(await message('big')).toContain('exceeds maxSize 1024');
    expect(await message('refused')).toContain(refused);
    expect(cache.size).toBe(0);
  });

  it('shares one download between verifications running at once', async () => {
    const cache = new HttpCrlCache();
    const before = http.hits.get('/ca.crl') ?? 0;
    const verdicts = await Promise.all([reason(verify('good', true, cache)), reason(verify('revoked', true, cache))]);
    expect(verdicts).toEqual(['ok', 'cert_revoked']);
    expect(http.hits.get('/ca.crl')).toBe(before + 1);
  });
});
