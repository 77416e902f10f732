import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { parsePkcs12, parsePrivateKey } from '@sslsocket/pkix';
import { describe, expect, it } from 'vitest';
import { createServer, NodeOptionError } from './index.js';
import { listening, once, testPki } from './test/fixtures.js';

// PKCS#12 files made by openssl (RFC 7292): node's `pfx` option.

const dir = mkdtempSync(join(tmpdir(), 'sslsocket-pfx-'));

async function exportPfx(extra: string[] = []): Promise<Buffer> {
  const { caPem, certPem, keyPem } = await testPki();
  writeFileSync(join(dir, 'cert.pem'), certPem);
  writeFileSync(join(dir, 'key.pem'), keyPem);
  writeFileSync(join(dir, 'ca.pem'), caPem);
  const out = join(dir, `bundle${extra.length}.p12`);
  execFileSync('openssl', [
    'pkcs12',
    '-export',
    '-in',
    join(dir, 'cert.pem'),
    '-inkey',
    join(dir, 'key.pem'),
    '-certfile',
    join(dir, 'ca.pem'),
    '-passout',
    'pass:p12pass',
    '-out',
    out,
    ...extra,
  ]);
  return readFileSync(out);
}

describe('PKCS#12 (pfx)', () => {
  it('parsePkcs12 returns the key and its certificate first, then the CA', async () => {
    const { caPem, certPem, keyPem } = await testPki();
    const contents = parsePkcs12(await exportPfx(), 'p12pass');
    expect(contents.privateKey).toEqual(parsePrivateKey(keyPem));
    const pemBody = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    expect(Buffer.from(contents.certificates[0] as Uint8Array).equals(pemBody(certPem))).toBe(true);
    expect(Buffer.from(contents.certificates[1] as Uint8Array).equals(pemBody(caPem))).toBe(true);
  });

  it('a server from pfx + passphrase serves a node:tls client', async () => {
    const { caPem } = await testPki();
    const server = createServer({ pfx: await exportPfx(), passphrase: 'p12pass' }, (s) => s.end('from pfx'));
    const port = await listening(server);
    const client = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: [caPem] });
    await once(client, 'secureConnect');
    expect(client.authorized).toBe(true);
    client.setEncoding('utf8');
    expect(await once(client, 'data')).toBe('from pfx');
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a wrong passphrase is a NodeOptionError that says so', async () => {
    const pfx = await exportPfx();
    expect(() => createServer({ pfx, passphrase: 'nope' })).toThrow(NodeOptionError);
    expect(() => createServer({ pfx, passphrase: 'nope' })).toThrow(/wrong password .*MAC does not verify/);
  });

  it('a file with a SHA-1 MAC and AES certificates still loads', async () => {
    const contents = parsePkcs12(await exportPfx(['-macalg', 'sha1']), 'p12pass');
    expect(contents.certificates).toHaveLength(2);
  });
});
