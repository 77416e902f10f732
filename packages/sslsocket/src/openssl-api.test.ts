// TLS 1.3 interop through the public API (connect / listen / accept), against real `openssl s_server`
// and `openssl s_client` processes on 127.0.0.1: every suite, group and signature scheme, ALPN, SNI,
// client authentication both ways, resumption, KeyUpdate (openssl's `k` / `K` commands) and
// HelloRetryRequest.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientOptions,
  clearSessions,
  connect,
  listen,
  type ServerOptions,
  type SslListenSocket,
  type SslSocket,
} from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'sslsocket-openssl-api-'));
const file = (name: string) => join(dir, name);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** `openssl req -newkey` arguments for each leaf key type. */
const KEY_TYPES: Record<string, string> = {
  rsa: '-newkey rsa:2048',
  'rsa-pss': '-newkey rsa-pss -pkeyopt rsa_keygen_bits:2048',
  p256: '-newkey ec -pkeyopt ec_paramgen_curve:P-256',
  p384: '-newkey ec -pkeyopt ec_paramgen_curve:P-384',
  p521: '-newkey ec -pkeyopt ec_paramgen_curve:P-521',
  ed25519: '-newkey ed25519',
  ed448: '-newkey ed448',
};

/** A command line as arguments (no argument here contains a space; temporary paths do not either). */
const args = (line: string) => line.split(' ');

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A leaf signed by our test CA, valid for `name`: files <label>.pem / <label>.key. */
function issue(label: string, keyType: string, name: string): void {
  const [key, cert, ca, caKey] = [file(`${label}.key`), file(`${label}.pem`), file('ca.pem'), file('ca.key')];
  openssl(
    ...args(`req -x509 ${KEY_TYPES[keyType]} -nodes -keyout ${key} -out ${cert} -subj /CN=${name} -days 2`),
    ...args(`-addext subjectAltName=DNS:${name} -addext basicConstraints=critical,CA:FALSE -CA ${ca} -CAkey ${caKey}`),
    // The webpki profile (the default) wants the purpose in extendedKeyUsage (CABF 7.1.2.7.6).
    ...args('-addext extendedKeyUsage=serverAuth,clientAuth'),
  );
}

const pem = (label: string) => readFileSync(file(`${label}.pem`), 'utf8');
const keyPem = (label: string) => readFileSync(file(`${label}.key`), 'utf8');

beforeAll(() => {
  openssl(
    ...args(`req -x509 ${KEY_TYPES.p256} -nodes -keyout ${file('ca.key')} -out ${file('ca.pem')} -days 2`),
    '-subj',
    '/CN=interop CA',
  );
  for (const keyType of Object.keys(KEY_TYPES)) issue(keyType, keyType, 'server.test');
  issue('other', 'p256', 'other.test');
  issue('client', 'p256', 'client.test');
});

/** A running openssl process with its combined output. */
class Openssl {
  output = '';
  private readonly exited: Promise<void>;
  private readonly child: ChildProcess;

  constructor(args: string[]) {
    this.child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString();
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.child.stdin?.on('error', () => undefined);
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    running.add(this);
  }

  /** Resolves once `pattern` shows in the output; fails after `ms` or when openssl exits first. */
  async waitFor(pattern: string | RegExp, ms = 5000): Promise<RegExpMatchArray | string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = typeof pattern === 'string' ? this.output.includes(pattern) : this.output.match(pattern);
      if (found) return typeof pattern === 'string' ? pattern : (found as RegExpMatchArray);
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`openssl: no ${String(pattern)} in output:\n${this.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** How many times `needle` shows in the output so far. */
  count(needle: string): number {
    return this.output.split(needle).length - 1;
  }

  write(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  /** Closes stdin (s_client then sends close_notify and exits) and waits for the exit. */
  async finish(): Promise<void> {
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await this.exited;
    clearTimeout(timer);
    running.delete(this);
  }

  async stop(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
    running.delete(this);
  }
}

const running = new Set<Openssl>();
const listeners = new Set<SslListenSocket>();

afterEach(async () => {
  for (const process of [...running]) await process.stop();
  for (const listener of [...listeners]) await listener.close();
  listeners.clear();
  clearSessions();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** openssl s_server on a free port, TLS 1.3 only, with `leaf`'s certificate. */
async function sServer(extra: string[] = [], leaf = 'p256'): Promise<{ server: Openssl; port: number }> {
  const server = new Openssl([
    ...args(`s_server -accept 127.0.0.1:0 -tls1_3 -cert ${file(`${leaf}.pem`)} -key ${file(`${leaf}.key`)}`),
    ...extra,
  ]);
  const match = (await server.waitFor(/ACCEPT 127\.0\.0\.1:(\d+)/)) as RegExpMatchArray;
  return { server, port: Number(match[1]) };
}

/** Our client, verifying the server as server.test against the test CA. */
function ourClient(port: number, options: ClientOptions = {}): Promise<SslSocket> {
  return connect('127.0.0.1', port, {
    cacerts: [pem('ca')],
    serverNameIndication: 'server.test',
    handshakeTimeoutMs: 5000,
    ...options,
  });
}

/** Our server on a free port, with `leaf`'s certificate. */
async function ourServer(options: ServerOptions = {}, leaf = 'p256'): Promise<SslListenSocket> {
  const listener = await listen(0, { host: '127.0.0.1', cert: pem(leaf), key: keyPem(leaf), ...options });
  listeners.add(listener);
  return listener;
}

/** openssl s_client to our listener, TLS 1.3 only, verifying server.test against the test CA. */
function sClient(listener: SslListenSocket, extra: string[] = []): Openssl {
  return new Openssl([
    ...args(`s_client -connect 127.0.0.1:${listener.address.port} -tls1_3 -servername server.test`),
    ...args(`-CAfile ${file('ca.pem')} -verify_return_error -verify_hostname server.test`),
    ...extra,
  ]);
}

/** Reads until `expected` has arrived. */
async function recvText(socket: SslSocket, expected: string): Promise<void> {
  let received = '';
  while (!received.includes(expected)) received += text(await socket.recv(0, 5000));
}

let serial = 0;

/** One line each way: ours reaches openssl's stdout, openssl's stdin line reaches us. */
async function exchange(socket: SslSocket, peer: Openssl): Promise<void> {
  serial += 1;
  await socket.send(`from-sslsocket-${serial}\n`);
  await peer.waitFor(`from-sslsocket-${serial}`);
  peer.write(`from-openssl-${serial}`);
  await recvText(socket, `from-openssl-${serial}`);
}

const SUITES = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_CCM_SHA256',
  'TLS_AES_128_CCM_8_SHA256',
];
// [our name, openssl's name]
const GROUPS: [string, string][] = [
  ['x25519', 'X25519'],
  ['x448', 'X448'],
  ['secp256r1', 'P-256'],
  ['secp384r1', 'P-384'],
  ['secp521r1', 'P-521'],
  ['ffdhe2048', 'ffdhe2048'],
  ['ffdhe3072', 'ffdhe3072'],
];
// [leaf key type, scheme]
const SCHEMES: [string, string][] = [
  ['p256', 'ecdsa_secp256r1_sha256'],
  ['p384', 'ecdsa_secp384r1_sha384'],
  ['p521', 'ecdsa_secp521r1_sha512'],
  ['rsa', 'rsa_pss_rsae_sha256'],
  ['rsa', 'rsa_pss_rsae_sha512'],
  ['rsa-pss', 'rsa_pss_pss_sha256'],
  ['ed25519', 'ed25519'],
  ['ed448', 'ed448'],
];

/** How s_client names the peer's signature type, by scheme family. */
const OPENSSL_SIGNATURE_TYPE: Record<string, string> = {
  ecdsa: 'ECDSA',
  rsa_pss_rsae: 'RSA-PSS',
  rsa_pss_pss: 'RSA-PSS',
  ed25519: 'ed25519',
  ed448: 'ed448',
};

describe('our client (connect) against openssl s_server', () => {
  it.each(SUITES)('suite %s', async (suite) => {
    const { server, port } = await sServer(['-ciphersuites', suite]);
    const socket = await ourClient(port, { ciphers: [suite] });
    expect(socket.connectionInformation()).toMatchObject({ protocol: 'tlsv1.3', selectedCipherSuite: suite });
    await exchange(socket, server);
    await server.waitFor(`CIPHER is ${suite}`);
    await socket.close();
  });

  it.each(GROUPS)('group %s', async (group, opensslGroup) => {
    const { server, port } = await sServer(['-groups', opensslGroup]);
    const socket = await ourClient(port, { eccs: [group as 'x25519'] });
    expect(socket.connectionInformation()).toMatchObject({ negotiatedGroup: group, helloRetry: false });
    await exchange(socket, server);
    await socket.close();
  });

  it.each(SCHEMES)('%s certificate signing with %s', async (leaf, scheme) => {
    const { server, port } = await sServer([], leaf);
    const socket = await ourClient(port, {
      signatureAlgs: [scheme as 'ed25519'],
      signatureAlgsCert: ['ecdsa_secp256r1_sha256'],
    });
    expect(socket.connectionInformation().signatureScheme).toBe(scheme);
    await exchange(socket, server);
    await socket.close();
  });

  it('ALPN: the server picks from what we offer', async () => {
    const { server, port } = await sServer(['-alpn', 'http/1.1']);
    const socket = await ourClient(port, { alpnAdvertisedProtocols: ['h2', 'http/1.1'] });
    expect(socket.negotiatedProtocol()).toBe('http/1.1');
    await exchange(socket, server);
    await socket.close();
  });

  it('SNI: the server answers server.test with its second certificate', async () => {
    const { server, port } = await sServer(
      ['-servername', 'server.test', '-cert2', file('p384.pem'), '-key2', file('p384.key')],
      'other',
    );
    const socket = await ourClient(port);
    // Only server.test's certificate (P-384) passes our hostname check, so SNI reached openssl.
    expect(socket.connectionInformation().signatureScheme).toBe('ecdsa_secp384r1_sha384');
    await exchange(socket, server);
    await socket.close();
  });

  it('client authentication: openssl -Verify accepts our certificate', async () => {
    const { server, port } = await sServer(['-Verify', '1', '-verifyCAfile', file('ca.pem'), '-verify_return_error']);
    const socket = await ourClient(port, { cert: pem('client'), key: keyPem('client') });
    await exchange(socket, server);
    await server.waitFor('CN = client.test');
    await socket.close();
  });

  it('client authentication: without a certificate openssl -Verify refuses us', async () => {
    const { port } = await sServer(['-Verify', '1', '-verifyCAfile', file('ca.pem')]);
    // TLS 1.3 clients finish first (RFC 8446 §4.4.2.4), so the alert may come after connect().
    const failure = ourClient(port).then((socket) => socket.recv(0, 5000));
    await expect(failure).rejects.toMatchObject({ name: 'TlsAlert', description: 'certificate_required' });
  });

  it('resumption: the second connection resumes with a saved ticket (reuseSessions)', async () => {
    const { server, port } = await sServer();
    const first = await ourClient(port);
    await exchange(first, server);
    expect(first.connectionInformation().sessionResumption).toBe(false);
    expect(first.savedSessions.length).toBeGreaterThan(0);
    await first.close();
    const second = await ourClient(port);
    expect(second.connectionInformation().sessionResumption).toBe(true);
    await exchange(second, server);
    await second.close();
    const third = await ourClient(port, { reuseSessions: false });
    expect(third.connectionInformation().sessionResumption).toBe(false);
    await third.close();
  });

  it('KeyUpdate: openssl k and K, and our updateKeys both ways', async () => {
    const { server, port } = await sServer();
    const socket = await ourClient(port);
    await exchange(socket, server);
    // s_server reports each KeyUpdate it sends as "SSL_do_handshake -> 1".
    server.write('k'); // update_not_requested
    await exchange(socket, server);
    server.write('K'); // update_requested: we answer with our own KeyUpdate
    await exchange(socket, server);
    expect(server.count('SSL_do_handshake -> 1')).toBe(2);
    await socket.updateKeys('write');
    await exchange(socket, server);
    await socket.updateKeys('readWrite');
    await exchange(socket, server);
    await socket.close();
  });

  it('HelloRetryRequest: openssl wants a group we did not send a share for', async () => {
    const { server, port } = await sServer(['-groups', 'P-384']);
    const socket = await ourClient(port, { eccs: ['x25519', 'secp384r1'] });
    expect(socket.connectionInformation()).toMatchObject({ helloRetry: true, negotiatedGroup: 'secp384r1' });
    await exchange(socket, server);
    await socket.close();
  });
});

describe('openssl s_client against our server (listen / accept)', () => {
  it.each(SUITES)('suite %s', async (suite) => {
    const listener = await ourServer({ ciphers: [suite] });
    const client = sClient(listener, ['-ciphersuites', suite]);
    const socket = await listener.accept();
    expect(socket.connectionInformation().selectedCipherSuite).toBe(suite);
    await exchange(socket, client);
    await client.waitFor(`Cipher is ${suite}`);
    await socket.close();
  });

  it.each(GROUPS)('group %s', async (group, opensslGroup) => {
    const listener = await ourServer();
    const client = sClient(listener, ['-groups', opensslGroup]);
    const socket = await listener.accept();
    expect(socket.connectionInformation()).toMatchObject({ negotiatedGroup: group, helloRetry: false });
    await exchange(socket, client);
    await socket.close();
  });

  it.each(SCHEMES)('%s certificate signing with %s', async (leaf, scheme) => {
    const listener = await ourServer({}, leaf);
    // -sigalgs offers this one scheme: openssl refuses a CertificateVerify with any other.
    const client = sClient(listener, ['-sigalgs', scheme]);
    const socket = await listener.accept();
    await exchange(socket, client);
    await client.waitFor(
      `Peer signature type: ${OPENSSL_SIGNATURE_TYPE[scheme.replace(/_sha\d+$|_secp\d+r1_sha\d+$/, '')]}`,
    );
    await client.waitFor('Verify return code: 0 (ok)');
    await socket.close();
  });

  it('ALPN and SNI: sniHosts picks the certificate, alpnPreferredProtocols the protocol', async () => {
    const listener = await ourServer(
      {
        alpnPreferredProtocols: ['h2', 'http/1.1'],
        sniHosts: { 'server.test': { cert: pem('p384'), key: keyPem('p384') } },
      },
      'other',
    );
    const client = sClient(listener, ['-alpn', 'http/1.1,h2']);
    const socket = await listener.accept();
    expect(socket.negotiatedProtocol()).toBe('h2');
    expect(socket.connectionInformation().sniHostname).toBe('server.test');
    await exchange(socket, client);
    await client.waitFor('ALPN protocol: h2');
    // sniHosts' certificate (P-384), not the default one (other.test), reached openssl.
    await client.waitFor('CN = server.test');
    await client.waitFor('Peer signing digest: SHA384');
    await socket.close();
  });

  it('SNI: sniFun chooses the certificate per name, and undefined fails the handshake', async () => {
    const asked: (string | undefined)[] = [];
    const listener = await ourServer({
      sniFun: (name) => {
        asked.push(name);
        return name === 'server.test' ? { cert: pem('ed25519'), key: keyPem('ed25519') } : undefined;
      },
    });
    const client = sClient(listener);
    const socket = await listener.accept();
    await exchange(socket, client);
    await client.waitFor('Peer signature type: ed25519');
    await socket.close();
    const refused = sClient(listener, ['-servername', 'unknown.test']);
    await expect(listener.accept()).rejects.toMatchObject({ name: 'TlsAlert', description: 'unrecognized_name' });
    await refused.waitFor(/unrecognized name/i);
    expect(asked).toEqual(['server.test', 'unknown.test']);
  });

  it('client authentication: we verify openssl certificate (failIfNoPeerCert)', async () => {
    const listener = await ourServer({ verify: 'verify_peer', cacerts: [pem('ca')], failIfNoPeerCert: true });
    const client = sClient(listener, ['-cert', file('client.pem'), '-key', file('client.key')]);
    const socket = await listener.accept();
    expect(socket.peerCertificate()?.subject).toMatch(/client\.test/);
    await exchange(socket, client);
    await socket.close();
  });

  it('client authentication: a client without a certificate is refused', async () => {
    const listener = await ourServer({ verify: 'verify_peer', cacerts: [pem('ca')], failIfNoPeerCert: true });
    const client = sClient(listener);
    await expect(listener.accept()).rejects.toMatchObject({ name: 'TlsAlert', description: 'certificate_required' });
    await client.waitFor(/alert certificate required|certificate_required/i);
  });

  it('resumption: s_client -sess_out then -sess_in resumes with our ticket', async () => {
    const listener = await ourServer();
    const session = file('session.pem');
    const first = sClient(listener, ['-sess_out', session]);
    const firstSocket = await listener.accept();
    await exchange(firstSocket, first);
    await first.finish();
    await firstSocket.close();
    expect(existsSync(session)).toBe(true);
    const second = sClient(listener, ['-sess_in', session]);
    const secondSocket = await listener.accept();
    expect(secondSocket.connectionInformation().sessionResumption).toBe(true);
    await exchange(secondSocket, second);
    await second.waitFor('Reused, TLSv1.3');
    await secondSocket.close();
  });

  it('KeyUpdate: s_client k and K, and our updateKeys both ways', async () => {
    const listener = await ourServer();
    const client = sClient(listener);
    const socket = await listener.accept();
    await exchange(socket, client);
    client.write('k');
    await exchange(socket, client);
    client.write('K');
    await exchange(socket, client);
    expect(client.count('KEYUPDATE')).toBe(2);
    await socket.updateKeys('readWrite');
    await exchange(socket, client);
    await socket.close();
  });

  it('HelloRetryRequest: we ask openssl for a share of our group', async () => {
    const listener = await ourServer({ eccs: ['secp256r1'] });
    const client = sClient(listener, ['-groups', 'X25519:P-256']);
    const socket = await listener.accept();
    expect(socket.connectionInformation()).toMatchObject({ helloRetry: true, negotiatedGroup: 'secp256r1' });
    await exchange(socket, client);
    await socket.close();
  });
});
