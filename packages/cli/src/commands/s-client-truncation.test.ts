import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { listen, type SslListenSocket } from 'sslsocket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, input as lines, Workspace } from '../test/support.js';
import { runSClient } from './s-client.js';

// Issue #22: a server that ends the stream without close_notify (RFC 8446 §6.1) must not look like
// a clean close. OpenSSL 3's s_client exits 1 with "unexpected eof while reading"; ours too.

const ws = new Workspace('sclient-eof-');
let server: SslListenSocket;
let ending: 'clean' | 'truncated' = 'clean';

beforeAll(async () => {
  ws.makeCertificate();
  server = await listen(0, {
    host: '127.0.0.1',
    cert: readFileSync(ws.cert, 'utf8'),
    key: readFileSync(ws.key, 'utf8'),
  });
  void (async () => {
    for (;;) {
      let socket: Awaited<ReturnType<SslListenSocket['accept']>>;
      try {
        socket = await server.accept();
      } catch {
        return;
      }
      await socket.send('partial response\n');
      await new Promise((resolve) => setTimeout(resolve, 100));
      // 'truncated': the TCP stream ends (FIN) with no close_notify before it.
      if (ending === 'clean') await socket.close({ timeoutMs: 500 }).catch(() => undefined);
      else await socket.transport.close();
    }
  })();
});

afterAll(async () => {
  await server.close();
  ws.dispose();
});

/** openssl s_client's exit code and stderr against our server, as a reference. */
function opensslClient(port: number): Promise<{ code: number | null; err: string }> {
  const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-quiet', '-CAfile', ws.cert]);
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdout.resume();
  // Keep stdin open: s_client must end because the server did.
  setTimeout(() => child.kill('SIGKILL'), 5000);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, err })));
}

describe('s_client and a server that ends without close_notify', () => {
  for (const how of ['clean', 'truncated'] as const) {
    it(`${how}: exit code and message match openssl s_client`, async () => {
      ending = how;
      const port = server.address.port;
      const reference = await opensslClient(port);
      const { io, streams } = capture();
      const code = await runSClient(
        ['-connect', `127.0.0.1:${port}`, '-CAfile', ws.cert, '-servername', 'localhost'],
        streams,
        lines('', 2000),
      );
      expect(io.out).toContain('partial response');
      if (how === 'clean') {
        expect(reference.code).toBe(0);
        expect(code).toBe(0);
        expect(io.err).not.toMatch(/unexpected eof/);
      } else {
        expect(reference.err).toMatch(/unexpected eof while reading/);
        expect(reference.code).toBe(1);
        expect(code).toBe(1);
        expect(io.err).toMatch(/^error: unexpected eof while reading: SocketStateError: /m);
      }
    });
  }
});
