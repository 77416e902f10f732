import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, listen } from './index.js';
import { OpensslPki, until } from './test/openssl-pki.js';

// Issue #22: OCSP stapling through the public API (RFC 6066 §8, RFC 8446 §4.4.2.1), both versions,
// against openssl s_server -status_file and openssl s_client -status, with the staple checked by
// the pkix OCSP verifier (RFC 6960) when `ocspCheck` asks for it.

const pki = new OpensslPki();
beforeAll(() => pki.make());
afterAll(() => pki.dispose());
const file = (name: string) => pki.file(name);
const pem = (name: string) => pki.pem(name);
const spawnOpenssl = (args: string[]) => pki.spawn(args);
const opensslServer = (args: string[]) => pki.server(args);

describe('OCSP stapling (RFC 6066 §8)', () => {
  for (const version of ['tlsv1.3', 'tlsv1.2'] as const) {
    it(`${version}: ocspStapling against openssl s_server -status_file: the staple reaches verifyFun and connectionInformation`, async () => {
      const { port } = await opensslServer(['-cert', 'leaf.pem', '-key', 'leaf.key', '-status_file', 'resp.der']);
      const states: unknown[] = [];
      const socket = await connect('127.0.0.1', port, {
        cacerts: [pem('ca.pem')],
        serverNameIndication: 'localhost',
        versions: [version],
        ocspStapling: true,
        verifyFun: (_cert, event, state) => {
          states.push(state);
          return event.type === 'bad_cert' ? 'fail' : 'unknown';
        },
        reuseSessions: false,
      });
      const staple = readFileSync(file('resp.der'));
      expect(Buffer.from(socket.connectionInformation().ocspResponse as Uint8Array).equals(staple)).toBe(true);
      expect(states.length).toBeGreaterThan(0);
      expect(Buffer.from((states[0] as { ocspResponse: Uint8Array }).ocspResponse).equals(staple)).toBe(true);
      await socket.close({ timeoutMs: 500 });
    });
  }

  it('without ocspStapling nothing is asked for and nothing reported', async () => {
    const { port } = await opensslServer(['-cert', 'leaf.pem', '-key', 'leaf.key', '-status_file', 'resp.der']);
    const socket = await connect('127.0.0.1', port, {
      cacerts: [pem('ca.pem')],
      serverNameIndication: 'localhost',
      reuseSessions: false,
    });
    expect(socket.connectionInformation().ocspResponse).toBeUndefined();
    await socket.close({ timeoutMs: 500 });
  });

  for (const version of ['-tls1_3', '-tls1_2']) {
    it(`openssl s_client -status ${version} reads the staple from listen({ ocspResponseFile })`, async () => {
      const server = await listen(0, {
        host: '127.0.0.1',
        cert: pem('leaf.pem'),
        key: pem('leaf.key'),
        ocspResponseFile: file('resp.der'),
      });
      const accepting = server.accept().then((s) => s.close({ timeoutMs: 500 }).catch(() => undefined));
      const client = spawnOpenssl([
        ...['s_client', '-connect', `127.0.0.1:${server.address.port}`, '-status', version],
        ...['-CAfile', 'ca.pem', '-servername', 'localhost'],
      ]);
      await until(() => client.output().includes('OCSP Response Status: successful'));
      expect(client.output()).toMatch(/Cert Status: good/);
      client.kill('SIGKILL');
      await accepting;
      await server.close();
    });
  }

  it('a staple function gives each connection a fresh response', async () => {
    let calls = 0;
    const server = await listen(0, {
      host: '127.0.0.1',
      cert: pem('leaf.pem'),
      key: pem('leaf.key'),
      ocspResponse: async () => {
        calls++;
        return new Uint8Array([0x30, 0x03, 0x0a, 0x01, calls]);
      },
    });
    const seen: number[] = [];
    for (let i = 0; i < 2; i++) {
      const accepted = server.accept();
      const socket = await connect('127.0.0.1', server.address.port, {
        cacerts: [pem('ca.pem')],
        serverNameIndication: 'localhost',
        ocspStapling: true,
        reuseSessions: false,
      });
      seen.push(socket.connectionInformation().ocspResponse?.[4] ?? -1);
      await socket.close({ timeoutMs: 200 });
      await (await accepted).close({ timeoutMs: 200 }).catch(() => undefined);
    }
    expect(seen).toEqual([1, 2]);
    await server.close();
  });
});

describe('the staple checked by the pkix OCSP verifier (ocspCheck, RFC 6960)', () => {
  const client = (extra: object) => ({
    cacerts: [pem('ca.pem')],
    serverNameIndication: 'localhost',
    ocspStapling: true,
    reuseSessions: false as const,
    ...extra,
  });

  it("a revoked certificate's staple fails the handshake with certificate_revoked (default best_effort)", async () => {
    for (const version of ['tlsv1.3', 'tlsv1.2'] as const) {
      const { port } = await opensslServer(['-cert', 'leaf.pem', '-key', 'leaf.key', '-status_file', 'revoked.der']);
      const error = await connect('127.0.0.1', port, client({ versions: [version] })).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'TlsAlert', description: 'certificate_revoked' });
    }
  });

  it("'staple' needs a good staple: accepted with one, refused without", async () => {
    const good = await opensslServer(['-cert', 'leaf.pem', '-key', 'leaf.key', '-status_file', 'resp.der']);
    const socket = await connect('127.0.0.1', good.port, client({ ocspCheck: 'staple' }));
    expect(socket.connectionInformation().ocspResponse).toBeDefined();
    await socket.close({ timeoutMs: 500 });
    const none = await opensslServer(['-cert', 'leaf.pem', '-key', 'leaf.key']);
    const error = await connect('127.0.0.1', none.port, client({ ocspCheck: 'staple' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TlsAlert' });
  });

  it('ocspCheck: false leaves a revoked staple to verifyFun', async () => {
    const { port } = await opensslServer(['-cert', 'leaf.pem', '-key', 'leaf.key', '-status_file', 'revoked.der']);
    const socket = await connect('127.0.0.1', port, client({ ocspCheck: false }));
    expect(socket.connectionInformation().ocspResponse).toBeDefined();
    await socket.close({ timeoutMs: 500 });
  });
});
