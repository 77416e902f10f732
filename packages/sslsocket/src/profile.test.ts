import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryPair } from '@sslsocket/transport';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, handshake } from './index.js';

// The `profile` option reaches peer validation: a leaf without extendedKeyUsage is refused by the
// default webpki profile (CABF 7.1.2.7.6) and accepted under profile 'rfc5280' (RFC 5280 §4.2.1.12).
const dir = mkdtempSync(join(tmpdir(), 'sslsocket-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => join(dir, name);
const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
openssl([
  'req',
  '-x509',
  ...ec,
  '-keyout',
  file('ca.key'),
  '-out',
  file('ca.pem'),
  '-subj',
  '/CN=profile CA',
  '-days',
  '2',
]);
openssl([
  ...[
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('leaf.key'),
    '-out',
    file('leaf.pem'),
    '-subj',
    '/CN=server.test',
    '-days',
    '2',
  ],
  ...['-addext', 'subjectAltName=DNS:server.test', '-addext', 'basicConstraints=critical,CA:FALSE'],
  ...['-CA', file('ca.pem'), '-CAkey', file('ca.key')],
]);

async function attempt(clientOptions: object) {
  const [clientEnd, serverEnd] = memoryPair();
  const server = handshake(serverEnd, {
    cert: readFileSync(file('leaf.pem'), 'utf8'),
    key: readFileSync(file('leaf.key'), 'utf8'),
  });
  server.catch(() => undefined);
  const client = await connect(clientEnd, {
    host: 'server.test',
    cacerts: [readFileSync(file('ca.pem'), 'utf8')],
    ...clientOptions,
  });
  await client.close();
  await server.then((socket) => socket.close()).catch(() => undefined);
}

describe('connect({ profile })', () => {
  it('refuses a leaf without extendedKeyUsage under the default webpki profile', async () => {
    await expect(attempt({})).rejects.toMatchObject({ name: 'TlsAlert', description: 'unsupported_certificate' });
  });

  it("accepts it with profile: 'rfc5280'", async () => {
    await expect(attempt({ profile: 'rfc5280' })).resolves.toBeUndefined();
  });
});
