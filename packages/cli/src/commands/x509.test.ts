// `sslsocket x509` against `openssl x509` on the same files: every line scripts parse must match.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, input, Workspace } from '../test/support.js';
import { runX509 } from './x509.js';

const ws = new Workspace('x509-');
const files: Record<string, string> = {};

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

beforeAll(() => {
  ws.makeCertificate();
  files.ec = ws.cert;
  // Names that need OpenSSL's quoting and escaping, a multi-valued RDN, every SAN type we print.
  files.names = ws.path('names.pem');
  openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', ws.path('n.key')]
      .concat(['-out', files.names, '-days', '3', '-utf8', '-multivalue-rdn'])
      .concat([
        '-subj',
        `/C=US/O=Ex, Inc./OU=q"x\\\\y/OU= lead/L=trail /ST=caf\u00e9/CN=a\\+b+UID=7/emailAddress=a@b.c`,
      ])
      .concat([
        '-addext',
        'subjectAltName=DNS:localhost,DNS:*.example.com,IP:127.0.0.1,IP:fe80::ab:cd,email:a@b.c,URI:https://x.y/',
      ])
      .concat(['-addext', 'extendedKeyUsage=serverAuth,clientAuth']),
  );
  files.rsa = ws.path('rsa.pem');
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', ws.path('r.key'), '-out', files.rsa]
      .concat(['-subj', '/CN=rsa.test', '-set_serial', '4096', '-days', '30'])
      .concat(['-addext', 'keyUsage=critical,digitalSignature,keyEncipherment']),
  );
  files.ed25519 = ws.path('ed.pem');
  openssl(['genpkey', '-algorithm', 'ed25519', '-out', ws.path('ed.key')]);
  openssl(
    ['req', '-x509', '-key', ws.path('ed.key'), '-out', files.ed25519, '-subj', '/CN=ed', '-days', '2'].concat([
      '-addext',
      'basicConstraints=critical,CA:TRUE,pathlen:2',
    ]),
  );
});
afterAll(() => ws.dispose());

async function ours(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const { io, streams } = capture();
  const code = await runX509(args, streams, input(stdin));
  return { code, out: io.out, err: io.err };
}

const FLAG_SETS = [
  ['-noout', '-subject', '-issuer', '-dates', '-enddate', '-fingerprint', '-sha256', '-ext', 'subjectAltName'],
  ['-noout', '-enddate', '-serial', '-fingerprint', '-startdate'],
  ['-noout', '-fingerprint', '-sha1'],
  ['-noout', '-ext', 'subjectAltName,basicConstraints,keyUsage,extendedKeyUsage,subjectKeyIdentifier'],
  ['-noout', '-text'],
  ['-subject'],
];

describe('sslsocket x509 prints what openssl x509 prints', () => {
  for (const kind of ['ec', 'names', 'rsa', 'ed25519']) {
    for (const flags of FLAG_SETS) {
      it(`${kind}: ${flags.join(' ')}`, async () => {
        const file = files[kind] as string;
        const result = await ours(['-in', file, ...flags]);
        expect(result.code).toBe(0);
        expect(result.out).toBe(openssl(['x509', '-in', file, ...flags]));
      });
    }
  }

  it('reads the first certificate from standard input with text around it, and DER', async () => {
    const pem = readFileSync(files.ec as string, 'utf8');
    const piped = await ours(
      ['-noout', '-enddate'],
      `CONNECTED(00000003)\n---\n${pem}---\nVerify return code: 0 (ok)\n`,
    );
    expect(piped.out).toBe(openssl(['x509', '-in', files.ec as string, '-noout', '-enddate']));
    const der = ws.path('c.der');
    openssl(['x509', '-in', files.ec as string, '-outform', 'DER', '-out', der]);
    expect((await ours(['-in', der, '-inform', 'DER', '-noout', '-subject'])).out).toBe('subject=CN = localhost\n');
  });

  it('-checkend answers like openssl, with its exit status', async () => {
    const soon = await ours(['-in', files.ed25519 as string, '-noout', '-checkend', String(7 * 86400)]);
    expect(soon).toMatchObject({ code: 1, out: 'Certificate will expire\n' });
    const later = await ours(['-in', files.rsa as string, '-noout', '-checkend', '60']);
    expect(later).toMatchObject({ code: 0, out: 'Certificate will not expire\n' });
  });

  it('fails with exit 1 on input that holds no certificate, 2 on an unknown -ext name', async () => {
    const garbage = ws.path('garbage.pem');
    writeFileSync(garbage, 'not a certificate\n');
    const bad = await ours(['-in', garbage, '-noout', '-subject']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('Unable to load certificate');
    await expect(ours(['-in', files.ec as string, '-noout', '-ext', 'nonsense'])).rejects.toThrow(/unknown extension/);
  });
});
