import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CryptoProvider } from '@sslsocket/suites';
import { nobleProvider } from '@sslsocket/suites';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CertificateError,
  CrlCache,
  CrlDirectoryStore,
  decodePem,
  nameHash,
  PemCache,
  parseCertificate,
  parseCrls,
  verifyChain,
} from './index.js';

const corpus = fileURLToPath(new URL('../../../test-vectors/pkix/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pkix-crl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (path: string): string => readFileSync(join(corpus, path), 'utf8');
const cert = (name: string): Uint8Array => decodePem(text(`certs/${name}.pem`))[0]?.der as Uint8Array;
const crlText = (name: string): string => text(`crls/${name}.pem`);
const openssl = (args: string[]): string =>
  execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
// The corpus is valid at this time (see test-vectors/pkix/make.mjs).
const time = new Date(Date.UTC(2026, 6, 1));
const base = { roots: [cert('root')], untrusted: [cert('inter')], time };

describe('CRL parsing', () => {
  it('reads issuer, dates, revoked serials and the CRL number', () => {
    const [crl] = parseCrls(crlText('crl-inter'));
    const leaf = parseCertificate(cert('leaf-revoked'));
    const inter = parseCertificate(cert('inter'));
    expect(crl?.issuer).toBe(inter.subject);
    expect(crl?.thisUpdate.toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect(crl?.nextUpdate?.toISOString()).toBe('2026-08-01T00:00:00.000Z');
    expect(crl?.revoked.get(leaf.serialNumber)?.reason).toBe(1); // keyCompromise
    expect(crl?.revoked.has(parseCertificate(cert('leaf')).serialNumber)).toBe(false);
    expect(crl?.crlNumber).toBeGreaterThan(0n);
    expect(crl?.authorityKeyId).toEqual(inter.subjectKeyId);
    expect(crl?.isDelta).toBe(false);
  });

  it('rejects garbage with a typed error', () => {
    expect(() => parseCrls(new Uint8Array([0x30, 0x03, 1, 2, 3]))).toThrow(/malformed CRL/);
  });
});

describe('X509_NAME_hash', () => {
  it('matches openssl for the corpus CRL issuers and certificate subjects', () => {
    for (const name of ['crl-inter', 'crl-root', 'crl-other']) {
      const [crl] = parseCrls(crlText(name));
      expect(nameHash(crl?.issuerDer as Uint8Array)).toBe(
        openssl(['crl', '-in', join(corpus, 'crls', `${name}.pem`), '-hash', '-noout']),
      );
    }
    for (const name of ['nc-dir-excl', 'leaf', 'ed-root']) {
      expect(nameHash(parseCertificate(cert(name)).subjectDer)).toBe(
        openssl(['x509', '-in', join(corpus, 'certs', `${name}.pem`), '-subject_hash', '-noout']),
      );
    }
  });

  it('canonicalizes case, white space and string types as openssl does', () => {
    const key = join(dir, 'hash.key');
    writeFileSync(key, openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']));
    for (const subject of ['/CN=  Mixed   CASE Name /O=ÜTF8 Örg/C=DE', '/DC=example/DC=COM/CN=a\tb', '/CN=x+OU=y']) {
      const args = ['req', '-x509', '-new', '-utf8', '-key', key, '-subj', subject, '-days', '1', '-multivalue-rdn'];
      const pem = openssl(args);
      const file = join(dir, 'hash.pem');
      writeFileSync(file, pem);
      const parsed = parseCertificate(decodePem(pem)[0]?.der as Uint8Array);
      expect(nameHash(parsed.subjectDer), subject).toBe(openssl(['x509', '-in', file, '-subject_hash', '-noout']));
    }
  });
});

describe('revocation checking in verifyChain', () => {
  it('crl_check modes: true, peer and best_effort', async () => {
    const cache = new CrlCache();
    expect(cache.insert(crlText('crl-inter'))).toBe(1);
    await expect(verifyChain([cert('leaf')], { ...base, crlCheck: 'peer', crlCache: cache })).resolves.toBeDefined();
    await expect(
      verifyChain([cert('leaf-revoked')], { ...base, crlCheck: 'peer', crlCache: cache }),
    ).rejects.toMatchObject({ reason: 'cert_revoked', alert: 'certificate_revoked', depth: 0 });
    // true also needs the root's CRL for the intermediate.
    await expect(verifyChain([cert('leaf')], { ...base, crlCheck: true, crlCache: cache })).rejects.toMatchObject({
      reason: 'unable_to_get_crl',
      depth: 1,
    });
    await expect(
      verifyChain([cert('leaf')], { ...base, crlCheck: 'best_effort', crlCache: cache }),
    ).resolves.toBeDefined();
    // best_effort still refuses what a usable CRL says is revoked...
    await expect(
      verifyChain([cert('leaf-revoked')], { ...base, crlCheck: 'best_effort', crlCache: cache }),
    ).rejects.toMatchObject({ reason: 'cert_revoked' });
    // ... but accepts an expired CRL, which true does not.
    const expired = parseCrls(crlText('crl-inter-expired'));
    await expect(
      verifyChain([cert('leaf-revoked')], { ...base, crlCheck: 'best_effort', crls: expired }),
    ).resolves.toBeDefined();
    await expect(verifyChain([cert('leaf')], { ...base, crlCheck: 'peer', crls: expired })).rejects.toMatchObject({
      reason: 'crl_expired',
    });
    cache.insert(crlText('crl-root'));
    expect(cache.size).toBe(2);
    await expect(verifyChain([cert('leaf')], { ...base, crlCheck: true, crlCache: cache })).resolves.toBeDefined();
    cache.delete(parseCertificate(cert('inter')).subjectDer);
    expect(cache.size).toBe(1);
    // No crlCheck: CRLs are not consulted at all.
    const crls = parseCrls(crlText('crl-inter'));
    await expect(verifyChain([cert('leaf-revoked')], { ...base, crls })).resolves.toBeDefined();
  });

  it('checks CRL signatures through the CryptoProvider', async () => {
    const calls: string[] = [];
    const counting: CryptoProvider = {
      ...nobleProvider,
      verify: (scheme, key, message, signature) => {
        calls.push(scheme);
        return nobleProvider.verify(scheme, key, message, signature);
      },
    };
    const crls = parseCrls(crlText('crl-inter'));
    await verifyChain([cert('leaf')], { ...base, provider: counting, crlCheck: 'peer', crls });
    // leaf <- inter, inter <- root, and the CRL <- inter.
    expect(calls).toHaveLength(3);
    const impostor = parseCrls(crlText('crl-impostor'));
    const error = await verifyChain([cert('leaf')], { ...base, crlCheck: 'peer', crls: impostor }).catch((e) => e);
    expect(error).toBeInstanceOf(CertificateError);
    expect(error.reason).toBe('crl_signature_failure');
  });

  it('verify_fun can accept an undetermined revocation status', async () => {
    const seen: string[] = [];
    const result = await verifyChain([cert('leaf')], {
      ...base,
      crlCheck: 'peer',
      verifyFun: (_c, event) => {
        if (event.type === 'bad_cert') seen.push(event.reason);
        return event.type === 'bad_cert' && event.reason === 'unable_to_get_crl' ? 'valid' : 'unknown';
      },
    });
    expect(result.leaf.commonName).toBe('good.test');
    expect(seen).toEqual(['unable_to_get_crl']);
  });
});

describe('the c_rehash CRL directory', () => {
  it('finds CRLs in <hash>.rN files made by openssl rehash, and sees replaced files', async () => {
    const crlDir = mkdtempSync(join(dir, 'crls-'));
    for (const name of ['crl-inter', 'crl-root', 'crl-other'])
      copyFileSync(join(corpus, 'crls', `${name}.pem`), join(crlDir, `${name}.pem`));
    openssl(['rehash', crlDir]);
    const store = new CrlDirectoryStore(crlDir, new PemCache());
    const inter = parseCertificate(cert('inter'));
    expect(store.lookup(inter.subjectDer).map((crl) => crl.issuer)).toEqual([inter.subject]);
    expect(store.lookup(parseCertificate(cert('leaf')).subjectDer)).toEqual([]);
    await expect(verifyChain([cert('leaf')], { ...base, crlCheck: true, crlCache: store })).resolves.toBeDefined();
    await expect(
      verifyChain([cert('leaf-revoked')], { ...base, crlCheck: true, crlCache: store }),
    ).rejects.toMatchObject({ reason: 'cert_revoked' });
    // Our own hash names the file too: write a second CRL of the same issuer as .r1.
    writeFileSync(join(crlDir, `${nameHash(inter.subjectDer)}.r1`), crlText('crl-inter-future'));
    expect(store.lookup(inter.subjectDer)).toHaveLength(2);
  });
});
