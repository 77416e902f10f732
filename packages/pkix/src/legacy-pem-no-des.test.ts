// A runtime without DES (a browser: the `#legacy-cipher` module has none): a DES-EDE3-CBC legacy
// encrypted PEM key is a LegacyPemCipherError naming the cipher and the `openssl pkcs8` conversion,
// while an AES one still loads.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { LegacyPemCipherError, PemError } from './errors.js';
import { parsePrivateKey } from './keys.js';

vi.mock('#legacy-cipher', () => import('./legacy-cipher-web.js'));

const dir = mkdtempSync(join(tmpdir(), 'sslsocket-pem-nodes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const openssl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8' });

describe('legacy encrypted PEM keys where there is no Triple-DES', () => {
  const plain = join(dir, 'ec.pem');
  writeFileSync(plain, openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout'));

  it('DES-EDE3-CBC fails with LegacyPemCipherError naming the cipher and the pkcs8 conversion', () => {
    const des = openssl('ec', '-in', plain, '-des3', '-passout', 'pass:s3cret');
    let error: unknown;
    try {
      parsePrivateKey(des, 's3cret');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LegacyPemCipherError);
    expect(error).toBeInstanceOf(PemError);
    expect((error as LegacyPemCipherError).algorithm).toBe('DES-EDE3-CBC');
    expect((error as Error).message).toMatch(
      /DES-EDE3-CBC, which needs Triple-DES.*openssl pkcs8 -topk8 -v2 aes-256-cbc -in key\.pem/,
    );
  });

  it('an AES-256-CBC key still loads, and an unknown DEK-Info cipher is a LegacyPemCipherError', () => {
    const aes = openssl('ec', '-in', plain, '-aes256', '-passout', 'pass:s3cret');
    expect(parsePrivateKey(aes, 's3cret')).toEqual(parsePrivateKey(openssl('ec', '-in', plain)));
    const other = aes.replace(/DEK-Info: AES-256-CBC,/, 'DEK-Info: CAMELLIA-256-CBC,');
    expect(() => parsePrivateKey(other, 's3cret')).toThrow(LegacyPemCipherError);
    expect(() => parsePrivateKey(other, 's3cret')).toThrow(/CAMELLIA-256-CBC, which is not supported/);
  });
});
