// PKCS#12 files with the legacy PKCS#12 PBE schemes (RFC 7292 App. C), made by openssl at test time:
// `-legacy` (3DES key, 40-bit RC2 certificates; needs OpenSSL 3's legacy provider) and 3DES alone.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integer, octets, oid, seq } from './der-writer.js';
import { PemError, Pkcs12AlgorithmError } from './errors.js';
import { generateSelfSigned } from './generate.js';
import { parsePrivateKey } from './keys.js';
import { decryptPkcs8 } from './pkcs8-encryption.js';
import { parsePkcs12 } from './pkcs12.js';

const dir = mkdtempSync(join(tmpdir(), 'sslsocket-p12-legacy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let keyPem = '';
let certDer: Uint8Array = new Uint8Array();

beforeAll(async () => {
  const generated = await generateSelfSigned();
  keyPem = generated.keyPem;
  certDer = generated.certificateDer;
  writeFileSync(join(dir, 'cert.pem'), generated.certificatePem);
  writeFileSync(join(dir, 'key.pem'), keyPem);
});

/** `openssl pkcs12 -export` with `extra` flags; undefined when this openssl cannot (no legacy provider). */
function exportP12(name: string, extra: string[]): Uint8Array | undefined {
  const out = join(dir, name);
  const args = ['pkcs12', '-export', '-in', join(dir, 'cert.pem'), '-inkey', join(dir, 'key.pem')];
  const run = spawnSync('openssl', [...args, '-passout', 'pass:s3cret', '-out', out, ...extra], { encoding: 'utf8' });
  return run.status === 0 ? new Uint8Array(readFileSync(out)) : undefined;
}

/** Does this openssl have the legacy provider (RC2)? Debian's openssl 3 ships it; some builds do not. */
const hasLegacy =
  spawnSync('openssl', ['list', '-cipher-algorithms', '-provider', 'legacy'], { encoding: 'utf8' }).status === 0;

describe('PKCS#12 with legacy encryption', () => {
  it.skipIf(!hasLegacy)(
    '`openssl pkcs12 -export -legacy` (3DES key, RC2-40 certificates) loads (skipped only without the legacy provider)',
    () => {
      const p12 = exportP12('legacy.p12', ['-legacy']);
      expect(p12, 'openssl pkcs12 -export -legacy').toBeDefined();
      const contents = parsePkcs12(p12 as Uint8Array, 's3cret');
      expect(contents.privateKey).toEqual(parsePrivateKey(keyPem));
      expect(contents.certificates).toEqual([certDer]);
      // Without a MAC a wrong password shows up as bad padding or garbage: a PemError either way.
      const noMac = exportP12('legacy-nomac.p12', ['-legacy', '-nomac']) as Uint8Array;
      expect(() => parsePkcs12(noMac, 'wrong')).toThrow(PemError);
    },
  );

  it('3DES for both key and certificates (PBE-SHA1-3DES, no legacy provider needed) loads', () => {
    const p12 = exportP12('3des.p12', ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES']);
    expect(p12).toBeDefined();
    const contents = parsePkcs12(p12 as Uint8Array, 's3cret');
    expect(contents.privateKey).toEqual(parsePrivateKey(keyPem));
    expect(contents.certificates).toEqual([certDer]);
  });

  it('an `openssl pkcs8 -v1 PBE-SHA1-3DES` key loads with its password', () => {
    const run = spawnSync(
      'openssl',
      ['pkcs8', '-topk8', '-v1', 'PBE-SHA1-3DES', '-in', join(dir, 'key.pem'), '-passout', 'pass:s3cret'],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    expect(parsePrivateKey(run.stdout, 's3cret')).toEqual(parsePrivateKey(keyPem));
    expect(() => parsePrivateKey(run.stdout, 'wrong')).toThrow(PemError);
  });

  it('RC4 is a Pkcs12AlgorithmError naming the scheme and the AES re-export command', () => {
    // EncryptedPrivateKeyInfo { pbeWithSHAAnd128BitRC4 { salt, iterations }, 16 bytes }.
    const info = seq(
      seq(oid('1.2.840.113549.1.12.1.1'), seq(octets(new Uint8Array(8)), integer(2048))),
      octets(new Uint8Array(16)),
    );
    let error: unknown;
    try {
      decryptPkcs8(info, 'x');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Pkcs12AlgorithmError);
    expect((error as Pkcs12AlgorithmError).algorithm).toBe('pbeWithSHAAnd128BitRC4');
    expect((error as Error).message).toMatch(/-certpbe AES-256-CBC -keypbe AES-256-CBC/);
  });
});
