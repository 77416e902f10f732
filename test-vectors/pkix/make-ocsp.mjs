// OCSP (RFC 6960) vectors: responses made by `openssl ocsp` acting as a responder for the corpus
// intermediate's database. Outputs ocsp/*.der and ocsp/ocsp.json. `openssl ocsp` stamps
// thisUpdate/producedAt with the current time, so ocsp.json records `at`, the generation time;
// tests judge the responses at `at` plus one hour.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function makeOcsp({ OUT, work, issue, leafExt, O }) {
  const dir = join(OUT, 'ocsp');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const cert = (name) => join(OUT, 'certs', `${name}.pem`);
  const openssl = (args) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  issue('ocsp-responder', {
    subject: `${O}/CN=Intermediate OCSP Responder`,
    issuer: 'inter',
    ext: 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=OCSPSigning\nnoCheck=ignored\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid',
  });
  issue('ocsp-responder-noeku', {
    subject: `${O}/CN=Responder Without OCSPSigning`,
    issuer: 'inter',
    ext: leafExt('', 'serverAuth'),
  });
  issue('ocsp-responder-foreign', {
    subject: `${O}/CN=Foreign OCSP Responder`,
    issuer: 'root2',
    ext: 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=OCSPSigning\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid',
  });
  writeFileSync(work('db/empty.txt'), '');
  const at = Math.floor(Date.now() / 1000);
  const cases = [];
  /** One response for `leaf` (issued by inter), signed by `signer`, from `index`, valid `validity`. */
  const respond = (name, { leaf, signer = 'inter', index = 'db/inter.txt', validity = ['-ndays', '30'], expected }) => {
    const request = work(`${name}.req`);
    openssl(['ocsp', '-issuer', cert('inter'), '-cert', cert(leaf), '-no_nonce', '-reqout', request]);
    openssl([
      'ocsp',
      '-index',
      work(index),
      '-CA',
      cert('inter'),
      '-rsigner',
      cert(signer),
      '-rkey',
      work(`${signer}.key`),
      '-reqin',
      request,
      '-respout',
      join(dir, `${name}.der`),
      ...validity,
    ]);
    cases.push({ name, response: `ocsp/${name}.der`, certificate: `certs/${leaf}.pem`, issuer: 'certs/inter.pem', expected });
  };
  respond('good', { leaf: 'leaf', expected: { status: 'good', responder: 'issuer' } });
  respond('revoked', { leaf: 'leaf-revoked', expected: { status: 'revoked', responder: 'issuer' } });
  respond('unknown', { leaf: 'leaf', index: 'db/empty.txt', expected: { status: 'unknown', responder: 'issuer' } });
  respond('expired', { leaf: 'leaf', validity: ['-nmin', '1'], expected: { error: 'expired' } });
  respond('wrong-responder', { leaf: 'leaf', signer: 'other-root', expected: { error: 'is not certified by' } });
  respond('delegated', { leaf: 'leaf', signer: 'ocsp-responder', expected: { status: 'good', responder: 'delegated' } });
  respond('delegated-revoked', { leaf: 'leaf-revoked', signer: 'ocsp-responder', expected: { status: 'revoked', responder: 'delegated' } });
  respond('delegated-without-ocsp-signing', { leaf: 'leaf', signer: 'ocsp-responder-noeku', expected: { error: 'lacks id-kp-OCSPSigning' } });
  respond('delegated-by-another-ca', { leaf: 'leaf', signer: 'ocsp-responder-foreign', expected: { error: 'not certified by' } });
  // A response for one certificate offered for another: CertID does not match.
  cases.push({ name: 'other-certificate', response: 'ocsp/good.der', certificate: 'certs/leaf-client.pem', issuer: 'certs/inter.pem', expected: { error: 'does not cover' } });
  writeFileSync(join(dir, 'ocsp.json'), `${JSON.stringify({ at, cases }, null, 1)}\n`);
  return cases.length;
}
