import { execFileSync } from 'node:child_process';
import * as nodeCrypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nobleProvider } from '@sslsocket/suites';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CertificateError,
  decodePem,
  generateCaChain,
  generateSelfSigned,
  hostnameMatches,
  parseCertificate,
  parsePrivateKey,
  verifyChain,
} from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'pkix-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('generated certificates', () => {
  it('a self-signed P-256 certificate parses, verifies itself and satisfies openssl', async () => {
    const generated = await generateSelfSigned({ altNames: ['test.example'] });
    const parsed = parseCertificate(generated.certificateDer);
    expect(parsed.dnsNames).toEqual(['localhost', 'test.example']);
    expect(parsed.ipAddresses).toEqual(['127.0.0.1', '0:0:0:0:0:0:0:1']);
    expect(parsed.publicKey).toMatchObject({ kind: 'ec', curve: 'P-256' });
    const result = await verifyChain([generated.certificateDer], {
      roots: [generated.certificateDer],
      hostname: 'test.example',
      purpose: 'sslserver',
    });
    expect(result.leaf.subject).toBe('CN=localhost');
    const certFile = join(dir, 'self.pem');
    writeFileSync(certFile, generated.certificatePem);
    expect(
      openssl(['verify', '-CAfile', certFile, '-purpose', 'sslserver', '-verify_hostname', 'test.example', certFile]),
    ).toContain('OK');
    // The key is a real PKCS#8 key that openssl and node accept, and it signs for the certificate.
    const keyFile = join(dir, 'self.key');
    writeFileSync(keyFile, generated.keyPem);
    const nodeKey = nodeCrypto.createPrivateKey(generated.keyPem);
    const signature = nodeCrypto.sign('sha256', Buffer.from('x'), nodeKey);
    expect(
      nodeCrypto.verify('sha256', Buffer.from('x'), nodeCrypto.createPublicKey(generated.certificatePem), signature),
    ).toBe(true);
    expect(parsePrivateKey(generated.keyPem)).toMatchObject({ kind: 'ec', curve: 'P-256' });
  });

  it('a CA chain validates; a wrong root, a wrong name and a late time are rejected with the right reasons', async () => {
    const { ca, leaf } = await generateCaChain({ altNames: ['svc.internal'] });
    await expect(
      verifyChain([leaf.certificateDer], { roots: [ca.certificateDer], hostname: 'svc.internal' }),
    ).resolves.toBeDefined();
    const other = await generateSelfSigned();
    await expect(verifyChain([leaf.certificateDer], { roots: [other.certificateDer] })).rejects.toMatchObject({
      reason: 'unknown_ca',
      alert: 'unknown_ca',
    });
    await expect(
      verifyChain([leaf.certificateDer], { roots: [ca.certificateDer], hostname: 'other.internal' }),
    ).rejects.toMatchObject({
      reason: 'hostname_check_failed',
    });
    await expect(
      verifyChain([leaf.certificateDer], { roots: [ca.certificateDer], time: new Date(Date.now() + 400 * 86_400_000) }),
    ).rejects.toMatchObject({ reason: 'cert_expired', alert: 'certificate_expired' });
    await expect(verifyChain([other.certificateDer], { roots: [ca.certificateDer] })).rejects.toMatchObject({
      reason: 'selfsigned_peer',
    });
    // verify_fun may accept the unknown issuer, as Erlang's does.
    const accepted = await verifyChain([leaf.certificateDer], {
      roots: [],
      verifyFun: (_cert, event) => (event.type === 'bad_cert' && event.reason === 'unknown_ca' ? 'valid' : 'unknown'),
    });
    expect(accepted.leaf.commonName).toBe('localhost');
  });
});

describe('keys from openssl', () => {
  const cases: [string, string[], string][] = [
    ['rsa', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], 'rsa'],
    ['ec384', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], 'ec'],
    ['ed25519', ['genpkey', '-algorithm', 'ED25519'], 'ed25519'],
    ['ed448', ['genpkey', '-algorithm', 'ED448'], 'ed448'],
    ['rsapss', ['genpkey', '-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'], 'rsa-pss'],
  ];
  for (const [name, args, kind] of cases) {
    it(`${name}: PKCS#8, encrypted PKCS#8 and a self-signed certificate`, async () => {
      const keyFile = join(dir, `${name}.key`);
      writeFileSync(keyFile, openssl(args));
      const key = parsePrivateKey(readFileSync(keyFile, 'utf8'));
      expect(key.kind).toBe(kind);
      const encrypted = openssl(['pkcs8', '-topk8', '-in', keyFile, '-v2', 'aes-256-cbc', '-passout', 'pass:secret']);
      expect(parsePrivateKey(encrypted, 'secret')).toEqual(key);
      expect(() => parsePrivateKey(encrypted)).toThrow(/password/);
      expect(() => parsePrivateKey(encrypted, 'wrong')).toThrow();
      const certPem = openssl([
        'req',
        '-x509',
        '-new',
        '-key',
        keyFile,
        '-subj',
        `/CN=${name}.test`,
        '-days',
        '1',
        '-addext',
        `subjectAltName=DNS:${name}.test`,
        // An end-entity certificate: the webpki profile refuses a CA certificate as the leaf.
        '-addext',
        'basicConstraints=critical,CA:FALSE',
      ]);
      const der = decodePem(certPem)[0]?.der as Uint8Array;
      const parsed = parseCertificate(der);
      await expect(
        verifyChain([der], { roots: [der], hostname: `${name}.test`, provider: nobleProvider }),
      ).resolves.toBeDefined();
      expect(parsed.publicKey.kind).toBe(kind);
    });
  }

  it('traditional RSA and SEC1 EC keys parse too', () => {
    const rsa = openssl(['genrsa', '-traditional', '1024']);
    expect(parsePrivateKey(rsa).kind).toBe('rsa');
    const ec = openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout']);
    expect(parsePrivateKey(ec)).toMatchObject({ kind: 'ec', curve: 'P-256' });
  });
});

describe('hostname checks (RFC 6125)', () => {
  it('matches SAN names, single-label wildcards and IPs only', async () => {
    const keyFile = join(dir, 'host.key');
    writeFileSync(keyFile, openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']));
    const pem = openssl([
      'req',
      '-x509',
      '-new',
      '-key',
      keyFile,
      '-subj',
      '/CN=cn.example',
      '-days',
      '1',
      '-addext',
      'subjectAltName=DNS:*.example.com,DNS:exact.test,IP:10.0.0.1,IP:::1',
    ]);
    const cert = parseCertificate(decodePem(pem)[0]?.der as Uint8Array);
    expect(hostnameMatches(cert, 'www.example.com')).toBe(true);
    expect(hostnameMatches(cert, 'WWW.Example.COM.')).toBe(true);
    expect(hostnameMatches(cert, 'a.b.example.com')).toBe(false);
    expect(hostnameMatches(cert, 'example.com')).toBe(false);
    expect(hostnameMatches(cert, 'exact.test')).toBe(true);
    expect(hostnameMatches(cert, 'cn.example')).toBe(false); // no CN fallback when SANs exist
    expect(hostnameMatches(cert, '10.0.0.1')).toBe(true);
    expect(hostnameMatches(cert, '0:0::1')).toBe(true);
    expect(hostnameMatches(cert, '10.0.0.2')).toBe(false);
    // A whole-label wildcard covers an A-label too (RFC 6125 §6.4.3; OpenSSL agrees).
    expect(hostnameMatches(cert, 'xn--bcher-kva.example.com')).toBe(true);
    expect(hostnameMatches(cert, 'bücher.example.com')).toBe(true);
    expect(hostnameMatches(cert, 'anything', () => true)).toBe(true);
  });

  it('malformed certificates are typed errors', () => {
    expect(() => parseCertificate(new Uint8Array([0x30, 0x03, 1, 2, 3]))).toThrow(CertificateError);
  });
});
