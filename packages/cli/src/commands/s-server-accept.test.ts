// s_server -accept without a host listens on every interface, as OpenSSL 3.0's s_server does
// (it gives getaddrinfo no host): both loopbacks, 127.0.0.1 and ::1, reach it.
import { connect } from 'sslsocket';
import { describe, expect, it } from 'vitest';
import { capture, freePort, until } from '../test/support.js';
import { runSServer } from './s-server.js';

const CLIENT = { verify: 'verify_none' as const, handshakeTimeoutMs: 5000 };

async function handshakes(host: string, port: number): Promise<string> {
  const socket = await connect(host, port, CLIENT);
  const protocol = socket.connectionInformation().protocol;
  await socket.close({ timeoutMs: 500 });
  return protocol;
}

describe('s_server -accept', () => {
  it('a bare port listens on every interface: 127.0.0.1 and ::1 both connect', async () => {
    const port = await freePort();
    const { io, streams } = capture();
    const serving = runSServer(['-accept', String(port), '-naccept', '2'], streams);
    await until(() => io.out.includes('ACCEPT'));
    expect(await handshakes('127.0.0.1', port)).toBe('tlsv1.3');
    expect(await handshakes('::1', port)).toBe('tlsv1.3');
    expect(await serving).toBe(0);
  });

  it('a host limits it to that address: ::1 is refused when 127.0.0.1 is named', async () => {
    const port = await freePort();
    const { io, streams } = capture();
    const serving = runSServer(['-accept', `127.0.0.1:${port}`, '-naccept', '1'], streams);
    await until(() => io.out.includes('ACCEPT'));
    await expect(connect('::1', port, CLIENT)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await handshakes('127.0.0.1', port)).toBe('tlsv1.3');
    expect(await serving).toBe(0);
  });

  it('a malformed -accept is a usage error (exit 2), as OpenSSL refuses it', async () => {
    const { io, streams } = capture();
    expect(await runSServer(['-accept', '::1:4433'], streams)).toBe(2);
    expect(io.err).toMatch(/-accept: ambiguous/);
  });
});
