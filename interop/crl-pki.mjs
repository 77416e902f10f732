// A small CA made with `openssl ca` at test time, whose leaves name an http CRL distribution point
// on a local node:http server, for the CRL-download tests (pkix unit tests and interop cases).
// Only node built-ins and the openssl command: usable from vitest and from interop/run.mjs.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * An HTTP server on 127.0.0.1 and a free port serving `files` (path → bytes, changeable), counting
 * requests per path. `hold` paths never answer (for timeouts).
 */
export async function serveFiles() {
  const files = new Map();
  const hits = new Map();
  const hold = new Set();
  const held = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (hold.has(path)) {
      held.push(res);
      return;
    }
    const body = files.get(path);
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/pkix-crl', 'content-length': body.length }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    files,
    hits,
    hold,
    close: () =>
      new Promise((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/**
 * A TCP server on 127.0.0.1 that closes every connection at once: a distribution point that cannot
 * be reached. (A refused port is no good for OpenSSL 3.0's `-crl_download`, which retries a refused
 * connection without end.)
 */
export async function closingServer() {
  const server = createNetServer((socket) => socket.destroy());
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** A port nothing listens on (bound then released): a refused connection. */
export async function deadPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Makes the CA in a temp dir: `ca.pem` (root) and one leaf `<name>.pem` per entry of `leaves`
 * (name → its distribution point URL), the `revoke` ones revoked (keyCompromise), and `ca.crl`
 * (DER, from `openssl ca -gencrl`, valid 7 days). Returns paths and the CRL bytes.
 */
export async function makeCrlPki(leaves, revoke) {
  const dir = mkdtempSync(join(tmpdir(), 'crl-pki-'));
  const path = (name) => join(dir, name);
  const openssl = (args) => run('openssl', args, { cwd: dir });
  writeFileSync(path('index.txt'), '');
  writeFileSync(path('crlnumber'), '01\n');
  writeFileSync(
    path('ca.cnf'),
    [
      '[ca]',
      'default_ca = d',
      '[d]',
      `database = ${path('index.txt')}`,
      `new_certs_dir = ${dir}`,
      `certificate = ${path('ca.pem')}`,
      `private_key = ${path('ca.key')}`,
      `crlnumber = ${path('crlnumber')}`,
      `serial = ${path('serial')}`,
      'default_md = sha256',
      'default_days = 20',
      'default_crl_days = 7',
      'unique_subject = no',
      'policy = p',
      'crl_extensions = crl_ext',
      '[p]',
      'commonName = supplied',
      '[crl_ext]',
      'authorityKeyIdentifier = keyid:always',
      '',
    ].join('\n'),
  );
  const key = (name) =>
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path(`${name}.key`)]);
  await key('ca');
  await openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    path('ca.key'),
    '-subj',
    '/CN=CRL Download Test CA',
    '-days',
    '30',
    '-sha256',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-addext',
    'subjectKeyIdentifier=hash',
    '-out',
    path('ca.pem'),
  ]);
  // Keys and requests side by side (the slow part); `openssl ca` signs one at a time (its database).
  const request = async (name, url) => {
    await key(name);
    await openssl([
      'req',
      '-new',
      '-key',
      path(`${name}.key`),
      '-subj',
      `/CN=${name}.localhost`,
      '-out',
      path(`${name}.csr`),
    ]);
    writeFileSync(
      path(`${name}.ext`),
      [
        '[ext]',
        'basicConstraints = critical,CA:FALSE',
        'keyUsage = critical,digitalSignature',
        'extendedKeyUsage = serverAuth',
        `subjectAltName = DNS:${name}.localhost`,
        'subjectKeyIdentifier = hash',
        'authorityKeyIdentifier = keyid',
        `crlDistributionPoints = URI:${url}`,
        '',
      ].join('\n'),
    );
  };
  const sign = async (name) => {
    await openssl([
      'ca',
      '-batch',
      '-config',
      path('ca.cnf'),
      '-rand_serial',
      '-notext',
      '-extfile',
      path(`${name}.ext`),
      '-extensions',
      'ext',
      '-in',
      path(`${name}.csr`),
      '-out',
      path(`${name}.pem`),
    ]);
  };
  await Promise.all(Object.entries(leaves).map(([name, url]) => request(name, url)));
  for (const name of Object.keys(leaves)) await sign(name);
  for (const name of revoke)
    await openssl(['ca', '-config', path('ca.cnf'), '-revoke', path(`${name}.pem`), '-crl_reason', 'keyCompromise']);
  await openssl(['ca', '-config', path('ca.cnf'), '-gencrl', '-out', path('ca.crl.pem')]);
  await openssl(['crl', '-in', path('ca.crl.pem'), '-outform', 'DER', '-out', path('ca.crl')]);
  return {
    dir,
    path,
    crl: new Uint8Array(readFileSync(path('ca.crl'))),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `openssl verify -crl_check -crl_download -CAfile ca.pem leaf.pem`: 0 for OK, else the X509_V_ERR code. */
export async function opensslVerdict(pki, leafName) {
  try {
    await run('openssl', [
      'verify',
      '-crl_check',
      '-crl_download',
      '-CAfile',
      pki.path('ca.pem'),
      pki.path(`${leafName}.pem`),
    ]);
    return 0;
  } catch (error) {
    const match = /error (\d+) at/.exec(`${error.stdout}${error.stderr}`);
    if (match === null)
      throw new Error(`openssl verify said neither OK nor an error code: ${error.stdout}${error.stderr}`);
    return Number(match[1]);
  }
}
