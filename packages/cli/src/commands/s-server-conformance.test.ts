// s_server as an OpenSSL stand-in: what test suites that drive `openssl s_server` rely on.
import { connect, TlsAlert } from 'sslsocket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ourServer, Workspace } from '../test/support.js';

const ws = new Workspace('sserver-conf-');
beforeAll(() => ws.makeCertificate());
afterAll(() => ws.dispose());

const TLS12 = { verify: 'verify_none' as const, versions: ['tlsv1.2' as const], handshakeTimeoutMs: 5000 };

describe('sslsocket s_server conformance switches', () => {
  it('-www writes the whole page in one application_data record, as OpenSSL does', async () => {
    const { port, serving } = await ourServer(['-www', '-naccept', '1', '-tls1_2', '-no_ticket']);
    const out = await ws.opensslClient(port, ['-tls1_2', '-msg', '-ign_eof'], 'GET / HTTP/1.0\r\n\r\n');
    expect(await serving).toBe(0);
    expect(out).toContain('HTTP/1.0 200 ok');
    // -msg prints every received record header: "<<< TLS 1.2, RecordHeader [length 0005]" then the bytes.
    const headers = [...out.matchAll(/<<< TLS 1\.2, RecordHeader \[length 0005\]\n\s+([0-9a-f]{2}) 03 03/g)];
    expect(headers.filter((m) => m[1] === '17').length).toBe(1);
  });

  it('client-initiated renegotiation is refused by default with a no_renegotiation warning', async () => {
    const { port } = await ourServer(['-naccept', '1', '-tls1_2']);
    const socket = await connect('127.0.0.1', port, TLS12);
    try {
      const refused = await socket.renegotiate().then(
        () => 'renegotiated',
        (e: unknown) => (e instanceof TlsAlert ? e.description : String(e)),
      );
      expect(refused).toBe('no_renegotiation');
      // A warning: the connection goes on.
      await socket.send('still here\n');
    } finally {
      await socket.close({ timeoutMs: 500 });
    }
  });

  it('-client_renegotiation allows it', async () => {
    const { port } = await ourServer(['-naccept', '1', '-tls1_2', '-client_renegotiation']);
    const socket = await connect('127.0.0.1', port, TLS12);
    try {
      await socket.renegotiate();
    } finally {
      await socket.close({ timeoutMs: 500 });
    }
  });

  it('extended master secret: used by default, off with -no_ems, required with -require_ems', async () => {
    const ems = async (args: string[]) => {
      const { port } = await ourServer(['-naccept', '1', '-tls1_2', ...args]);
      const socket = await connect('127.0.0.1', port, TLS12);
      const used = socket.connectionInformation().extendedMasterSecret;
      await socket.close({ timeoutMs: 500 });
      return used;
    };
    expect(await ems([])).toBe(true);
    expect(await ems(['-no_ems'])).toBe(false);
    const strict = await ourServer(['-naccept', '1', '-tls1_2', '-require_ems']);
    const refused = await connect('127.0.0.1', strict.port, { ...TLS12, extendedMasterSecret: false }).then(
      async (s) => {
        await s.close({ timeoutMs: 500 });
        return 'connected';
      },
      (e: unknown) => (e instanceof TlsAlert ? e.description : String(e)),
    );
    expect(refused).toBe('handshake_failure');
  });
});
