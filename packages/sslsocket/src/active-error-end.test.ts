// #21 note: in active mode a connection ends with exactly one of `closed` ({ssl_closed, S}) and
// `error` ({ssl_error, S, Reason}), as Erlang's ssl does: ssl_gen_statem:alert_user/11 sends
// ssl_closed for close_notify and ssl_error for any other alert, never both. A fatal alert, sent or
// received, is an `error` with no `closed` after it; close_notify is a `closed` with no `error`.
import { generateCaChain } from '@sslsocket/pkix';
import { TlsAlert } from '@sslsocket/suites';
import { memoryPair, type Transport } from '@sslsocket/transport';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect, handshake, type SslSocket } from './index.js';

let ca: Awaited<ReturnType<typeof generateCaChain>>;
beforeAll(async () => {
  ca = await generateCaChain({ altNames: ['server.test'] });
});

/** Every active-mode event a socket posts, in order. */
function events(socket: SslSocket): string[] {
  const seen: string[] = [];
  socket.on('closed', (how) => seen.push(`closed:${how}`));
  socket.on('error', (error) => seen.push(`error:${error instanceof TlsAlert ? error.description : error.name}`));
  return seen;
}

async function activePair(version: 'tlsv1.3' | 'tlsv1.2') {
  const [clientEnd, serverEnd] = memoryPair();
  const accepted = handshake(serverEnd, {
    cert: ca.leaf.certificatePem,
    key: ca.leaf.keyPem,
    active: true,
    versions: [version],
  });
  const client = await connect(clientEnd, {
    host: 'server.test',
    cacerts: [ca.ca.certificatePem],
    active: true,
    versions: [version],
    reuseSessions: false,
  });
  return { client, server: await accepted, clientEnd, serverEnd };
}

const settle = async (transports: Transport[]) => {
  await Promise.race([Promise.all(transports.map((t) => t.closed)), new Promise((r) => setTimeout(r, 3000))]);
  await new Promise((resolve) => setTimeout(resolve, 100));
};

describe('active mode: a connection ends with closed or error, never both (Erlang alert_user)', () => {
  for (const version of ['tlsv1.3', 'tlsv1.2'] as const) {
    it(`${version}: a fatal alert is one error event on each side and no closed`, async () => {
      const { client, server, clientEnd, serverEnd } = await activePair(version);
      const clientSeen = events(client);
      const serverSeen = events(server);
      // A forged application_data record under the client's name: the server's record check
      // fails (bad_record_mac, RFC 8446 §5.2 / RFC 5246 §6.2.3) and tells the client.
      clientEnd.write(Uint8Array.of(23, 3, 3, 0, 32, ...new Uint8Array(32).fill(7)));
      await settle([clientEnd, serverEnd]);
      expect(serverSeen).toEqual(['error:bad_record_mac']);
      expect(clientSeen).toEqual(['error:bad_record_mac']);
      expect(server.connectionInformation().peerClose).toBeUndefined();
    });
  }

  it('close_notify is one closed event and no error', async () => {
    const { client, server, clientEnd, serverEnd } = await activePair('tlsv1.3');
    const serverSeen = events(server);
    await client.close({ timeoutMs: 1000 });
    await settle([clientEnd, serverEnd]);
    expect(serverSeen).toEqual(['closed:close_notify']);
  });
});
