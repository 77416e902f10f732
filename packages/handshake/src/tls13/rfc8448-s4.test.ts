import { Reader } from '@sslsocket/record';
import { describe, expect, it } from 'vitest';
import { concat, toHex } from '../bytes.js';
import type { Session13 } from '../config.js';
import { ClientConnection, ServerConnection } from '../connection.js';
import { decodeOfferedPsks, decodeU32 } from '../messages/extension-bodies.js';
import { ExtensionType } from '../messages/extensions.js';
import { ClientHello } from '../messages/hello.js';
import { NewSessionTicket } from '../messages/simple.js';
import { clientConfig, fixedRandom, records, serverConfig, tv } from '../test/rfc8448.js';

// RFC 8448 §4: resumption with the §3 ticket and 0-RTT data, replayed byte for byte.
const S = 4;
const NOW = 1_000_000;
const nst = NewSessionTicket.decode(
  new Reader(tv(3, 'server', 'construct a NewSessionTicket', 'NewSessionTicket').subarray(4)),
);
// trace.json's §4 ClientHello field is cut at a page break; the record payload is complete.
const hello = ClientHello.decode(new Reader((records(S, 'client', 'handshake')[0] as Uint8Array).subarray(9)));
const identity = decodeOfferedPsks(hello.extensions.get(ExtensionType.pre_shared_key) as Uint8Array).identities[0];
const clientAge = (((identity?.obfuscatedTicketAge ?? 0) - nst.ticketAgeAdd) >>> 0) as number;
const psk = tv(3, 'server', 'generate resumption secret', 'expanded');
const maxEarly = decodeU32(nst.extensions.get(ExtensionType.early_data) as Uint8Array);
const [earlyData, clientAppData] = records(S, 'client', 'application_data');
const earlyPayload = tv(S, 'client', 'send application_data record', 'payload', 0);

describe('RFC 8448 §4 resumed 0-RTT handshake', () => {
  it('client: ClientHello with binder, 0-RTT data, EndOfEarlyData and Finished byte for byte', () => {
    const session: Session13 = {
      cipherSuite: 0x1301,
      psk,
      ticket: nst.ticket,
      ticketAgeAdd: nst.ticketAgeAdd,
      lifetime: nst.ticketLifetime,
      receivedAt: NOW - clientAge,
      maxEarlyDataSize: maxEarly,
      alpn: undefined,
      serverName: 'server',
    };
    const client = new ClientConnection(
      clientConfig(S, {
        extraExtensions: [{ type: 0xff01, data: Uint8Array.of(0) }],
        clock: { now: () => NOW },
        session,
        earlyData: earlyPayload,
      }),
    );
    client.start();
    const [ch, eoed, fin] = records(S, 'client', 'handshake') as [Uint8Array, Uint8Array, Uint8Array];
    expect(toHex(client.takeOutput() as Uint8Array)).toBe(toHex(concat(ch, earlyData as Uint8Array)));
    const [sh, flight] = records(S, 'server', 'handshake') as [Uint8Array, Uint8Array];
    client.receive(concat(sh, flight));
    expect(client.error).toBeUndefined();
    expect(toHex(client.takeOutput() as Uint8Array)).toBe(toHex(concat(eoed, fin)));
    const events = client.takeEvents();
    expect(events).toContainEqual({ type: 'earlyData', accepted: true });
    const done = events.find((e) => e.type === 'handshakeComplete');
    expect(done?.type === 'handshakeComplete' && done.parameters.resumed).toBe(true);
    client.write(tv(S, 'client', 'send application_data record', 'payload', 1));
    expect(toHex(client.takeOutput() as Uint8Array)).toBe(toHex(clientAppData as Uint8Array));
  });

  it('server: opens the ticket, checks the binder, accepts 0-RTT, every record byte for byte', () => {
    const sh = tv(S, 'server', 'construct a ServerHello', 'ServerHello');
    const server = new ServerConnection(
      serverConfig(S, {
        random: fixedRandom(sh.slice(6, 38)),
        clock: { now: () => NOW },
        maxEarlyDataSize: maxEarly,
        ticketCount: 0,
        earlyDataReplay: new Set(),
        ticketStore: {
          seal: () => new Uint8Array(1),
          open: (ticket) =>
            toHex(ticket) === toHex(nst.ticket)
              ? {
                  cipherSuite: 0x1301,
                  psk,
                  ticketAgeAdd: nst.ticketAgeAdd,
                  lifetime: nst.ticketLifetime,
                  issuedAt: NOW - clientAge,
                  alpn: '',
                  maxEarlyDataSize: maxEarly,
                }
              : undefined,
        },
      }),
    );
    const [ch, eoed, fin] = records(S, 'client', 'handshake') as [Uint8Array, Uint8Array, Uint8Array];
    server.receive(concat(ch, earlyData as Uint8Array));
    expect(server.error).toBeUndefined();
    expect(toHex(server.takeOutput() as Uint8Array)).toBe(toHex(concat(...records(S, 'server', 'handshake'))));
    const early = server.takeEvents().find((e) => e.type === 'data');
    expect(early?.type === 'data' && toHex(early.data)).toBe(toHex(earlyPayload));
    server.receive(concat(eoed, fin));
    expect(server.handshakeComplete).toBe(true);
    server.receive(clientAppData as Uint8Array);
    server.write(tv(S, 'server', 'send application_data record', 'payload'));
    expect(toHex(server.takeOutput() as Uint8Array)).toBe(
      toHex(records(S, 'server', 'application_data')[0] as Uint8Array),
    );
  });
});
