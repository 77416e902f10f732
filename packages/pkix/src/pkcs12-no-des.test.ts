// A runtime without DES (a browser: the `#legacy-cipher` module has none): a 3DES PKCS#12 file is a
// Pkcs12AlgorithmError that names the scheme and says how to export the file again with AES.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Pkcs12AlgorithmError } from './errors.js';
import { generateSelfSigned } from './generate.js';
import { parsePkcs12 } from './pkcs12.js';

vi.mock('#legacy-cipher', () => import('./legacy-cipher-web.js'));

const dir = mkdtempSync(join(tmpdir(), 'sslsocket-p12-nodes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PKCS#12 where there is no Triple-DES', () => {
  it('a 3DES file fails with Pkcs12AlgorithmError naming pbeWithSHAAnd3-KeyTripleDES-CBC and the fix', async () => {
    const { certificatePem, keyPem } = await generateSelfSigned();
    writeFileSync(join(dir, 'cert.pem'), certificatePem);
    writeFileSync(join(dir, 'key.pem'), keyPem);
    const out = join(dir, '3des.p12');
    const run = spawnSync('openssl', [
      'pkcs12',
      '-export',
      '-in',
      join(dir, 'cert.pem'),
      '-inkey',
      join(dir, 'key.pem'),
      '-keypbe',
      'PBE-SHA1-3DES',
      '-certpbe',
      'PBE-SHA1-3DES',
      '-passout',
      'pass:s3cret',
      '-out',
      out,
    ]);
    expect(run.status).toBe(0);
    let error: unknown;
    try {
      parsePkcs12(new Uint8Array(readFileSync(out)), 's3cret');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Pkcs12AlgorithmError);
    expect((error as Pkcs12AlgorithmError).algorithm).toBe('pbeWithSHAAnd3-KeyTripleDES-CBC');
    expect((error as Error).message).toMatch(
      /no node:crypto.*openssl pkcs12 .*-certpbe AES-256-CBC -keypbe AES-256-CBC/,
    );
  });
});
