import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { generateCaChain, generateSelfSigned } from '@sslsocket/pkix';
import { memoryPair } from '@sslsocket/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connect,
  handshake,
  handshakeCancel,
  handshakeContinue,
  listen,
  OptionError,
  SocketStateError,
  type SslSocket,
  TimeoutError,
  toDuplex,
} from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'sslsocket-'));
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;
const children: ChildProcess[] = [];
let ca: Awaited<ReturnType<typeof generateCaChain>>;

beforeAll(async () => {
  ca = await generateCaChain({ altNames: ['server.test'] });
  writeFileSync(join(dir, 'ca.pem'), ca.ca.certificatePem);
  writeFileSync(join(dir, 'leaf.pem'), ca.leaf.certificatePem);
  writeFileSync(join(dir, 'leaf.key'), ca.leaf.keyPem);
});

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startOpenssl(args: string[], readyText: string): Promise<ChildProcess> {
  const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`openssl did not start: ${output}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(readyText)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`openssl exited ${code}: ${output}`)));
  });
}

async function pair(serverOptions = {}, clientOptions = {}): Promise<[SslSocket, SslSocket]> {
  const [clientEnd, serverEnd] = memoryPair({ chunkSize: 777 });
  const server = handshake(serverEnd, { cert: ca.leaf.certificatePem, key: ca.leaf.keyPem, ...serverOptions });
  const client = connect(clientEnd, { host: 'server.test', cacerts: [ca.ca.certificatePem], ...clientOptions });
  // When the client fails first, the server's failure is expected too: observe it either way.
  server.catch(() => undefined);
  return [await client, await server];
}

describe('sslsocket over an in-memory transport', () => {
  it('handshakes with verification, exchanges data both ways, agrees on exporters', async () => {
    const [client, server] = await pair({}, { alpnAdvertisedProtocols: ['h2', 'http/1.1'] });
    const info = client.connectionInformation();
    expect(info.protocol).toBe('tlsv1.3');
    expect(info.sniHostname).toBe('server.test');
    expect(client.peerCertificate()?.dnsNames).toContain('server.test');
    await client.send('ping');
    expect(new TextDecoder().decode(await server.recv(4))).toBe('ping');
    await server.send(new Uint8Array(100_000).fill(1));
    expect((await client.recv(100_000)).length).toBe(100_000);
    const label = 'EXPERIMENTAL sslsocket';
    expect(client.exportKeyingMaterial(label, new Uint8Array(0), 32)).toEqual(
      server.exportKeyingMaterial(label, new Uint8Array(0), 32),
    );
    await client.close({ timeoutMs: 200 });
    await expect(server.recv(0)).rejects.toBeInstanceOf(SocketStateError);
  });

  it('delivers active-mode data, once and N, with passive events', async () => {
    const [client, server] = await pair();
    const received: string[] = [];
    let passive = 0;
    client.on('data', (data) => received.push(new TextDecoder().decode(data)));
    client.on('passive', () => passive++);
    client.setopts({ active: 2 });
    for (const word of ['a', 'b', 'c']) await server.send(word);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toEqual(['a', 'b']);
    expect(passive).toBe(1);
    expect(new TextDecoder().decode(await client.recv(0))).toBe('c');
    client.setopts({ active: 'once' });
    await server.send('d');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toEqual(['a', 'b', 'd']);
    expect(client.getopts().active).toBe(false);
    await expect(client.recv(0, 30)).rejects.toBeInstanceOf(TimeoutError);
  });

  it('rejects an untrusted server with the alert the engine sends', async () => {
    const other = await generateSelfSigned();
    await expect(pair({}, { cacerts: [other.certificatePem] })).rejects.toMatchObject({ name: 'TlsAlert' });
  });

  it('validates options up front with the option name', async () => {
    const [clientEnd] = memoryPair();
    await expect(connect(clientEnd, { verfy: 'verify_none' } as never)).rejects.toThrow(
      /option verfy: unknown client option \(did you mean verify\?\)/,
    );
    await expect(connect(clientEnd, { alpnAdvertisedProtocols: [''] })).rejects.toBeInstanceOf(OptionError);
  });

  it('a peer that sends garbage gets an alert, and a silent peer times the handshake out', async () => {
    const [clientEnd, serverEnd] = memoryPair();
    const server = handshake(serverEnd, { cert: ca.leaf.certificatePem, key: ca.leaf.keyPem });
    clientEnd.write(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'));
    await expect(server).rejects.toMatchObject({ name: 'TlsAlert' });
    const [, silentEnd] = memoryPair();
    await expect(
      handshake(silentEnd, { cert: ca.leaf.certificatePem, key: ca.leaf.keyPem, handshakeTimeoutMs: 50 }),
    ).rejects.toBeInstanceOf(TimeoutError);
  });
});

describe('sslsocket against openssl', () => {
  it('our client fetches the page of openssl s_server -www', async () => {
    const port = await freePort();
    await startOpenssl(
      [
        's_server',
        '-accept',
        String(port),
        '-cert',
        join(dir, 'leaf.pem'),
        '-key',
        join(dir, 'leaf.key'),
        '-www',
        '-tls1_3',
      ],
      'ACCEPT',
    );
    const socket = await connect('127.0.0.1', port, {
      cacerts: [ca.ca.certificatePem],
      serverNameIndication: 'server.test',
    });
    await socket.send('GET / HTTP/1.0\r\n\r\n');
    let page = '';
    for await (const chunk of socket) page += new TextDecoder().decode(chunk);
    expect(page).toContain('HTTP/1.0 200 ok');
    expect(page).toContain('TLSv1.3');
    await socket.close({ timeoutMs: 500 });
  });

  it('openssl s_client talks to our server', async () => {
    const server = await listen(0, { certfile: join(dir, 'leaf.pem'), keyfile: join(dir, 'leaf.key') });
    const serving = (async () => {
      const socket = await server.accept();
      const line = await socket.recv(5);
      await socket.send(new TextDecoder().decode(line).toUpperCase());
      await socket.close({ timeoutMs: 500 });
    })();
    const client = spawn(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${server.address.port}`,
        '-CAfile',
        join(dir, 'ca.pem'),
        '-verify_return_error',
        '-quiet',
        '-servername',
        'server.test',
      ],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    children.push(client);
    let output = '';
    client.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    client.stdin.write('hello');
    await serving;
    await new Promise((resolve) => client.once('exit', resolve));
    expect(output).toContain('HELLO');
    await server.close();
  });

  it('Node https runs over sslsocket through toDuplex', async () => {
    const port = await freePort();
    await startOpenssl(
      ['s_server', '-accept', String(port), '-cert', join(dir, 'leaf.pem'), '-key', join(dir, 'leaf.key'), '-www'],
      'ACCEPT',
    );
    const socket = await connect('127.0.0.1', port, {
      cacerts: [ca.ca.certificatePem],
      serverNameIndication: 'server.test',
    });
    const body = await new Promise<string>((resolve, reject) => {
      const request = https.request(
        { host: '127.0.0.1', port, path: '/', createConnection: () => toDuplex(socket) as never },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          response.on('end', () => resolve(text));
        },
      );
      request.on('error', reject);
      request.end();
    });
    expect(body).toContain('Ciphers supported in s_server binary');
  });

  it('a Node http.createServer behind our server answers', async () => {
    const app = http.createServer((_request, response) => response.end('served by node over sslsocket'));
    const listener = await listen(0, { certfile: join(dir, 'leaf.pem'), keyfile: join(dir, 'leaf.key') });
    void listener.accept().then((tls) => app.emit('connection', toDuplex(tls)));
    const client = await connect('127.0.0.1', listener.address.port, {
      cacerts: [ca.ca.certificatePem],
      serverNameIndication: 'server.test',
    });
    await client.send('GET / HTTP/1.1\r\nHost: server.test\r\nConnection: close\r\n\r\n');
    let reply = '';
    for await (const chunk of client) reply += new TextDecoder().decode(chunk);
    expect(reply).toContain('served by node over sslsocket');
    // The peer's end closes only its direction (RFC 8446 §6.1): our side is released by close().
    await client.close({ timeoutMs: 200 });
    await listener.close();
    app.close();
  });
});

describe('session reuse', () => {
  it('a second connection to the same server resumes with a saved ticket', async () => {
    const listener = await listen(0, { cert: ca.leaf.certificatePem, key: ca.leaf.keyPem });
    const accepting = (async () => {
      for (let i = 0; i < 3; i++) {
        const socket = await listener.accept();
        for await (const chunk of socket) await socket.send(chunk);
        await socket.close({ timeoutMs: 200 });
      }
    })();
    const options = { cacerts: [ca.ca.certificatePem], serverNameIndication: 'server.test' };
    const resumed: boolean[] = [];
    for (const extra of [{}, {}, { reuseSessions: false }] as const) {
      const client = await connect('127.0.0.1', listener.address.port, { ...options, ...extra });
      await client.send('x');
      await client.recv(1); // the ticket arrives with the first data
      resumed.push(client.connectionInformation().sessionResumption);
      await client.close({ timeoutMs: 200 });
    }
    await accepting;
    await listener.close();
    expect(resumed).toEqual([false, true, false]);
  });
});

describe('handshake: hello', () => {
  it('pauses the server after the ClientHello, then continues with options chosen from it', async () => {
    const other = await generateSelfSigned({ commonName: 'other.test' });
    const [clientEnd, serverEnd] = memoryPair();
    // Starts with an unrelated certificate; the one for the requested name is chosen from the hello.
    const paused = handshake(serverEnd, { cert: other.certificatePem, key: other.keyPem, handshake: 'hello' });
    const client = connect(clientEnd, { host: 'server.test', cacerts: [ca.ca.certificatePem] });
    const server = await paused;
    const extensions = await server.helloReceived;
    expect(extensions.has(0)).toBe(true); // server_name
    await handshakeContinue(server, { cert: ca.leaf.certificatePem, key: ca.leaf.keyPem });
    const socket = await client;
    expect(socket.peerCertificate()?.dnsNames).toContain('server.test');
    await socket.send('after hello');
    expect(new TextDecoder().decode(await server.recv(11))).toBe('after hello');
  });

  it('handshakeCancel aborts with user_canceled', async () => {
    const [clientEnd, serverEnd] = memoryPair();
    const paused = handshake(serverEnd, { cert: ca.leaf.certificatePem, key: ca.leaf.keyPem, handshake: 'hello' });
    const client = connect(clientEnd, { host: 'server.test', cacerts: [ca.ca.certificatePem] });
    client.catch(() => undefined);
    const server = await paused;
    await server.helloReceived;
    await handshakeCancel(server);
    await expect(client).rejects.toMatchObject({ description: 'user_canceled' });
  });
});

describe('sslsocket resource and failure behaviour', () => {
  it('a peer that vanishes mid-handshake fails connect() with a closed error', async () => {
    const server = net.createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await expect(connect('127.0.0.1', port, { verify: 'verify_none' })).rejects.toMatchObject({ reason: 'closed' });
    server.close();
  });

  it('a 256 MiB transfer to a slow reader stays within 64 MiB of buffers', async () => {
    const listener = await listen(0, { cert: ca.leaf.certificatePem, key: ca.leaf.keyPem, provider: 'node' });
    const total = 256 * 1024 * 1024;
    const chunk = new Uint8Array(1024 * 1024).fill(7);
    const sending = (async () => {
      const socket = await listener.accept();
      for (let sent = 0; sent < total; sent += chunk.length) await socket.send(chunk);
      await socket.close({ timeoutMs: 2000 });
    })();
    const client = await connect('127.0.0.1', listener.address.port, {
      cacerts: [ca.ca.certificatePem],
      serverNameIndication: 'server.test',
      provider: 'node',
    });
    let received = 0;
    let peak = 0;
    let reads = 0;
    for await (const data of client) {
      received += data.length;
      if (++reads % 512 === 0) {
        // Live memory, not garbage waiting for the collector: what backpressure must bound.
        collectGarbage();
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
    await sending;
    await client.close({ timeoutMs: 200 });
    await listener.close();
    expect(received).toBe(total);
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);

  it('leaves no TCP handles open once sockets are closed', async () => {
    const listener = await listen(0, { cert: ca.leaf.certificatePem, key: ca.leaf.keyPem });
    const accepted = listener.accept();
    const client = await connect('127.0.0.1', listener.address.port, {
      cacerts: [ca.ca.certificatePem],
      serverNameIndication: 'server.test',
    });
    const server = await accepted;
    await Promise.all([client.close({ timeoutMs: 500 }), server.close({ timeoutMs: 500 })]);
    await listener.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const tcp = process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap' || name === 'TCPServerWrap');
    // openssl children's pipes are not TCP; every TCP handle of this file must be gone.
    expect(tcp).toEqual([]);
  });
});
