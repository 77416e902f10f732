import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSelfSigned, parsePrivateKey } from '@sslsocket/pkix';
import { describe, expect, it } from 'vitest';
import { listen, OptionError } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'sslsocket-keys-'));

function openssl(...args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8' });
}

describe('keys and certificates at listen()', () => {
  it('refuses a key that does not belong to the certificate, naming both files', async () => {
    const one = await generateSelfSigned();
    const other = await generateSelfSigned();
    const certfile = join(dir, 'one-cert.pem');
    const keyfile = join(dir, 'other-key.pem');
    writeFileSync(certfile, one.certificatePem);
    writeFileSync(keyfile, other.keyPem);
    const error = await listen(0, { host: '127.0.0.1', certfile, keyfile }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect((error as Error).message).toContain(certfile);
    expect((error as Error).message).toContain(keyfile);
    expect((error as Error).message).toMatch(/does not belong to the certificate/);
  });

  it('accepts the matching pair', async () => {
    const one = await generateSelfSigned();
    const server = await listen(0, { host: '127.0.0.1', cert: one.certificatePem, key: one.keyPem });
    await server.close();
  });
});

describe('legacy encrypted PEM keys (Proc-Type: 4,ENCRYPTED, DEK-Info), made by openssl', () => {
  const plain = join(dir, 'ec.pem');
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', plain);
  const rsaPlain = join(dir, 'rsa.pem');
  openssl('genrsa', '-out', rsaPlain, '1024');

  it.each([
    ['ec', '-aes256'],
    ['ec', '-aes128'],
    ['rsa', '-aes192'],
    ['ec', '-des3'],
    ['rsa', '-des3'],
  ])('%s key with %s loads with its password', (kind, cipher) => {
    const source = kind === 'ec' ? plain : rsaPlain;
    // `openssl ec` writes the traditional (SEC 1) form already; `openssl rsa` needs -traditional.
    const traditional = kind === 'rsa' ? ['-traditional'] : [];
    const encrypted = openssl(kind, '-in', source, cipher, '-passout', 'pass:s3cret', ...traditional);
    expect(encrypted).toMatch(/Proc-Type: 4,ENCRYPTED/);
    const expected = parsePrivateKey(openssl(kind, '-in', source, ...traditional));
    expect(parsePrivateKey(encrypted, 's3cret')).toEqual(expected);
  });

  it('says what the key is without a password and with a wrong one (AES and 3DES)', () => {
    const encrypted = openssl('ec', '-in', plain, '-aes256', '-passout', 'pass:s3cret');
    expect(() => parsePrivateKey(encrypted)).toThrow(/legacy PEM encryption .*a password is needed/);
    expect(() => parsePrivateKey(encrypted, 'wrong')).toThrow(/wrong password/);
    // Issue #20: DES-EDE3-CBC keys (`openssl rsa|ec -des3`) load now; this used to pin "not supported".
    const des = openssl('ec', '-in', plain, '-des3', '-passout', 'pass:s3cret');
    expect(des).toMatch(/DEK-Info: DES-EDE3-CBC,[0-9A-F]{16}/);
    expect(() => parsePrivateKey(des)).toThrow(/legacy PEM encryption .*a password is needed/);
    expect(() => parsePrivateKey(des, 'wrong')).toThrow(/wrong password/);
    const rsaDes = openssl('rsa', '-in', rsaPlain, '-des3', '-passout', 'pass:s3cret', '-traditional');
    expect(() => parsePrivateKey(rsaDes, 'wrong')).toThrow(/wrong password/);
  });

  it('a server listens with a 3DES-encrypted key file and its password', async () => {
    const self = await generateSelfSigned();
    const keySource = join(dir, 'self-key.pem');
    writeFileSync(keySource, self.keyPem);
    const keyfile = join(dir, 'self-key-des3.pem');
    writeFileSync(keyfile, openssl('ec', '-in', keySource, '-des3', '-passout', 'pass:s3cret'));
    const server = await listen(0, { host: '127.0.0.1', cert: self.certificatePem, keyfile, password: 's3cret' });
    await server.close();
  });
});

describe('SSLKEYLOGFILE', () => {
  it('when set, both sides append their NSS key log lines to it', async () => {
    const { memoryPair } = await import('@sslsocket/transport');
    const { connect, handshake } = await import('./index.js');
    const { readFileSync } = await import('node:fs');
    const self = await generateSelfSigned();
    const file = join(dir, 'keylog.txt');
    process.env.SSLKEYLOGFILE = file;
    try {
      const [clientEnd, serverEnd] = memoryPair();
      const server = handshake(serverEnd, { cert: self.certificatePem, key: self.keyPem });
      const client = await connect(clientEnd, { host: 'localhost', cacerts: [self.certificatePem] });
      await server;
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      const random = lines[0]?.split(' ')[1];
      // Both sides log the same secrets under the same client random (NSS key log format).
      expect(lines.filter((l) => l.startsWith('CLIENT_TRAFFIC_SECRET_0 '))).toHaveLength(2);
      expect(lines.every((l) => /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+$/.test(l) && l.split(' ')[1] === random)).toBe(
        true,
      );
      await client.close({ timeoutMs: 100 });
    } finally {
      delete process.env.SSLKEYLOGFILE;
    }
  });
});
