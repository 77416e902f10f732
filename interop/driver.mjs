// Interop driver: runs our TLS 1.3 engine against a real `openssl` 3 process over 127.0.0.1.
// Used by interop/run.mjs (built dist) and interop/smoke.test.ts (sources, through vitest). The
// engine modules are passed in, so this file imports only node built-ins.
import { execFileSync, spawn } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const b64u = (s) => new Uint8Array(Buffer.from(s, 'base64url'));
const bigU = (s) => BigInt(`0x${Buffer.from(s, 'base64url').toString('hex') || '0'}`);

/** Minimal DER walk for an RSASSA-PSS PKCS#8 key (node cannot export those as JWK). */
function rsaFromPkcs8(der) {
  const tlv = (buf, at) => {
    let len = buf[at + 1];
    let off = at + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + buf[off + i];
      off += n;
    }
    return { tag: buf[at], start: off, end: off + len };
  };
  const kids = (buf, t) => {
    const out = [];
    for (let at = t.start; at < t.end; ) {
      const c = tlv(buf, at);
      out.push(c);
      at = c.end;
    }
    return out;
  };
  const info = tlv(der, 0);
  const octet = kids(der, info)[2];
  const rsaSeq = tlv(der, octet.start);
  const ints = kids(der, rsaSeq).map((t) => BigInt(`0x${Buffer.from(der.subarray(t.start, t.end)).toString('hex')}`));
  const [, n, e, d, p, q, dp, dq, qi] = ints;
  return { kind: 'rsa-pss', n, e, d, p, q, dp, dq, qi };
}

/** Converts a PEM private key to the engine's PrivateKey (via JWK; test code only). */
export function privateKeyFromPem(pem) {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType === 'rsa-pss') return rsaFromPkcs8(key.export({ format: 'der', type: 'pkcs8' }));
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty === 'RSA') {
    return {
      kind: 'rsa',
      n: bigU(jwk.n),
      e: bigU(jwk.e),
      d: bigU(jwk.d),
      p: bigU(jwk.p),
      q: bigU(jwk.q),
      dp: bigU(jwk.dp),
      dq: bigU(jwk.dq),
      qi: bigU(jwk.qi),
    };
  }
  if (jwk.kty === 'EC') {
    const point = new Uint8Array([4, ...b64u(jwk.x), ...b64u(jwk.y)]);
    return { kind: 'ec', curve: jwk.crv, d: b64u(jwk.d), point };
  }
  if (jwk.kty === 'OKP')
    return { kind: jwk.crv === 'Ed25519' ? 'ed25519' : 'ed448', seed: b64u(jwk.d), key: b64u(jwk.x) };
  throw new Error(`unsupported key ${jwk.kty}`);
}

function pemToDer(pem) {
  return new Uint8Array(new X509Certificate(pem).raw);
}

/** Key types for each signature scheme, as `openssl req -newkey` arguments. */
export const KEY_TYPES = {
  rsa: ['-newkey', 'rsa:2048'],
  'rsa-pss': ['-newkey', 'rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048'],
  p256: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  p384: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  p521: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521'],
  ed25519: ['-newkey', 'ed25519'],
  ed448: ['-newkey', 'ed448'],
};

/** Generates self-signed certificates for the given key types into a fresh temp dir. */
export function makeCredentials(types, cn = 'localhost') {
  const dir = mkdtempSync(join(tmpdir(), 'sslsocket-interop-'));
  const creds = { dir };
  for (const type of types) {
    const certPath = join(dir, `${type}.crt`);
    const keyPath = join(dir, `${type}.key`);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        ...KEY_TYPES[type],
        '-nodes',
        '-keyout',
        keyPath,
        '-out',
        certPath,
        '-days',
        '2',
        '-subj',
        `/CN=${cn}`,
        '-addext',
        `subjectAltName=DNS:${cn}`,
        // An end-entity certificate with its purpose, as the webpki profile (the default) requires.
        '-addext',
        'basicConstraints=critical,CA:FALSE',
        '-addext',
        'extendedKeyUsage=serverAuth,clientAuth',
      ],
      { stdio: 'ignore', timeout: 30000 },
    );
    const pem = readFileSync(certPath, 'utf8');
    creds[type] = {
      certPath,
      keyPath,
      der: pemToDer(pem),
      privateKey: privateKeyFromPem(readFileSync(keyPath, 'utf8')),
    };
  }
  return creds;
}

export function removeCredentials(creds) {
  rmSync(creds.dir, { recursive: true, force: true });
}

export function writeTemp(creds, name, data) {
  const path = join(creds.dir, name);
  writeFileSync(path, data);
  return path;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const children = new Set();

/** Spawns openssl; resolves once `ready` appears on stdout/stderr (or immediately if no marker). */
export function spawnOpenssl(args, options = {}) {
  return spawnPeer('openssl', args, options);
}

/**
 * Spawns a peer program (openssl, gnutls-serv, python3 ...); resolves once `ready` appears on its
 * stdout/stderr (or immediately if no marker). `child.output` collects everything it prints; `env`
 * adds variables to ours.
 */
export function spawnPeer(command, args, { ready, timeout = 10000, stdin, env } = {}) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.add(child);
  child.output = '';
  const onData = (d) => {
    child.output += d.toString('latin1');
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.on('error', (e) => {
    child.output += `spawn ${command}: ${e.message}`;
  });
  child.on('exit', () => children.delete(child));
  if (stdin !== undefined) child.stdin.write(stdin);
  if (ready === undefined) return Promise.resolve(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} not ready: ${child.output.slice(-300)}`)), timeout);
    const check = () => {
      if (child.output.includes(ready)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`${command} exited: ${child.output.slice(-300)}`));
    });
  });
}

/** Kills every peer process we started (by its own pid). */
export function killAll() {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
}

export function waitFor(predicate, timeout, what) {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = () => {
      let v;
      try {
        v = predicate();
      } catch (e) {
        reject(e);
        return;
      }
      if (v) resolve(v);
      else if (Date.now() - start > timeout) reject(new Error(`timeout waiting for ${what}`));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

/** Waits until the connection behind `h` (from `attach`) has completed its handshake; throws its error. */
export async function handshakeOf(h) {
  await waitFor(() => h.complete || h.error, CASE_WAIT, 'handshake');
  if (h.error) throw h.error;
}

/** Waits until the connection behind `h` has received `text`; throws its error. */
export async function receivedOf(h, text, what) {
  await waitFor(() => h.data.includes(text) || h.error, CASE_WAIT, what);
  if (h.error) throw h.error;
}

/** Attaches `conn` to the one connection a `listenOnce` listener accepts, then closes the listener. */
export async function attachAccepted(conn, l) {
  const sock = await l.accepted;
  l.close();
  return { sock, h: attach(conn, sock) };
}

/**
 * Pumps bytes between a node socket and a Connection. Returns a handle that collects events and
 * received data; `flush()` sends pending output.
 */
export function attach(conn, socket) {
  const h = { events: [], data: '', complete: undefined, error: undefined, tickets: [], closed: false, socket };
  recordTranscript(conn, socket);
  conn.on((e) => {
    h.events.push(e);
    if (e.type === 'data') h.data += Buffer.from(e.data).toString('latin1');
    if (e.type === 'handshakeComplete') h.complete = e.parameters;
    if (e.type === 'error') h.error = e.error;
    if (e.type === 'newSessionTicket') h.tickets.push(e.session);
    if (e.type === 'closed') h.closed = true;
  });
  h.flush = () => {
    const out = conn.takeOutput();
    if (out !== null && !socket.destroyed) socket.write(out);
  };
  let chain = Promise.resolve();
  socket.on('data', (d) => {
    chain = chain.then(async () => {
      await conn.receive(new Uint8Array(d));
      h.flush();
    });
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    h.socketClosed = true;
  });
  return h;
}

let transcriptCase = 'unnamed';
let transcriptCount = 0;

/** Names the transcripts recorded from now on (run.mjs calls it with each case's name). */
export function setTranscriptCase(name) {
  transcriptCase = name;
}

/**
 * With SSLSOCKET_TRANSCRIPTS=dir, writes each connection's bytes to dir as JSON: what the peer
 * (openssl) sent, chunk by chunk, and what we sent. The fuzzer (test/fuzz) replays the peer's
 * side into a fresh engine of the same role.
 */
function recordTranscript(conn, socket) {
  const dir = process.env.SSLSOCKET_TRANSCRIPTS;
  if (dir === undefined || dir === '') return;
  const role = conn instanceof Object && conn.constructor.name === 'ServerConnection' ? 'server' : 'client';
  const received = [];
  const sent = [];
  socket.on('data', (d) => received.push(Buffer.from(d).toString('hex')));
  const write = socket.write.bind(socket);
  socket.write = (data, ...rest) => {
    sent.push(Buffer.from(data).toString('hex'));
    return write(data, ...rest);
  };
  let version;
  conn.on((e) => {
    if (e.type === 'handshakeComplete') version = e.parameters.version;
  });
  socket.on('close', () => {
    if (received.length === 0) return;
    const name = `${String(++transcriptCount).padStart(3, '0')}-${role}-${transcriptCase.replace(/[^a-zA-Z0-9]+/g, '-')}`;
    const record = { case: transcriptCase, role, version, received, sent };
    writeFileSync(join(dir, `${name.slice(0, 90)}.json`), `${JSON.stringify(record, null, 1)}\n`);
  });
}

export function connectTo(port) {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

/** A one-connection TCP listener on a free port. */
export async function listenOnce() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise((resolve) => server.once('connection', resolve));
  return { port: server.address().port, accepted, close: () => server.close() };
}

/** How long a case waits for a handshake, an echo or a line at the peer. */
export const CASE_WAIT = 15000;

/** Starts `openssl s_server` with one of env's credentials, limited to `version` ('-tls1_3', '-tls1_2') if given. */
export async function startServer(env, { keyType = 'p256', args = [], rev = true, version }) {
  const port = await freePort();
  const c = env.creds[keyType];
  const srv = await spawnOpenssl(
    ['s_server', '-accept', String(port), '-cert', c.certPath, '-key', c.keyPath].concat(
      version === undefined ? [] : [version],
      rev ? ['-rev'] : [],
      args,
    ),
    { ready: 'ACCEPT' },
  );
  return { port, srv, cert: c };
}

/** Connects our engine client to `port` and waits for its handshake. */
export async function ourClient(env, port, config) {
  const sock = await connectTo(port);
  const conn = new env.lib.ClientConnection({ provider: env.provider, serverName: 'localhost', ...config });
  const h = attach(conn, sock);
  await conn.start();
  h.flush();
  await handshakeOf(h);
  return { conn, h, sock };
}

/** Sends a line to an `s_server -rev` and waits for it to come back reversed. */
export async function echo(conn, h, text = 'hello') {
  conn.write(new TextEncoder().encode(`${text}\n`));
  h.flush();
  const want = [...text].reverse().join('');
  await receivedOf(h, want, 'echo');
}

/** Closes our side, drops the socket and kills the openssl process, whatever state they are in. */
export function finish(conn, h, sock, proc) {
  try {
    conn.close();
    h.flush();
  } catch {
    // already closed
  }
  sock.destroy();
  proc?.kill('SIGKILL');
}

/**
 * Our engine server with one of env's credentials (plus `config`), and `openssl s_client` connecting
 * to it with `args`. Returns once the TCP connection is up; the handshake runs through `h`.
 */
export async function serveOpensslClient(env, { keyType = 'p256', config = {}, args = [] }) {
  const c = env.creds[keyType];
  const l = await listenOnce();
  const conn = new env.lib.ServerConnection({
    provider: env.provider,
    certificateChain: [c.der],
    privateKey: c.privateKey,
    ...config,
  });
  const cli = await spawnOpenssl(['s_client', '-connect', `127.0.0.1:${l.port}`, ...args]);
  const sock = await l.accepted;
  l.close();
  return { conn, h: attach(conn, sock), cli, sock, cert: c };
}
