import { Reader } from '@sslsocket/record';
import { describe, expect, it } from 'vitest';
import { concat, toHex } from '../bytes.js';
import { ClientConnection, ServerConnection } from '../connection.js';
import type { ConnectionEvent } from '../events.js';
import { Certificate } from '../messages/certificate.js';
import { decodeU32 } from '../messages/extension-bodies.js';
import { ExtensionType } from '../messages/extensions.js';
import { NewSessionTicket } from '../messages/simple.js';
import { clientConfig, fixedRandom, records, serverConfig, tv } from '../test/rfc8448.js';
import type { TicketState } from '../tickets.js';

// RFC 8448 §3: a simple 1-RTT handshake, replayed byte for byte from both sides.
const S = 3;
const clientHello = tv(S, 'client', 'construct a ClientHello', 'ClientHello');
const serverHello = tv(S, 'server', 'construct a ServerHello', 'ServerHello');
const certificateMsg = tv(S, 'server', 'construct a Certificate', 'Certificate');
const _serverCert = Certificate.decode(new Reader(certificateMsg.subarray(4))).chain[0] as Uint8Array;
const cvSignature = tv(S, 'server', 'construct a CertificateVerify', 'CertificateVerify').subarray(8);

const appData = tv(S, 'client', 'send application_data record', 'payload');

describe('RFC 8448 §3 simple 1-RTT handshake', () => {
  it('client: ClientHello, Finished, application data and close_notify byte for byte', () => {
    const client = new ClientConnection(clientConfig(S));
    client.start();
    expect(toHex(client.takeOutput() as Uint8Array)).toBe(toHex(records(S, 'client', 'handshake')[0] as Uint8Array));
    const [sh, flight, nst] = records(S, 'server', 'handshake') as [Uint8Array, Uint8Array, Uint8Array];
    client.receive(concat(sh, flight));
    expect(client.error).toBeUndefined();
    expect(client.handshakeComplete).toBe(true);
    expect(toHex(client.takeOutput() as Uint8Array)).toBe(toHex(records(S, 'client', 'handshake')[1] as Uint8Array));
    client.receive(nst);
    const events = client.takeEvents();
    const done = events.find((e) => e.type === 'handshakeComplete');
    expect(done?.type === 'handshakeComplete' && done.parameters.cipherSuite).toBe('TLS_AES_128_GCM_SHA256');
    expect(done?.type === 'handshakeComplete' && done.parameters.signatureScheme).toBe('rsa_pss_rsae_sha256');
    const ticket = events.find(
      (e): e is Extract<ConnectionEvent, { type: 'newSessionTicket' }> => e.type === 'newSessionTicket',
    );
    expect(ticket?.session.lifetime).toBe(30);
    client.write(appData);
    expect(toHex(client.takeOutput() as Uint8Array)).toBe(
      toHex(records(S, 'client', 'application_data')[0] as Uint8Array),
    );
    client.receive(records(S, 'server', 'application_data')[0] as Uint8Array);
    const data = client.takeEvents().find((e) => e.type === 'data');
    expect(data?.type === 'data' && toHex(data.data)).toBe(toHex(appData));
    client.close();
    expect(toHex(client.takeOutput() as Uint8Array)).toBe(toHex(records(S, 'client', 'alert')[0] as Uint8Array));
    client.receive(records(S, 'server', 'alert')[0] as Uint8Array);
    expect(client.takeEvents().map((e) => e.type)).toEqual(['alertReceived', 'closed']);
  });

  it('client: exporter and resumption PSK match the trace secrets', () => {
    const client = new ClientConnection(clientConfig(S));
    client.start();
    client.takeOutput();
    const [sh, flight, nst] = records(S, 'server', 'handshake') as [Uint8Array, Uint8Array, Uint8Array];
    client.receive(concat(sh, flight, nst));
    const ticket = client.takeEvents().find((e) => e.type === 'newSessionTicket');
    const psk = tv(S, 'server', 'generate resumption secret', 'expanded');
    expect(
      ticket?.type === 'newSessionTicket' && ticket.session.version !== 'tlsv1.2' && toHex(ticket.session.psk),
    ).toBe(toHex(psk));
  });

  it('server: every record byte for byte (with the trace ticket injected through ticketStore)', () => {
    const nst = NewSessionTicket.decode(
      new Reader(tv(S, 'server', 'construct a NewSessionTicket', 'NewSessionTicket').subarray(4)),
    );
    const ageAdd = Uint8Array.of(
      nst.ticketAgeAdd >>> 24,
      (nst.ticketAgeAdd >>> 16) & 255,
      (nst.ticketAgeAdd >>> 8) & 255,
      nst.ticketAgeAdd & 255,
    );
    const sh0 = tv(S, 'server', 'construct a ServerHello', 'ServerHello');
    const sealed: TicketState[] = [];
    const server = new ServerConnection(
      serverConfig(S, {
        random: fixedRandom(sh0.slice(6, 38), ageAdd),
        ticketLifetime: nst.ticketLifetime,
        maxEarlyDataSize: decodeU32(nst.extensions.get(ExtensionType.early_data) as Uint8Array),
        ticketStore: {
          seal: (state) => {
            sealed.push(state);
            return nst.ticket;
          },
          open: () => undefined,
        },
      }),
    );
    server.receive(records(S, 'client', 'handshake')[0] as Uint8Array);
    expect(server.error).toBeUndefined();
    const [sh, flight] = records(S, 'server', 'handshake') as [Uint8Array, Uint8Array];
    expect(toHex(server.takeOutput() as Uint8Array)).toBe(toHex(concat(sh, flight)));
    server.receive(records(S, 'client', 'handshake')[1] as Uint8Array);
    expect(server.handshakeComplete).toBe(true);
    expect(server.takeEvents().some((e) => e.type === 'handshakeComplete')).toBe(true);
    expect(toHex(server.takeOutput() as Uint8Array)).toBe(toHex(records(S, 'server', 'handshake')[2] as Uint8Array));
    expect(toHex(sealed[0]?.psk ?? new Uint8Array(0))).toBe(
      toHex(tv(S, 'server', 'generate resumption secret', 'expanded')),
    );
    server.receive(records(S, 'client', 'application_data')[0] as Uint8Array);
    const data = server.takeEvents().find((e) => e.type === 'data');
    expect(data?.type === 'data' && toHex(data.data)).toBe(toHex(appData));
    server.write(appData);
    expect(toHex(server.takeOutput() as Uint8Array)).toBe(
      toHex(records(S, 'server', 'application_data')[0] as Uint8Array),
    );
    server.receive(records(S, 'client', 'alert')[0] as Uint8Array);
    expect(server.readClosed).toBe(true);
    server.close();
    expect(toHex(server.takeOutput() as Uint8Array)).toBe(toHex(records(S, 'server', 'alert')[0] as Uint8Array));
    expect(serverHello.length).toBeGreaterThan(0);
    expect(cvSignature.length).toBe(128);
    expect(clientHello.length).toBe(196);
  });
});
