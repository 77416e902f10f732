import type * as http from 'node:http';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import type * as net from 'node:net';
import { Client, fetch as undiciFetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { Agent, connect, createHttpsServer, createServer, type TLSSocket } from './index.js';
import { listening, once, testPki } from './test/fixtures.js';

// Node's own HTTP, HTTP/2, undici and ws code, unchanged, over the facade's sockets.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** https.createServer's equivalent: node's http.Server with the facade's TLS underneath. */
async function httpsLike(
  handler: http.RequestListener,
  configure: (server: http.Server) => void = () => undefined,
  alpn: string[] = ['http/1.1'],
): Promise<{ http: http.Server; port: number }> {
  const { certPem, keyPem } = await testPki();
  const server = createHttpsServer({ cert: certPem, key: keyPem, ALPNProtocols: alpn }, handler);
  configure(server);
  const port = await listening(server);
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return { http: server, port };
}

function get(url: string, options: https.RequestOptions): Promise<{ status: number; body: string; socket: TLSSocket }> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, options, (response) => {
      const socket = response.socket as unknown as TLSSocket;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, socket }));
    });
    request.on('error', reject);
  });
}

describe('node https, http2, undici and ws over the facade', () => {
  it('https.request with a keep-alive Agent reuses one connection, req.socket has TLS facts', async () => {
    const { caPem } = await testPki();
    const seen: string[] = [];
    const { port } = await httpsLike((req, res) => {
      const socket = req.socket as unknown as TLSSocket;
      seen.push(`${socket.remotePort} ${socket.alpnProtocol} ${socket.getProtocol()} ${socket.authorized}`);
      res.end(`hello ${req.url}`);
    });
    const agent = new Agent({
      keepAlive: true,
      ca: [caPem],
      ALPNProtocols: ['http/1.1'],
    } as https.AgentOptions);
    cleanups.push(() => agent.destroy());
    const first = await get(`https://127.0.0.1:${port}/a`, { agent, servername: 'localhost' });
    const second = await get(`https://127.0.0.1:${port}/b`, { agent, servername: 'localhost' });
    expect([first.status, first.body, second.body]).toEqual([200, 'hello /a', 'hello /b']);
    expect(first.socket.authorized).toBe(true);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]); // the same connection, kept alive
    expect(seen[0]).toMatch(/^\d+ http\/1\.1 TLSv1\.3 false$/);
  });

  it('https.request({ timeout }) fires on a server that never answers', async () => {
    const { caPem } = await testPki();
    const { port } = await httpsLike(() => undefined);
    const agent = new Agent({ ca: [caPem] } as https.AgentOptions);
    cleanups.push(() => agent.destroy());
    const request = https.get(`https://127.0.0.1:${port}/`, { agent, servername: 'localhost', timeout: 100 });
    request.on('error', () => undefined);
    await once(request, 'timeout');
    request.destroy();
  });

  it('node http.Server answers 408 after headersTimeout to a client sending slow headers', async () => {
    const { caPem } = await testPki();
    const { port } = await httpsLike(
      (_req, res) => res.end('never'),
      (server) => {
        server.headersTimeout = 300;
        server.requestTimeout = 300;
        // node checks its timeouts on this interval (connectionsCheckingInterval, default 30 s),
        // armed when the server starts listening.
        (server as unknown as { connectionsCheckingInterval: number }).connectionsCheckingInterval = 50;
      },
    );
    const client = connect({ port, host: '127.0.0.1', servername: 'localhost', ca: [caPem] });
    await once(client, 'secureConnect');
    client.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
    let reply = '';
    client.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
    });
    await once(client, 'close');
    expect(reply).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
  });

  it('keepAliveTimeout closes an idle kept-alive connection', async () => {
    const { caPem } = await testPki();
    const { port } = await httpsLike(
      (_req, res) => res.end('ok'),
      (server) => {
        server.keepAliveTimeout = 150;
      },
    );
    // A raw client: node's Agent drops sockets whose Keep-Alive hint rounds down to 0 s itself.
    const client = connect({ port, host: '127.0.0.1', servername: 'localhost', ca: [caPem] });
    await once(client, 'secureConnect');
    let reply = '';
    client.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
    });
    client.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
    const started = Date.now();
    await once(client, 'close');
    expect(reply).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*Keep-Alive: timeout=0[\s\S]*\r\n\r\nok$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('server.close() waits for a request in flight', async () => {
    const { caPem } = await testPki();
    let release: () => void = () => undefined;
    const { http: httpServer, port } = await httpsLike((_req, res) => {
      release = () => res.end('late answer');
    });
    const agent = new Agent({ ca: [caPem] } as https.AgentOptions);
    cleanups.push(() => agent.destroy());
    const answer = get(`https://127.0.0.1:${port}/`, { agent, servername: 'localhost' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    let closed = false;
    httpServer.close(() => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).toBe(false);
    release();
    expect((await answer).body).toBe('late answer');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(closed).toBe(true);
  });

  it('http2 over ALPN h2: node http2 client and server both on facade sockets', async () => {
    const { caPem, certPem, keyPem } = await testPki();
    const h2 = http2.createServer();
    h2.on('stream', (stream, headers) => {
      stream.respond({ ':status': 200 });
      stream.end(`h2 ${headers[':path']}`);
    });
    const negotiated: (string | false)[] = [];
    const tls = createServer({ cert: certPem, key: keyPem, ALPNProtocols: ['h2'] }, (socket) => {
      negotiated.push(socket.alpnProtocol);
      h2.emit('connection', socket);
    });
    const port = await listening(tls);
    const session = http2.connect(`https://localhost:${port}`, {
      createConnection: () =>
        connect({ port, host: '127.0.0.1', servername: 'localhost', ca: [caPem], ALPNProtocols: ['h2'] }),
    });
    cleanups.push(() => new Promise((resolve) => tls.close(resolve)));
    cleanups.push(() => session.close());
    const stream = session.request({ ':path': '/x' });
    let body = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      body += chunk;
    });
    await once(stream, 'end');
    expect(body).toBe('h2 /x');
    expect(negotiated).toEqual(['h2']);
  });

  it('undici Client with allowH2 speaks HTTP/2 when h2 is negotiated, and fetch works over it', async () => {
    const { caPem } = await testPki();
    const protocols: string[] = [];
    const { port } = await httpsLike(
      (req, res) => {
        protocols.push(req.httpVersion);
        res.end('h1');
      },
      () => undefined,
      ['h2', 'http/1.1'],
    );
    // The same port also serves h2: route by ALPN, as https + http2 servers do.
    const h2 = http2.createServer();
    h2.on('stream', (stream) => {
      protocols.push('2.0');
      stream.respond({ ':status': 200 });
      stream.end('h2');
    });
    const { certPem, keyPem } = await testPki();
    const both = createServer({ cert: certPem, key: keyPem, ALPNProtocols: ['h2', 'http/1.1'] }, (socket) => {
      if (socket.alpnProtocol === 'h2') h2.emit('connection', socket);
    });
    const bothPort = await listening(both);
    cleanups.push(() => new Promise((resolve) => both.close(resolve)));
    const client = new Client(`https://localhost:${bothPort}`, {
      allowH2: true,
      connect: (options, callback) => {
        const socket = connect({
          port: bothPort,
          host: '127.0.0.1',
          servername: 'localhost',
          ca: [caPem],
          ALPNProtocols: ['h2', 'http/1.1'],
        });
        socket.once('secureConnect', () => callback(null, socket as unknown as net.Socket));
        socket.once('error', (error) => callback(error, null));
        void options;
      },
    });
    cleanups.push(() => client.close());
    const response = await undiciFetch(`https://localhost:${bothPort}/`, { dispatcher: client });
    expect(await response.text()).toBe('h2');
    expect(protocols).toEqual(['2.0']);
    expect(port).toBeGreaterThan(0);
  });

  it('ws client and server run over facade sockets (wss)', async () => {
    const { caPem } = await testPki();
    const wss = new WebSocketServer({ noServer: true });
    const { http: httpServer, port } = await httpsLike((_req, res) => res.end());
    httpServer.on('upgrade', (request, socket, head) => {
      wss.handleUpgrade(request, socket, head, (ws) => {
        ws.on('message', (data) => ws.send(`echo ${data}`));
      });
    });
    cleanups.push(() => wss.close());
    const ws = new WebSocket(`wss://localhost:${port}/`, {
      createConnection: () =>
        connect({ port, host: '127.0.0.1', servername: 'localhost', ca: [caPem] }) as unknown as net.Socket,
    });
    await once(ws, 'open');
    ws.send('hi');
    const [message] = await new Promise<[Buffer]>((resolve) => ws.once('message', (data: Buffer) => resolve([data])));
    expect(message.toString()).toBe('echo hi');
    ws.close();
    await once(ws, 'close');
  });
});
