// Plain HTTP on a TLS port is named as such (OpenSSL's "http request" / "https proxy request",
// node's ERR_SSL_HTTP_REQUEST) instead of "unknown record content type 71"; the server still
// answers unexpected_message (RFC 8446 §5) and keeps serving. Our client against a plain HTTP
// server says the peer answered in HTTP.
import * as net from 'node:net';
import { NotTlsAlert } from 'sslsocket';
import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, collect, ourClient, ourServer, rawConnect, records } from '../support/peers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('plain HTTP on a TLS port', () => {
  const cases: [string, string, RegExp][] = [
    ['GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'http_request', /^unexpected_message: http request: .*"GET \/"/],
    ['POST /form HTTP/1.1\r\nHost: x\r\n\r\n', 'http_request', /^unexpected_message: http request/],
    ['CONNECT x:443 HTTP/1.1\r\n\r\n', 'https_proxy_request', /^unexpected_message: https proxy request/],
  ];
  for (const [request, kind, message] of cases) {
    it(`${request.slice(0, request.indexOf(' '))}: a typed error that says so, unexpected_message, and the server goes on`, async () => {
      const server = await ourServer(cleanup);
      const accepted = server.accept().catch((error: unknown) => error);
      const raw = await rawConnect(server.address.port, cleanup);
      const received = collect(raw);
      raw.write(request);
      const failure = await accepted;
      expect(failure).toBeInstanceOf(NotTlsAlert);
      expect(failure).toMatchObject({ name: 'TlsAlert', description: 'unexpected_message', kind });
      expect((failure as Error).message).toMatch(message);
      expect(records(await received).map((r) => Array.from(r.fragment))).toEqual([[2, 10]]);
      const next = server.accept();
      const client = await ourClient(server.address.port);
      await (await next).close({ timeoutMs: 200 });
      await client.close({ timeoutMs: 200 });
    });
  }

  it('our client to a plain HTTP server: the peer answered in HTTP', async () => {
    const http = net.createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanup.add(() => new Promise<void>((resolve) => http.close(() => resolve())));
    const port = (http.address() as net.AddressInfo).port;
    const failure = await ourClient(port).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NotTlsAlert);
    expect(failure).toMatchObject({ kind: 'http_response' });
    expect((failure as Error).message).toMatch(/answered in plain HTTP/);
  });
});
