import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, listen, SocketStateError, type SslListenSocket } from './index.js';
import { OpensslPki, until } from './test/openssl-pki.js';

// Issue #22: engine features reachable through connect()/listen(), each against OpenSSL: TLS 1.3
// external PSK on the client, pskModes, post-handshake client authentication, and 0-RTT reporting
// on both sides (OCSP stapling: ocsp-stapling.test.ts).

const pki = new OpensslPki();
beforeAll(() => pki.make());
afterAll(() => pki.dispose());
const file = (name: string) => pki.file(name);
const pem = (name: string) => pki.pem(name);
const openssl = (args: string[]) => pki.run(args);
const spawnOpenssl = (args: string[]) => pki.spawn(args);
const opensslServer = (args: string[]) => pki.server(args);
const PSK = '1a2b3c4d5e6f7081';
const pskBytes = Uint8Array.from(PSK.match(/../g) ?? [], (h) => Number.parseInt(h, 16));

const pskClient = { pskIdentity: 'Client_identity', userLookupFun: () => pskBytes, verify: 'verify_none' as const };

describe('TLS 1.3 external PSK on the client (pskIdentity + userLookupFun)', () => {
  it('connects to openssl s_server -psk -nocert -tls1_3 with the same options as TLS 1.2 PSK', async () => {
    const { port, child } = await opensslServer([
      '-psk',
      PSK,
      '-psk_identity',
      'Client_identity',
      '-nocert',
      '-tls1_3',
    ]);
    const socket = await connect('127.0.0.1', port, { ...pskClient, versions: ['tlsv1.3'], reuseSessions: false });
    const info = socket.connectionInformation();
    expect(info.protocol).toBe('tlsv1.3');
    expect(info.negotiatedGroup).toBeDefined();
    await socket.send('psk hello\n');
    await until(() => child.output().includes('psk hello'));
    await socket.close({ timeoutMs: 500 });
  });

  it("pskModes: ['psk_ke'] makes a PSK-only handshake (no key share), against -allow_no_dhe_kex", async () => {
    const { port, child } = await opensslServer([
      ...['-psk', PSK, '-psk_identity', 'Client_identity', '-nocert', '-tls1_3', '-allow_no_dhe_kex'],
    ]);
    const socket = await connect('127.0.0.1', port, {
      ...pskClient,
      versions: ['tlsv1.3'],
      pskModes: ['psk_ke'],
      reuseSessions: false,
    });
    expect(socket.connectionInformation().negotiatedGroup).toBeUndefined();
    await socket.send('no dhe\n');
    await until(() => child.output().includes('no dhe'));
    await socket.close({ timeoutMs: 500 });
  });
});

describe('post-handshake client authentication (RFC 8446 §4.6.2)', () => {
  let server: SslListenSocket;
  beforeAll(async () => {
    // verify_peer, but only after the handshake (OpenSSL's SSL_VERIFY_POST_HANDSHAKE).
    server = await listen(0, {
      host: '127.0.0.1',
      cert: pem('leaf.pem'),
      key: pem('leaf.key'),
      verify: 'verify_peer',
      cacerts: [pem('ca.pem')],
      postHandshakeAuth: true,
    });
  });
  afterAll(() => server.close());

  it('requestClientCertificate() gets the verified chain from openssl s_client -enable_pha; peercert() follows', async () => {
    const accepted = server.accept();
    const client = spawnOpenssl([
      ...['s_client', '-connect', `127.0.0.1:${server.address.port}`, '-enable_pha', '-tls1_3'],
      ...['-cert', 'client.pem', '-key', 'client.key', '-CAfile', 'ca.pem', '-servername', 'localhost'],
    ]);
    const socket = await accepted;
    expect(socket.peercert()).toBeUndefined();
    const chain = await socket.requestClientCertificate();
    const clientDer = execFileSync('openssl', ['x509', '-in', file('client.pem'), '-outform', 'DER']);
    expect(chain.length).toBeGreaterThan(0);
    expect(Buffer.from(chain[0] as Uint8Array).equals(clientDer)).toBe(true);
    expect(Buffer.from(socket.peercert() as Uint8Array).equals(clientDer)).toBe(true);
    expect(socket.peerCertificate()?.subject).toContain('pha client');
    // The connection goes on.
    await socket.send('after pha\n');
    await until(() => client.output().includes('after pha'));
    client.kill('SIGKILL');
    await socket.close({ timeoutMs: 200 }).catch(() => undefined);
  });

  it('a chain the verifier refuses fails the request with the alert (bad_certificate family)', async () => {
    openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'rogue.key',
      '-out',
      'rogue.pem',
      '-subj',
      '/CN=rogue',
      '-days',
      '1',
    ]);
    const accepted = server.accept();
    const client = spawnOpenssl([
      ...['s_client', '-connect', `127.0.0.1:${server.address.port}`, '-enable_pha', '-tls1_3'],
      ...['-cert', 'rogue.pem', '-key', 'rogue.key', '-CAfile', 'ca.pem'],
    ]);
    const socket = await accepted;
    const error = await socket.requestClientCertificate().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TlsAlert' });
    expect(socket.peercert()).toBeUndefined();
    client.kill('SIGKILL');
  });

  it('a client that did not offer post_handshake_auth: SocketStateError einval, the connection goes on', async () => {
    const accepted = server.accept();
    const client = spawnOpenssl([
      ...['s_client', '-connect', `127.0.0.1:${server.address.port}`, '-tls1_3'],
      ...['-cert', 'client.pem', '-key', 'client.key', '-CAfile', 'ca.pem'],
    ]);
    const socket = await accepted;
    const error = await socket.requestClientCertificate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SocketStateError);
    expect(error).toMatchObject({ reason: 'einval' });
    await socket.send('still fine\n');
    await until(() => client.output().includes('still fine'));
    client.kill('SIGKILL');
    await socket.close({ timeoutMs: 200 }).catch(() => undefined);
  });

  it("our client with postHandshakeAuth answers openssl s_server's c command with its certificate", async () => {
    const { port, child } = await opensslServer([
      ...['-cert', 'leaf.pem', '-key', 'leaf.key', '-tls1_3', '-verify', '1', '-CAfile', 'ca.pem'],
    ]);
    const socket = await connect('127.0.0.1', port, {
      cacerts: [pem('ca.pem')],
      serverNameIndication: 'localhost',
      cert: pem('client.pem'),
      key: pem('client.key'),
      postHandshakeAuth: true,
      reuseSessions: false,
    });
    await socket.send('before\n');
    await until(() => child.output().includes('before'));
    const mark = child.output().length;
    child.stdin?.write('c\n');
    // OpenSSL prints the chain it verified from our post-handshake Certificate.
    await until(() => /depth=0 CN = pha client[\s\S]*verify return:1/.test(child.output().slice(mark)));
    await socket.send('after\n');
    await until(() => child.output().slice(mark).includes('after'));
    await socket.close({ timeoutMs: 500 });
  });
});

describe('0-RTT reported on both sides', () => {
  it("our server says 'accepted' to openssl s_client -early_data, 'none' without it", async () => {
    const server = await listen(0, {
      host: '127.0.0.1',
      cert: pem('leaf.pem'),
      key: pem('leaf.key'),
      earlyData: 'enabled',
    });
    const infos: string[] = [];
    const serve = async () => {
      const socket = await server.accept();
      infos.push(socket.connectionInformation().earlyData);
      for await (const _ of socket) void _;
      await socket.close({ timeoutMs: 200 }).catch(() => undefined);
    };
    writeFileSync(file('early.txt'), 'zero-rtt\n');
    const run = (extra: string[]) =>
      new Promise<string>((resolve) => {
        const child = spawnOpenssl([
          ...[
            's_client',
            '-connect',
            `127.0.0.1:${server.address.port}`,
            '-CAfile',
            'ca.pem',
            '-servername',
            'localhost',
          ],
          ...extra,
        ]);
        setTimeout(() => child.stdin?.end(), 500);
        child.once('exit', () => resolve(child.output()));
      });
    const first = serve();
    await run(['-sess_out', 'sess.pem']);
    await first;
    const second = serve();
    const out = await run(['-sess_in', 'sess.pem', '-early_data', 'early.txt']);
    await second;
    expect(out).toContain('Early data was accepted');
    expect(infos).toEqual(['none', 'accepted']);
    await server.close();
  });

  it("a replayed ticket's early data is 'rejected' on both sides (single-use 0-RTT tickets)", async () => {
    const server = await listen(0, {
      host: '127.0.0.1',
      cert: pem('leaf.pem'),
      key: pem('leaf.key'),
      earlyData: 'enabled',
    });
    const options = { cacerts: [pem('ca.pem')], serverNameIndication: 'localhost', reuseSessions: false as const };
    const accepted0 = server.accept();
    const first = await connect('127.0.0.1', server.address.port, options);
    const sessions: unknown[] = [];
    first.on('session', (s) => sessions.push(s));
    const server0 = await accepted0;
    await server0.send('x');
    await first.recv(1);
    await until(() => sessions.length > 0);
    await first.close({ timeoutMs: 200 });
    await server0.close({ timeoutMs: 200 }).catch(() => undefined);
    const results: [string, string][] = [];
    for (let i = 0; i < 2; i++) {
      const accepted = server.accept();
      const client = await connect('127.0.0.1', server.address.port, {
        ...options,
        reuseSession: sessions[0],
        earlyData: 'early',
      });
      const peer = await accepted;
      results.push([client.connectionInformation().earlyData, peer.connectionInformation().earlyData]);
      await client.close({ timeoutMs: 200 });
      await peer.close({ timeoutMs: 200 }).catch(() => undefined);
    }
    expect(results).toEqual([
      ['accepted', 'accepted'],
      ['rejected', 'rejected'],
    ]);
    await server.close();
  });
});
