// s_server without -cert: its cached default certificate is trusted only from a private directory.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ourServer, Workspace } from '../test/support.js';

const ws = new Workspace('sserver-default-');
const savedTmp = process.env.TMPDIR;
const cacheDir = join(ws.dir, `sslsocket-${process.getuid?.() ?? 'user'}`);
beforeAll(() => ws.makeCertificate());
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});
afterAll(() => ws.dispose());

/** The certificate our s_server (no -cert) presents, as openssl s_client prints it. */
async function servedCertificate(): Promise<string> {
  process.env.TMPDIR = ws.dir;
  const server = await ourServer(['-naccept', '1']);
  const client = await ws.opensslClient(server.port, ['-showcerts'], '', 300);
  await server.serving;
  return /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(client)?.[0] ?? '';
}

const planted = (): string => readFileSync(ws.cert, 'utf8').trim();

describe('s_server default certificate cache', () => {
  it.skipIf(process.getuid === undefined)('ignores a certificate planted in a directory others can write', async () => {
    mkdirSync(cacheDir, { recursive: true });
    chmodSync(cacheDir, 0o777);
    writeFileSync(join(cacheDir, 'default-cert.pem'), readFileSync(ws.cert));
    writeFileSync(join(cacheDir, 'default-key.pem'), readFileSync(ws.key));
    const served = await servedCertificate();
    expect(served).toMatch(/BEGIN CERTIFICATE/);
    expect(served).not.toBe(planted());
  });

  it('uses the cache in a private directory', async () => {
    mkdirSync(cacheDir, { recursive: true });
    chmodSync(cacheDir, 0o700);
    writeFileSync(join(cacheDir, 'default-cert.pem'), readFileSync(ws.cert));
    writeFileSync(join(cacheDir, 'default-key.pem'), readFileSync(ws.key));
    const served = await servedCertificate();
    expect(served).toBe(planted());
  });
});
