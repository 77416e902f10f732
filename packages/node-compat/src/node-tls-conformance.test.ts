import * as net from 'node:net';
import { generateCaChain, generateSelfSigned } from 'sslsocket';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionOptions } from './connect.js';
import { connect, createSecureContext, createServer, type Server, type TLSSocket } from './index.js';
import type { TlsServerOptions } from './options.js';
import type { NodePeerCertificate } from './peer-certificate.js';
import { listening, once, testPki } from './test/fixtures.js';

// Cases from node's own test/parallel/test-tls-*.js, rewritten against the facade (both ends are
// the facade, as both ends are node:tls there). Each `it` names the node test it follows.

const servers: Server[] = [];
const accepted: TLSSocket[] = [];
afterEach(async () => {
  for (const socket of accepted.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

async function start(
  options: TlsServerOptions,
  onSecure: (socket: TLSSocket) => void = (s) => s.pipe(s),
): Promise<number> {
  const { certPem, keyPem } = await testPki();
  const server = createServer({ cert: certPem, key: keyPem, ...options }, (socket) => {
    accepted.push(socket);
    socket.on('error', () => undefined);
    onSecure(socket);
  });
  servers.push(server);
  return listening(server);
}

async function secure(options: ConnectionOptions): Promise<TLSSocket> {
  const { caPem } = await testPki();
  const socket = connect({ host: '127.0.0.1', servername: 'localhost', ca: [caPem], ...options });
  await once(socket, 'secureConnect');
  return socket;
}

function text(socket: TLSSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      out += chunk;
    });
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

describe("node's test-tls-* cases over the facade", () => {
  it('test-tls-client-reject: unauthorized with rejectUnauthorized false, rejected without ca, authorized with it', async () => {
    const port = await start({}, (s) => {
      s.pipe(s);
    });
    const loose = connect({ port, host: '127.0.0.1', servername: 'localhost', rejectUnauthorized: false });
    await once(loose, 'secureConnect');
    expect(loose.authorized).toBe(false);
    loose.end('ok');
    expect(await text(loose)).toBe('ok');
    const strict = connect({ port, host: '127.0.0.1', servername: 'localhost' });
    strict.on('secureConnect', () => expect.unreachable('no secureConnect without trust'));
    await once(strict, 'error');
    const trusted = await secure({ port });
    expect(trusted.authorized).toBe(true);
    trusted.end('ok');
    expect(await text(trusted)).toBe('ok');
  });

  it('test-tls-alpn-server-client: the server picks by its own preference; no overlap is no_application_protocol', async () => {
    const port = await start({ ALPNProtocols: ['a', 'b', 'c'] }, (s) => s.end(String(s.alpnProtocol)));
    const cases: [string[] | undefined, string | false][] = [
      [['a', 'b', 'c'], 'a'],
      [['c', 'b', 'e'], 'b'],
      [undefined, false],
    ];
    for (const [offer, expected] of cases) {
      const client = await secure({ port, ...(offer === undefined ? {} : { ALPNProtocols: offer }) });
      expect(client.alpnProtocol).toBe(expected);
      expect(await text(client)).toBe(String(expected));
    }
    const none = connect({
      port,
      host: '127.0.0.1',
      servername: 'localhost',
      rejectUnauthorized: false,
      ALPNProtocols: ['x'],
    });
    const error = await once<Error & { code: string }>(none, 'error');
    expect(error.code).toBe('ERR_SSL_NO_APPLICATION_PROTOCOL');
  });

  it('test-tls-peer-certificate: subject, issuer, SAN, validity, fingerprints and the issuer chain', async () => {
    const port = await start({});
    const client = await secure({ port });
    const peer = client.getPeerCertificate(true) as Exclude<ReturnType<TLSSocket['getPeerCertificate']>, null>;
    expect(peer).toMatchObject({ subject: { CN: 'localhost' }, ca: false });
    expect(peer.subjectaltname).toContain('DNS:localhost');
    expect(peer.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(peer.serialNumber).toMatch(/^[0-9A-F]+$/);
    expect(new Date(peer.valid_to as string).getTime()).toBeGreaterThan(Date.now());
    // Completed from the trusted CA, whose own issuerCertificate is itself (a root).
    expect(peer.issuerCertificate?.subject).toEqual(peer.issuer);
    expect(peer.issuerCertificate?.issuerCertificate).toBe(peer.issuerCertificate);
    expect(client.getPeerCertificate(false)).not.toHaveProperty('issuerCertificate');
    client.destroy();
  });

  it('test-tls-handshake-timeout: a silent client gets tlsClientError ERR_TLS_HANDSHAKE_TIMEOUT', async () => {
    const { certPem, keyPem } = await testPki();
    const server = createServer({ cert: certPem, key: keyPem, handshakeTimeout: 50 });
    servers.push(server);
    const port = await listening(server);
    const silent = net.connect(port, '127.0.0.1');
    const [error] = await new Promise<[Error & { code: string }]>((resolve) =>
      server.once('tlsClientError', (e: Error & { code: string }) => resolve([e])),
    );
    expect(error.code).toBe('ERR_TLS_HANDSHAKE_TIMEOUT');
    silent.destroy();
  });

  it('test-tls-exportkeyingmaterial: both ends export the same bytes', async () => {
    let serverSide: Buffer | undefined;
    const port = await start({}, (s) => {
      serverSide = s.exportKeyingMaterial(128, 'client finished', Buffer.from('ctx'));
      s.end();
    });
    const client = await secure({ port });
    await text(client);
    const clientSide = client.exportKeyingMaterial(128, 'client finished', Buffer.from('ctx'));
    expect(clientSide.length).toBe(128);
    expect(serverSide?.equals(clientSide)).toBe(true);
  });

  it('test-tls-getprotocol: minVersion / maxVersion decide TLSv1.2 or TLSv1.3', async () => {
    const port = await start({});
    const twelve = await secure({ port, maxVersion: 'TLSv1.2' });
    expect(twelve.getProtocol()).toBe('TLSv1.2');
    twelve.destroy();
    const thirteen = await secure({ port, minVersion: 'TLSv1.3' });
    expect(thirteen.getProtocol()).toBe('TLSv1.3');
    thirteen.destroy();
  });

  it('test-tls-getcipher: TLS 1.2 names in OpenSSL and RFC spellings', async () => {
    const port = await start({ ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256', maxVersion: 'TLSv1.2' });
    const client = await secure({ port });
    expect(client.getCipher()).toEqual({
      name: 'ECDHE-ECDSA-AES128-GCM-SHA256',
      standardName: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
      version: 'TLSv1.2',
    });
    client.destroy();
  });

  it('test-tls-client-getephemeralkeyinfo: ecdhCurve decides what the client reports', async () => {
    for (const [curve, expected] of [
      ['X25519', { type: 'ECDH', name: 'X25519', size: 253 }],
      ['prime256v1', { type: 'ECDH', name: 'prime256v1', size: 256 }],
      ['secp384r1', { type: 'ECDH', name: 'secp384r1', size: 384 }],
    ] as const) {
      const port = await start({ ecdhCurve: curve });
      const client = await secure({ port });
      expect(client.getEphemeralKeyInfo()).toEqual(expected);
      client.destroy();
    }
  });

  it('test-tls-sni-server-client: SNICallback answers each name with its own context', async () => {
    const other = await generateSelfSigned({ commonName: 'b.example', altNames: ['b.example'] });
    const port = await start({
      SNICallback: (name, callback) =>
        callback(
          null,
          name === 'b.example' ? createSecureContext({ cert: other.certificatePem, key: other.keyPem }) : undefined,
        ),
    });
    const b = connect({ port, host: '127.0.0.1', servername: 'b.example', ca: [other.certificatePem] });
    await once(b, 'secureConnect');
    expect(b.authorized).toBe(true);
    expect((b.getPeerCertificate() as NodePeerCertificate).subject.CN).toBe('b.example');
    b.destroy();
    const a = await secure({ port });
    expect((a.getPeerCertificate() as NodePeerCertificate).subject.CN).toBe('localhost');
    a.destroy();
  });

  it('test-tls-check-server-identity: a custom check can refuse, and its error is the error', async () => {
    const port = await start({});
    const refusal = Object.assign(new Error('not this one'), { code: 'ERR_CUSTOM' });
    const { caPem } = await testPki();
    const client = connect({
      port,
      host: '127.0.0.1',
      servername: 'localhost',
      ca: [caPem],
      checkServerIdentity: () => refusal,
    });
    expect(await once(client, 'error')).toBe(refusal);
    const accepting = connect({
      port,
      host: '127.0.0.1',
      servername: 'not-in-the-certificate',
      ca: [caPem],
      checkServerIdentity: () => undefined,
    });
    await once(accepting, 'secureConnect');
    expect(accepting.authorized).toBe(true);
    accepting.destroy();
  });

  it('test-tls-client-resume: a session handed back resumes (TLS 1.2 and 1.3)', async () => {
    const port = await start({});
    for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
      const first = await secure({ port, maxVersion: version, minVersion: version });
      const session = first.getSession() ?? (await once<Buffer>(first, 'session'));
      first.destroy();
      const second = await secure({ port, maxVersion: version, minVersion: version, session });
      expect(second.isSessionReused()).toBe(true);
      second.destroy();
    }
  });

  it('test-tls-close-notify: end() reaches the server as end', async () => {
    const ended = new Promise<void>((resolve) => {
      void start({}, (s) => {
        s.resume();
        s.on('end', () => resolve());
      }).then(async (port) => {
        const client = await secure({ port });
        client.end();
      });
    });
    await ended;
  });

  it('test-tls-keylog-tlsv13: a TLS 1.3 client logs five NSS lines', async () => {
    const port = await start({});
    const { caPem } = await testPki();
    const client = connect({ port, host: '127.0.0.1', servername: 'localhost', ca: [caPem] });
    const lines: string[] = [];
    client.on('keylog', (line: Buffer) => lines.push(line.toString().split(' ')[0] as string));
    await once(client, 'secureConnect');
    expect(lines.sort()).toEqual([
      'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
      'CLIENT_TRAFFIC_SECRET_0',
      'EXPORTER_SECRET',
      'SERVER_HANDSHAKE_TRAFFIC_SECRET',
      'SERVER_TRAFFIC_SECRET_0',
    ]);
    client.destroy();
  });

  it('test-tls-server-verify (requestCert, rejectUnauthorized false): authorized tells CA-signed from unknown clients', async () => {
    const { ca, leaf } = await generateCaChain();
    const stranger = await generateSelfSigned();
    const verdicts: (string | boolean | undefined)[][] = [];
    const port = await start({ requestCert: true, rejectUnauthorized: false, ca: [ca.certificatePem] }, (s) => {
      verdicts.push([s.authorized, s.authorizationError]);
      s.end();
    });
    for (const identity of [leaf, stranger]) {
      const client = await secure({ port, cert: identity.certificatePem, key: identity.keyPem });
      await text(client);
    }
    expect(verdicts[0]).toEqual([true, undefined]);
    expect(verdicts[1]?.[0]).toBe(false);
    expect(verdicts[1]?.[1]).toMatch(/^[A-Z_]+$/);
  });

  it('test-tls-connect-given-socket: TLS over a socket the caller connected', async () => {
    const port = await start({});
    const tcp = net.connect(port, '127.0.0.1');
    await once(tcp, 'connect');
    const client = await secure({ socket: tcp });
    client.end('over my socket');
    expect(await text(client)).toBe('over my socket');
  });

  it('test-tls-set-encoding / test-tls-pause: a large echo with setEncoding and pauses arrives whole', async () => {
    const port = await start({});
    const client = await secure({ port });
    const payload = 'x'.repeat(1024 * 1024);
    const received = text(client);
    client.pause();
    setTimeout(() => client.resume(), 50);
    client.end(payload);
    expect((await received).length).toBe(payload.length);
  });

  it('test-tls-session-cache: newSession / resumeSession keep TLS 1.2 sessions outside the server', async () => {
    const store = new Map<string, Buffer>();
    const events: string[] = [];
    const external = (server: Server): void => {
      server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
        events.push('newSession');
        store.set(id.toString('hex'), data);
        done();
      });
      server.on('resumeSession', (id: Buffer, callback: (error: Error | null, data: Buffer | null) => void) => {
        events.push('resumeSession');
        callback(null, store.get(id.toString('hex')) ?? null);
      });
    };
    const tls12 = { maxVersion: 'TLSv1.2', minVersion: 'TLSv1.2' } as const;
    // SSL_OP_NO_TICKET, as node's test sets it: resumption by session id only.
    const noTicket = { secureOptions: 0x4000 };
    const first = await start(noTicket, (s) => s.end());
    external(servers[0] as Server);
    // A second server with its own cache: only the external store links them.
    const second = await start(noTicket, (s) => s.end());
    external(servers[1] as Server);
    const a = await secure({ port: first, ...tls12 });
    const session = a.getSession() ?? (await once<Buffer>(a, 'session'));
    await text(a);
    const b = await secure({ port: second, ...tls12, session });
    expect(b.isSessionReused()).toBe(true);
    await text(b);
    expect(events).toEqual(['newSession', 'resumeSession']);
  });

  it('newSession / resumeSession answered later (an external store): the handshake waits and resumes', async () => {
    const store = new Map<string, Buffer>();
    const later = (fn: () => void): void => {
      setTimeout(fn, 30);
    };
    const external = (server: Server): void => {
      server.on('newSession', (id: Buffer, data: Buffer, done: () => void) =>
        later(() => {
          store.set(id.toString('hex'), data);
          done();
        }),
      );
      server.on('resumeSession', (id: Buffer, callback: (error: Error | null, data: Buffer | null) => void) =>
        later(() => callback(null, store.get(id.toString('hex')) ?? null)),
      );
    };
    const tls12 = { maxVersion: 'TLSv1.2', minVersion: 'TLSv1.2' } as const;
    const noTicket = { secureOptions: 0x4000 };
    const first = await start(noTicket, (s) => s.end());
    external(servers.at(-1) as Server);
    const second = await start(noTicket, (s) => s.end());
    external(servers.at(-1) as Server);
    const a = await secure({ port: first, ...tls12 });
    const session = a.getSession() ?? (await once<Buffer>(a, 'session'));
    await text(a);
    expect(store.size).toBe(1);
    const b = await secure({ port: second, ...tls12, session });
    expect(b.isSessionReused()).toBe(true);
    await text(b);
  });
});
