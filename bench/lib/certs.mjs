// The certificates every stack serves: made with `openssl req` at the start of a run, an ECDSA
// P-256 and an RSA-2048 self-signed certificate for `localhost` (subjectAltName, as clients verify
// it), valid for two days. stacks.mjs reads them from the directory in BENCH_CERTS.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const KEYS = {
  ecdsa: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  rsa: ['-newkey', 'rsa:2048'],
};

/**
 * A fresh temporary directory with `<kind>.pem` and `<kind>.key` for each of `kinds` ('ecdsa',
 * 'rsa'); the caller removes it. Throws when openssl cannot run.
 */
export function makeCertificates(kinds = Object.keys(KEYS)) {
  const dir = mkdtempSync(join(tmpdir(), 'sslsocket-bench-'));
  for (const kind of kinds) {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        ...KEYS[kind],
        '-nodes',
        '-keyout',
        join(dir, `${kind}.key`),
        '-out',
        join(dir, `${kind}.pem`),
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
  }
  return dir;
}
