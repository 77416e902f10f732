// `npm run bench -- pkix`: ms per validation of a 3-certificate chain (root, intermediate, leaf),
// ECDSA P-256 and RSA-2048, for verifyChain (noble and node providers) next to node's
// X509Certificate#verify on each link, measured in the same run.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePem, verifyChain } from '@sslsocket/pkix';
import { nobleProvider } from '@sslsocket/suites';

const iterations = Number(process.env.BENCH_ITERATIONS ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'bench-pkix-'));
const run = (args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

function makeChain(kind) {
  const keyArgs = kind === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  const ext = (name, text) => writeFileSync(join(dir, `${kind}-${name}.ext`), text);
  run([
    'req',
    '-x509',
    ...keyArgs,
    '-nodes',
    '-keyout',
    `${kind}-root.key`,
    '-out',
    `${kind}-root.pem`,
    '-subj',
    `/CN=${kind} root`,
    '-days',
    '30',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  ]);
  for (const [name, issuer, extension] of [
    ['inter', 'root', 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign'],
    ['leaf', 'inter', 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:bench.test'],
  ]) {
    run([
      'req',
      '-new',
      ...keyArgs,
      '-nodes',
      '-keyout',
      `${kind}-${name}.key`,
      '-out',
      `${kind}-${name}.csr`,
      '-subj',
      // The leaf's CN repeats its SAN, as the webpki profile (CABF 7.1.4.3) requires.
      name === 'leaf' ? '/CN=bench.test' : `/CN=${kind} ${name}`,
    ]);
    ext(name, extension);
    run([
      'x509',
      '-req',
      '-in',
      `${kind}-${name}.csr`,
      '-CA',
      `${kind}-${issuer}.pem`,
      '-CAkey',
      `${kind}-${issuer}.key`,
      '-CAcreateserial',
      '-out',
      `${kind}-${name}.pem`,
      '-days',
      '30',
      '-extfile',
      `${kind}-${name}.ext`,
    ]);
  }
  const pem = (name) => readFileSync(join(dir, `${kind}-${name}.pem`), 'utf8');
  return { root: pem('root'), inter: pem('inter'), leaf: pem('leaf') };
}

async function time(fn) {
  for (let i = 0; i < 3; i++) await fn();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await fn();
  return (performance.now() - start) / iterations;
}

const der = (pem) => decodePem(pem)[0].der;
let nodeProvider;
try {
  ({ nodeProvider } = await import('@sslsocket/provider-node'));
} catch {
  nodeProvider = undefined;
}
console.log(
  `ms per validation of a 3-certificate chain (${iterations} iterations; parsed certificates are cached, as in a server's steady state)`,
);
console.log(
  `${'chain'.padEnd(8)}${'node X509#verify'.padStart(18)}${'ours (node)'.padStart(14)}${'ours (noble)'.padStart(14)}${'ratio (node)'.padStart(14)}`,
);
for (const kind of ['ecdsa', 'rsa']) {
  const chain = makeChain(kind);
  const certs = [chain.leaf, chain.inter, chain.root].map((pem) => new X509Certificate(pem));
  const reference = await time(() => {
    if (
      !certs[0].verify(certs[1].publicKey) ||
      !certs[1].verify(certs[2].publicKey) ||
      !certs[2].verify(certs[2].publicKey)
    )
      throw new Error('node verify failed');
  });
  const options = (provider) => ({
    roots: [der(chain.root)],
    untrusted: [der(chain.inter)],
    hostname: 'bench.test',
    purpose: 'sslserver',
    provider,
  });
  const ours =
    nodeProvider === undefined ? Number.NaN : await time(() => verifyChain([der(chain.leaf)], options(nodeProvider)));
  const noble = await time(() => verifyChain([der(chain.leaf)], options(nobleProvider)));
  console.log(
    `${kind.padEnd(8)}${reference.toFixed(3).padStart(18)}${ours.toFixed(3).padStart(14)}${noble.toFixed(3).padStart(14)}${(reference / ours).toFixed(2).padStart(14)}`,
  );
}
rmSync(dir, { recursive: true, force: true });
