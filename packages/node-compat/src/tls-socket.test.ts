import * as net from 'node:net';
import * as tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, createServer, type Server, type TLSSocket } from './index.js';
import { listening, once, testPki } from './test/fixtures.js';

const servers: { close(): unknown }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function echoServer(options: Parameters<typeof createServer>[0] = {}): Promise<[Server, number]> {
  const { certPem, keyPem } = await testPki();
  const server = createServer({ cert: certPem, key: keyPem, ...options }, (socket) => {
    // As with node:tls, a peer that vanishes is an error event on the server's socket.
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  servers.push(server);
  return [server, await listening(server)];
}

function readAll(socket: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('TLSSocket between the facade and node:tls', () => {
  it('a node:tls client talks to the facade server, and sees ALPN and the certificate', async () => {
    const { caPem } = await testPki();
    const [, port] = await echoServer({ ALPNProtocols: ['h2', 'http/1.1'] });
    const client = tls.connect({
      port,
      host: '127.0.0.1',
      servername: 'localhost',
      ca: [caPem],
      ALPNProtocols: ['http/1.1'],
    });
    await once(client, 'secureConnect');
    expect(client.authorized).toBe(true);
    expect(client.alpnProtocol).toBe('http/1.1');
    client.end('ping');
    expect(await readAll(client)).toBe('ping');
  });

  it('the facade client talks to a node:tls server, with node-shaped answers', async () => {
    const { caPem, certPem, keyPem } = await testPki();
    const ciphers: unknown[] = [];
    const server = tls.createServer({ cert: certPem, key: keyPem, ALPNProtocols: ['h2'] }, (s) => {
      ciphers.push(s.getCipher());
      s.on('error', () => undefined);
      s.pipe(s);
    });
    servers.push(server);
    const port = await listening(server);
    const serverSide = once(server, 'secureConnection');
    const client = connect({ port, host: '127.0.0.1', servername: 'localhost', ca: [caPem], ALPNProtocols: ['h2'] });
    await once(client, 'secureConnect');
    await serverSide;
    expect(client.authorized).toBe(true);
    expect(client.authorizationError).toBeUndefined();
    expect(client.alpnProtocol).toBe('h2');
    expect(client.getProtocol()).toBe('TLSv1.3');
    // node's server socket reports the same suite under the same names.
    expect(client.getCipher()).toEqual(ciphers[0]);
    const peer = client.getPeerCertificate(true);
    const nodeView = await nodePeerCertificate(port, caPem);
    expect(peer).toMatchObject({
      subject: { ...nodeView.subject },
      issuer: { ...nodeView.issuer },
      subjectaltname: nodeView.subjectaltname,
      valid_from: nodeView.valid_from,
      valid_to: nodeView.valid_to,
      fingerprint256: nodeView.fingerprint256,
      serialNumber: nodeView.serialNumber,
    });
    expect(Buffer.compare((peer as { raw: Buffer }).raw, nodeView.raw)).toBe(0);
    const keying = client.exportKeyingMaterial(32, 'EXPORTER-test');
    expect(keying.length).toBe(32);
    client.end('pong');
    expect(await readAll(client)).toBe('pong');
  });

  it('rejectUnauthorized: false completes and reports why the certificate failed', async () => {
    const [, port] = await echoServer();
    const client = connect({ port, host: '127.0.0.1', servername: 'localhost', rejectUnauthorized: false });
    await once(client, 'secureConnect');
    expect(client.authorized).toBe(false);
    expect(client.authorizationError).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    client.destroy();
  });

  it('an untrusted certificate is an error event with node code', async () => {
    const [, port] = await echoServer();
    const client = connect({ port, host: '127.0.0.1', servername: 'localhost' });
    const error = await once<Error & { code: string }>(client, 'error');
    expect(error.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('a wrong host name is ERR_TLS_CERT_ALTNAME_INVALID', async () => {
    const { caPem } = await testPki();
    const [, port] = await echoServer();
    const client = connect({ port, host: '127.0.0.1', servername: 'other.example', ca: [caPem] });
    const error = await once<Error & { code: string }>(client, 'error');
    expect(error.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('one plain-TCP client that never speaks does not stall other handshakes', async () => {
    const { caPem } = await testPki();
    const [server, port] = await echoServer({ handshakeTimeout: 300 });
    const errors: Error[] = [];
    server.on('tlsClientError', (error: Error) => errors.push(error));
    const idle = net.connect(port, '127.0.0.1');
    // The timeout now sends user_canceled + close_notify before the FIN: read them to see the end.
    idle.resume();
    await once(idle, 'connect');
    const started = Date.now();
    const client = connect({ port, host: '127.0.0.1', servername: 'localhost', ca: [caPem] });
    await once(client, 'secureConnect');
    expect(Date.now() - started).toBeLessThan(250);
    client.destroy();
    await once(idle, 'close');
    expect((errors[0] as Error & { code: string }).code).toBe('ERR_TLS_HANDSHAKE_TIMEOUT');
  });

  it('a plain-HTTP client gets tlsClientError, and the server keeps serving', async () => {
    const { caPem } = await testPki();
    const [server, port] = await echoServer();
    const clientError = once<Error & { code: string }>(server, 'tlsClientError');
    const plain = net.connect(port, '127.0.0.1', () => plain.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    plain.on('error', () => undefined);
    plain.resume();
    expect((await clientError).code).toMatch(/^ERR_SSL_/);
    const client = connect({ port, host: '127.0.0.1', servername: 'localhost', ca: [caPem] });
    await once(client, 'secureConnect');
    client.end('still up');
    expect(await readAll(client)).toBe('still up');
  });

  it("plain HTTP gets node's code: ERR_SSL_HTTP_REQUEST", async () => {
    const [server, port] = await echoServer();
    const clientError = once<Error & { code: string }>(server, 'tlsClientError');
    const plain = net.connect(port, '127.0.0.1', () => plain.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    plain.on('error', () => undefined);
    plain.resume();
    expect((await clientError).code).toBe('ERR_SSL_HTTP_REQUEST');
  });

  it('setTimeout fires timeout on an idle TLSSocket; ref/unref/setKeepAlive/setNoDelay chain', async () => {
    const { caPem } = await testPki();
    const [, port] = await echoServer();
    const client: TLSSocket = connect({ port, host: '127.0.0.1', servername: 'localhost', ca: [caPem] });
    expect(client.setNoDelay(true).setKeepAlive(true, 1000).unref().ref()).toBe(client);
    await once(client, 'secureConnect');
    client.setTimeout(50);
    await once(client, 'timeout');
    client.destroy();
  });

  it('sessions resume through getSession() and the session option (TLS 1.3 ticket)', async () => {
    const { caPem } = await testPki();
    const [, port] = await echoServer();
    const first = connect({ port, host: '127.0.0.1', servername: 'localhost', ca: [caPem] });
    const session = await once<Buffer>(first, 'session');
    expect(first.isSessionReused()).toBe(false);
    first.end();
    const second = connect({ port, host: '127.0.0.1', servername: 'localhost', ca: [caPem], session });
    await once(second, 'secureConnect');
    expect(second.isSessionReused()).toBe(true);
    second.destroy();
  });

  it('the server reports keylog lines, one Buffer per line with its newline', async () => {
    const { caPem } = await testPki();
    const { certPem, keyPem } = await testPki();
    const server = createServer({ cert: certPem, key: keyPem }, (s) => {
      s.on('error', () => undefined);
      s.end();
    });
    servers.push(server);
    const lines: string[] = [];
    server.on('keylog', (line: Buffer) => lines.push(line.toString()));
    const port = await listening(server);
    const secured = once(server, 'secureConnection');
    const client = connect({ port, host: '127.0.0.1', servername: 'localhost', ca: [caPem] });
    const clientLines: string[] = [];
    client.on('keylog', (line: Buffer) => clientLines.push(line.toString()));
    await once(client, 'secureConnect');
    await secured;
    client.destroy();
    expect(clientLines.some((l) => l.startsWith('CLIENT_TRAFFIC_SECRET_0 '))).toBe(true);
    expect(lines.every((l) => l.endsWith('\n'))).toBe(true);
    expect(lines.map((l) => l.split(' ')[0])).toContain('SERVER_HANDSHAKE_TRAFFIC_SECRET');
  });
});

async function nodePeerCertificate(port: number, caPem: string): Promise<tls.DetailedPeerCertificate> {
  const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: [caPem] });
  await once(socket, 'secureConnect');
  const certificate = socket.getPeerCertificate(true);
  socket.destroy();
  return certificate;
}
