import { describe, expect, it } from 'vitest';
import { toHex } from './bytes.js';
import { ClientConnection, ServerConnection } from './connection.js';
import type { ConnectionEvent } from './events.js';
import { baseClient, baseServer, clientId, connect, pump } from './test/pair.js';

const text = (s: string) => new TextEncoder().encode(s);

function dataOf(events: ConnectionEvent[]): string {
  return events.map((e) => (e.type === 'data' ? new TextDecoder().decode(e.data) : '')).join('');
}

describe('TLS 1.3 engine, in memory', () => {
  it('completes a handshake and exchanges data both ways', () => {
    const { client, server } = connect();
    expect(client.handshakeComplete && server.handshakeComplete).toBe(true);
    client.write(text('ping'));
    server.write(text('pong'));
    pump(client, server);
    expect(dataOf(server.takeEvents())).toBe('ping');
    expect(dataOf(client.takeEvents())).toBe('pong');
  });

  it('queues data written before the handshake completes', () => {
    const client = new ClientConnection(baseClient());
    const server = new ServerConnection(baseServer());
    client.start();
    client.write(text('early-write'));
    pump(client, server);
    expect(dataOf(server.takeEvents())).toBe('early-write');
  });

  it.each(['secp256r1', 'x448', 'secp384r1', 'ffdhe2048', 'X25519MLKEM768'] as const)('negotiates %s', (group) => {
    const { client } = connect({ groups: [group] }, { groups: ['x25519', group] });
    const done = client.takeEvents().find((e) => e.type === 'handshakeComplete');
    expect(done?.type === 'handshakeComplete' && done.parameters.group).toBe(group);
  });

  it('KeyUpdate with update_requested rekeys both directions', () => {
    const { client, server } = connect();
    client.takeEvents();
    server.takeEvents();
    client.keyUpdate(true);
    pump(client, server);
    client.write(text('after'));
    server.write(text('back'));
    pump(client, server);
    const se = server.takeEvents();
    const ce = client.takeEvents();
    expect(se.filter((e) => e.type === 'keyUpdate').map((e) => e.type === 'keyUpdate' && e.direction)).toEqual([
      'read',
      'write',
    ]);
    expect(ce.filter((e) => e.type === 'keyUpdate').map((e) => e.type === 'keyUpdate' && e.direction)).toEqual([
      'write',
      'read',
    ]);
    expect(dataOf(se)).toBe('after');
    expect(dataOf(ce)).toBe('back');
  });

  it('refuses too many unanswered KeyUpdate requests', () => {
    const { client } = connect({ maxUnansweredKeyUpdates: 2 });
    client.keyUpdate(true);
    client.keyUpdate(true);
    expect(() => client.keyUpdate(true)).toThrow(/unanswered/);
  });

  it('half-close: close_notify from one side, the other keeps writing', () => {
    const { client, server } = connect();
    client.close();
    pump(client, server);
    expect(server.readClosed).toBe(true);
    expect(server.takeEvents().some((e) => e.type === 'closed')).toBe(true);
    server.write(text('still-here'));
    pump(client, server);
    expect(dataOf(client.takeEvents())).toBe('still-here');
    expect(() => client.write(text('x'))).toThrow();
  });

  it('resumes with a stateless ticket (psk_dhe_ke and psk_ke) and sends 0-RTT data', () => {
    const ticketKeys = [new Uint8Array(32).fill(9)];
    const first = connect({}, { ticketKeys, maxEarlyDataSize: 1024 });
    const ticket = first.client.takeEvents().find((e) => e.type === 'newSessionTicket');
    if (ticket?.type !== 'newSessionTicket') throw new Error('no ticket');
    for (const mode of ['psk_dhe_ke', 'psk_ke'] as const) {
      const replay = new Set<string>();
      const again = connect(
        { session: ticket.session, pskModes: [mode], earlyData: text('0rtt') },
        // Rotation: a new key seals, the old one still opens.
        {
          ticketKeys: [new Uint8Array(32).fill(10), ...ticketKeys],
          maxEarlyDataSize: 1024,
          pskModes: [mode],
          earlyDataReplay: replay,
        },
      );
      const done = again.client.takeEvents().find((e) => e.type === 'handshakeComplete');
      expect(done?.type === 'handshakeComplete' && done.parameters.resumed).toBe(true);
      expect(done?.type === 'handshakeComplete' && done.parameters.group === undefined).toBe(mode === 'psk_ke');
      expect(dataOf(again.server.takeEvents())).toBe('0rtt');
    }
  });

  it('rejects replayed 0-RTT (single use) but still resumes', () => {
    const ticketKeys = [new Uint8Array(32).fill(9)];
    const first = connect({}, { ticketKeys, maxEarlyDataSize: 1024 });
    const ticket = first.client.takeEvents().find((e) => e.type === 'newSessionTicket');
    if (ticket?.type !== 'newSessionTicket') throw new Error('no ticket');
    const replay = new Set<string>();
    const server = { ticketKeys, maxEarlyDataSize: 1024, earlyDataReplay: replay };
    connect({ session: ticket.session, earlyData: text('once') }, server);
    const second = connect({ session: ticket.session, earlyData: text('twice') }, server);
    expect(second.client.takeEvents()).toContainEqual({ type: 'earlyData', accepted: false });
    expect(second.server.handshakeComplete).toBe(true);
    expect(dataOf(second.server.takeEvents())).toBe('');
  });

  it('client authentication, empty Certificate and certificate_required', () => {
    const ok = connect(
      { certificateChain: [clientId.cert], privateKey: clientId.key },
      { verifyPeer: true, pinnedCertificate: clientId.cert },
    );
    const done = ok.server.takeEvents().find((e) => e.type === 'handshakeComplete');
    expect(done?.type === 'handshakeComplete' && toHex(done.parameters.peerCertificates[0] as Uint8Array)).toBe(
      toHex(clientId.cert),
    );
    const anonymous = connect({}, { verifyPeer: true, pinnedCertificate: clientId.cert });
    expect(anonymous.server.handshakeComplete).toBe(true);
    const refused = connect({}, { verifyPeer: true, failIfNoPeerCert: true });
    expect(refused.server.error?.description).toBe('certificate_required');
    expect(refused.client.error?.description).toBe('certificate_required');
  });

  it('post-handshake client authentication', () => {
    const { client, server } = connect(
      { postHandshakeAuth: true, certificateChain: [clientId.cert], privateKey: clientId.key },
      { pinnedCertificate: clientId.cert },
    );
    server.requestClientCertificate();
    pump(client, server);
    const got = server.takeEvents().find((e) => e.type === 'peerCertificate');
    expect(got?.type === 'peerCertificate' && got.chain.length).toBe(1);
    expect(server.error).toBeUndefined();
  });

  it('HelloRetryRequest for a group and for a cookie; ALPN; SNI', () => {
    const hrr = connect({ groups: ['x25519', 'secp256r1'] }, { groups: ['secp256r1', 'x25519'], honorEccOrder: true });
    const d1 = hrr.client.takeEvents().find((e) => e.type === 'handshakeComplete');
    expect(d1?.type === 'handshakeComplete' && d1.parameters.helloRetry && d1.parameters.group).toBe('secp256r1');
    const cookie = connect({ alpn: ['h2', 'http/1.1'] }, { helloRetryAlways: true, alpn: ['http/1.1'] });
    const d2 = cookie.server.takeEvents().find((e) => e.type === 'handshakeComplete');
    expect(
      d2?.type === 'handshakeComplete' && [d2.parameters.helloRetry, d2.parameters.alpn, d2.parameters.serverName],
    ).toEqual([true, 'http/1.1', 'example.test']);
    const noAlpn = connect({ alpn: ['h2'] }, { alpn: ['http/1.1'] });
    expect(noAlpn.server.error?.description).toBe('no_application_protocol');
  });

  it('GREASE from the client is tolerated, middlebox compatibility mode works', () => {
    const { client, server } = connect({ grease: true, middleboxCompat: true });
    expect(client.handshakeComplete && server.handshakeComplete).toBe(true);
  });

  it('a wrong pinned certificate is bad_certificate; an async verifier suspends the handshake', async () => {
    const bad = connect({ pinnedCertificate: clientId.cert });
    expect(bad.client.error?.description).toBe('bad_certificate');
    const client = new ClientConnection(
      baseClient({
        verifyCertificate: () => new Promise((_, reject) => setTimeout(() => reject({ alert: 'unknown_ca' }), 5)),
      }),
    );
    const server = new ServerConnection(baseServer());
    client.start();
    server.receive(client.takeOutput() as Uint8Array);
    const pending = client.receive(server.takeOutput() as Uint8Array);
    expect(pending).toBeInstanceOf(Promise);
    expect(client.stateName).toMatch(/^ExpectCertificate/);
    await pending;
    expect(client.error?.description).toBe('unknown_ca');
  });

  it('exporters agree on both sides', () => {
    const { client, server } = connect();
    const a = client.exportKeyingMaterial('EXPORTER-test', text('ctx'), 32);
    const b = server.exportKeyingMaterial('EXPORTER-test', text('ctx'), 32);
    expect(toHex(a)).toBe(toHex(b));
  });
});
