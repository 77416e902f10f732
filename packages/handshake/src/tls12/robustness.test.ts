import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../config.js';
import { ClientConnection, type Connection, ServerConnection } from '../connection.js';
import { baseClient, baseServer, coreOf } from '../test/pair.js';

const TLS12: Partial<ConnectionConfig> = { versions: ['tlsv1.2'] };

/** Runs a handshake, letting `tamper` rewrite the n-th flight; returns both sides' outcomes. */
function run(flight: number, tamper: (bytes: Uint8Array) => Uint8Array, suite: string) {
  const client = new ClientConnection(baseClient({ ...TLS12, cipherSuites: [suite] }));
  const server = new ServerConnection(baseServer({ cipherSuites: [suite], ticketKeys: [new Uint8Array(32)] }));
  client.start();
  let n = 0;
  const move = (from: Connection, to: Connection): boolean => {
    let out = from.takeOutput();
    if (out === null) return false;
    if (n++ === flight) out = tamper(out);
    // receive() must never throw: failures become alerts and error events.
    expect(() => to.receive(out as Uint8Array)).not.toThrow();
    return true;
  };
  for (let i = 0; i < 12; i++) {
    const a = move(client, server);
    const b = move(server, client);
    if (!a && !b) break;
  }
  return { client, server };
}

const SUITES = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
];

describe('TLS 1.2 under corrupted input: an alert, never a crash or a silent success', () => {
  it.each(SUITES)('%s: any flipped byte in any flight ends in a TLS alert on some side', (suite) => {
    fc.assert(
      fc.property(fc.nat(3), fc.nat(4000), fc.integer({ min: 1, max: 255 }), (flight, position, mask) => {
        const { client, server } = run(
          flight,
          (bytes) => {
            const out = bytes.slice();
            const at = position % out.length;
            out[at] = (out[at] as number) ^ mask;
            return out;
          },
          suite,
        );
        const failed = client.error ?? server.error;
        // The corruption is caught (a typed alert); or it hit bytes with no meaning and both sides
        // completed; or it made a record or handshake header promise more bytes, and a side waits for
        // them (the socket layer's handshake timeout ends that wait).
        const pending = (c: Connection) => coreOf(c).record.hasPendingInput;
        const waiting = pending(client) || pending(server);
        if (failed !== undefined) expect(failed.description).toMatch(/^[a-z_]+$/);
        else if (!waiting) expect(client.handshakeComplete && server.handshakeComplete).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('a truncated flight never completes the handshake and never throws', () => {
    fc.assert(
      fc.property(fc.nat(3), fc.nat(4000), (flight, cut) => {
        const { client, server } = run(flight, (bytes) => bytes.subarray(0, cut % bytes.length), SUITES[0] as string);
        expect(client.handshakeComplete && server.handshakeComplete).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
