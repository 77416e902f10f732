import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type CryptoProvider, nobleProvider } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import { decodePem, hostnameMatches, parseCertificate, type VerifyEvent, verifyChain } from './index.js';

const corpus = new URL('../../../test-vectors/pkix/', import.meta.url);
const cert = (name: string): Uint8Array =>
  decodePem(readFileSync(new URL(`certs/${name}.pem`, corpus), 'utf8'))[0]?.der as Uint8Array;
const time = new Date(Date.UTC(2026, 6, 1));
const root = cert('root');

describe('path building', () => {
  it('backtracks from a dead-end cross-certificate to the one that reaches a trusted root', async () => {
    const result = await verifyChain([cert('leaf-x')], {
      roots: [cert('root2')],
      untrusted: [cert('xinter-a'), cert('xinter-b')],
      time,
    });
    expect(result.path.map((c) => c.subject)).toEqual([
      'O=PKIX Corpus, CN=cross.test',
      'O=PKIX Corpus, CN=Cross Intermediate',
      'O=PKIX Corpus, CN=Corpus Root 2',
    ]);
    expect(result.path[1]?.der).toEqual(cert('xinter-b'));
  });

  it('skips a path that fails validation (expired cross-certificate) for one that passes', async () => {
    const result = await verifyChain([cert('leaf-x')], {
      roots: [cert('root2'), root],
      untrusted: [cert('xinter-c'), cert('xinter-a')],
      time,
    });
    expect(result.path.at(-1)?.subject).toBe('O=PKIX Corpus, CN=Corpus Root');
    // With only the expired path, its error is the answer.
    await expect(
      verifyChain([cert('leaf-x')], { roots: [cert('root2')], untrusted: [cert('xinter-c')], time }),
    ).rejects.toMatchObject({ reason: 'cert_expired', depth: 1 });
  });

  it('verify_fun sees only the path finally chosen, once per certificate', async () => {
    const events: string[] = [];
    await verifyChain([cert('leaf-x')], {
      roots: [cert('root2'), root],
      untrusted: [cert('xinter-c'), cert('xinter-a')],
      time,
      verifyFun: (c, event, state) => {
        events.push(`${event.type}:${c.commonName}`);
        return { decision: 'unknown', state: (state as number) + 1 };
      },
      verifyFunState: 0,
    });
    expect(events).toEqual(['valid:Cross Intermediate', 'valid_peer:cross.test']);
  });

  it('terminates on loops in the peer list', async () => {
    await expect(
      verifyChain([cert('leaf-loop'), cert('loop-a'), cert('loop-b'), cert('loop-a')], { roots: [root], time }),
    ).rejects.toMatchObject({ reason: 'unknown_ca' });
  });

  it('accepts the chain in any order with unrelated extras', async () => {
    const chain = [cert('leaf-deep'), cert('other-root'), cert('inter'), cert('leaf'), cert('inter2')];
    const result = await verifyChain(chain, { roots: [root], time });
    expect(result.path).toHaveLength(4);
  });

  it('reports a signature that does not verify as invalid_signature', async () => {
    await expect(
      verifyChain([cert('leaf-badsig')], { roots: [root], untrusted: [cert('inter')], time }),
    ).rejects.toMatchObject({ reason: 'invalid_signature', alert: 'bad_certificate' });
  });
});

describe('signature algorithms', () => {
  it('refuses SHA-1 unless allowSha1', async () => {
    const options = { roots: [root], untrusted: [cert('inter')], time };
    await expect(verifyChain([cert('leaf-sha1')], options)).rejects.toMatchObject({
      reason: 'insecure_signature_algorithm',
    });
    await expect(verifyChain([cert('leaf-sha1')], { ...options, allowSha1: true })).resolves.toBeDefined();
  });
  it('refuses MD5 unless allowMd5, even when SHA-1 is allowed', async () => {
    // The noble provider has no MD5; this one verifies md5WithRSAEncryption with node for the test.
    const base64url = (n: bigint) => {
      const hex = n.toString(16);
      return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex').toString('base64url');
    };
    const withMd5: CryptoProvider = {
      ...nobleProvider,
      verify: (scheme, key, message, signature) => {
        if (scheme !== 'rsa_pkcs1_md5' || key.kind !== 'rsa')
          return nobleProvider.verify(scheme, key, message, signature);
        const jwk = { kty: 'RSA', n: base64url(key.n), e: base64url(key.e) };
        return nodeVerify('md5', message, createPublicKey({ key: jwk, format: 'jwk' }), signature);
      },
    };
    const options = {
      roots: [cert('rsa-root')],
      untrusted: [cert('rsa-inter')],
      time,
      allowSha1: true,
      provider: withMd5,
    };
    await expect(verifyChain([cert('rsa-leaf-md5')], options)).rejects.toMatchObject({
      reason: 'insecure_signature_algorithm',
    });
    await expect(verifyChain([cert('rsa-leaf-md5')], { ...options, allowMd5: true })).resolves.toBeDefined();
  });
});

describe('certificate policies (RFC 5280 §6.1)', () => {
  const options = { roots: [root], untrusted: [cert('pol-ca'), cert('polany-ca')], time };
  it('requireExplicitPolicy fails a path without an acceptable policy', async () => {
    await expect(verifyChain([cert('pol-ok')], options)).resolves.toBeDefined();
    await expect(verifyChain([cert('pol-none')], options)).rejects.toMatchObject({ reason: 'policy_error' });
    await expect(verifyChain([cert('pol-other')], options)).rejects.toMatchObject({ reason: 'policy_error' });
    await expect(
      verifyChain([cert('pol-ok')], { ...options, policies: ['1.3.6.1.4.1.55555.30'] }),
    ).rejects.toMatchObject({ reason: 'policy_error' });
    await expect(
      verifyChain([cert('pol-ok')], { ...options, policies: ['1.3.6.1.4.1.55555.10'] }),
    ).resolves.toBeDefined();
  });

  it('inhibitAnyPolicy stops anyPolicy in the leaf', async () => {
    await expect(verifyChain([cert('polany-specific')], options)).resolves.toBeDefined();
    await expect(verifyChain([cert('polany-any')], options)).rejects.toMatchObject({ reason: 'policy_error' });
  });

  it('initial-explicit-policy needs policies in every certificate', async () => {
    await expect(
      verifyChain([cert('leaf')], { roots: [root], untrusted: [cert('inter')], time, explicitPolicy: true }),
    ).rejects.toMatchObject({ reason: 'policy_error' });
  });
});

describe('verify_fun extension events', () => {
  it('reports unknown non-critical and critical extensions; verify_fun may accept a critical one', async () => {
    const options = { roots: [root], untrusted: [cert('inter')], time };
    const seen: VerifyEvent[] = [];
    await verifyChain([cert('leaf-noncritext')], {
      ...options,
      verifyFun: (_c, event) => {
        seen.push(event);
        return 'unknown';
      },
    });
    expect(seen).toContainEqual({ type: 'extension', oid: '1.3.6.1.4.1.55555.2', critical: false });
    await expect(verifyChain([cert('leaf-critext')], options)).rejects.toMatchObject({
      reason: 'unknown_critical_extension',
    });
    const accepted = await verifyChain([cert('leaf-critext')], {
      ...options,
      verifyFun: (_c, event) =>
        event.type === 'extension' && event.oid === '1.3.6.1.4.1.55555.1' ? 'valid' : 'unknown',
    });
    expect(accepted.leaf.commonName).toBe('critext.test');
    await expect(
      verifyChain([cert('leaf-noncritext')], {
        ...options,
        verifyFun: (_c, event) => (event.type === 'extension' ? 'fail' : 'unknown'),
      }),
    ).rejects.toMatchObject({ reason: 'user_rejected' });
  });
});

describe('IDNA in hostname checks', () => {
  const leaf = parseCertificate(cert('leaf'));
  it('compares A-labels as ASCII and converts U-label references', () => {
    expect(hostnameMatches(leaf, 'xn--bcher-kva.test')).toBe(true);
    expect(hostnameMatches(leaf, 'XN--BCHER-KVA.test')).toBe(true);
    expect(hostnameMatches(leaf, 'bücher.test')).toBe(true);
    expect(hostnameMatches(leaf, 'xn--bcher-kvb.test')).toBe(false);
    // *.idn.test: a whole-label wildcard covers one label, A-label or not.
    expect(hostnameMatches(leaf, 'xn--bcher-kva.idn.test')).toBe(true);
    expect(hostnameMatches(leaf, 'a.xn--bcher-kva.idn.test')).toBe(false);
  });
  it('never treats a * inside a label (an A-label included) as a wildcard', () => {
    const fake = { ...leaf, dnsNames: ['xn--*.test', 'w*.test'] };
    expect(hostnameMatches(fake, 'xn--bcher-kva.test')).toBe(false);
    expect(hostnameMatches(fake, 'www.test')).toBe(false);
  });
});

describe('pinned certificates under webpki', () => {
  // `openssl req -x509` makes cA=TRUE certificates without extendedKeyUsage: trusted directly, they
  // pass, as with OpenSSL and Go; chained under a root, cA=TRUE in the leaf position still fails.
  const pinned = cert('pinned-req-x509');
  const later = new Date(Date.UTC(2027, 0, 1));
  it('accepts a leaf that is itself the trust anchor (cA=TRUE, no EKU)', async () => {
    const result = await verifyChain([pinned], {
      roots: [pinned],
      hostname: 'localhost',
      purpose: 'sslserver',
      time: later,
    });
    expect(result.path).toHaveLength(1);
  });
  it('still checks the host name and refuses the same certificate under another anchor', async () => {
    await expect(
      verifyChain([pinned], { roots: [pinned], hostname: 'other.test', purpose: 'sslserver', time: later }),
    ).rejects.toMatchObject({ reason: 'hostname_check_failed' });
    await expect(verifyChain([pinned], { roots: [root], time: later })).rejects.toBeInstanceOf(Error);
  });
});
