import { Reader } from '@sslsocket/record';
import { describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../config.js';
import { ClientConnection, ServerConnection } from '../connection.js';
import type { ConnectionEvent } from '../events.js';
import { type Extensions, ExtensionType } from '../messages/extensions.js';
import { HandshakeType } from '../messages/handshake-type.js';
import { ClientHello } from '../messages/hello.js';
import { leafPublicKey } from '../peer-auth.js';
import { errorOf, params, sessionOf } from '../test/events.js';
import { baseClient, baseServer, clientId, connect, coreOf, mutateOutgoing, pump } from '../test/pair.js';
import { ServerSessionCache } from './session.js';

const text = (s: string) => new TextEncoder().encode(s);
const TLS12: Partial<ConnectionConfig> = { versions: ['tlsv1.2'] };

function dataOf(events: ConnectionEvent[]): string {
  return events.map((e) => (e.type === 'data' ? new TextDecoder().decode(e.data) : '')).join('');
}

/** Rewrites the ClientHello's extensions (an on-path attacker or a non-conforming client). */
function editClientHello(client: ClientConnection, edit: (exts: Extensions, ch: ClientHello) => void): void {
  mutateOutgoing(client, HandshakeType.client_hello, (body) => {
    const ch = ClientHello.decode(new Reader(body));
    edit(ch.extensions, ch);
    return ch.toBytes();
  });
}

describe('TLS 1.2 engine, in memory', () => {
  it('a 1.2-only client meets a 1.2+1.3 server at TLS 1.2 and exchanges data', () => {
    const { client, server } = connect(TLS12);
    const ce = client.takeEvents();
    const se = server.takeEvents();
    expect(errorOf(ce) ?? errorOf(se)).toBeUndefined();
    const p = params(ce);
    expect(p?.version).toBe('tlsv1.2');
    expect(p?.extendedMasterSecret).toBe(true);
    expect(p?.secureRenegotiation).toBe(true);
    expect(params(se)?.cipherSuite).toBe(p?.cipherSuite);
    client.write(text('ping'));
    server.write(text('pong'));
    pump(client, server);
    expect(dataOf(server.takeEvents())).toBe('ping');
    expect(dataOf(client.takeEvents())).toBe('pong');
  });

  it('a 1.3+1.2 client meets a 1.2-only server at TLS 1.2 (no sentinel: the server has no 1.3)', () => {
    const { client } = connect({}, TLS12);
    expect(params(client.takeEvents())?.version).toBe('tlsv1.2');
  });

  it('a forced downgrade (supported_versions stripped on the path) is caught by the sentinel', () => {
    const client = new ClientConnection(baseClient());
    const server = new ServerConnection(baseServer());
    editClientHello(client, (exts) => exts.delete(ExtensionType.supported_versions));
    client.start();
    pump(client, server);
    expect(errorOf(client.takeEvents())).toBe('illegal_parameter');
  });

  it.each([
    ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', true],
    ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', true],
    ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', false],
    ['TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8', false],
  ])('%s: data flows (encrypt-then-MAC %s)', (suite, etm) => {
    const { client, server } = connect({ ...TLS12, cipherSuites: [suite] }, { cipherSuites: [suite] });
    const p = params(client.takeEvents());
    expect(p?.cipherSuite).toBe(suite);
    expect(p?.encryptThenMac).toBe(etm);
    server.write(new Uint8Array(40_000).fill(7));
    pump(client, server);
    const got = client.takeEvents().filter((e) => e.type === 'data');
    expect(got.reduce((n, e) => n + (e.type === 'data' ? e.data.length : 0), 0)).toBe(40_000);
  });

  it('DHE with an RFC 7919 group and PSK suites with a hint', () => {
    const ffdhe = connect(
      {
        ...TLS12,
        cipherSuites: ['TLS_DHE_PSK_WITH_AES_128_GCM_SHA256'],
        groups: ['ffdhe2048'],
        externalPsk: { identity: text('id'), key: text('0123456789abcdef') },
      },
      {
        cipherSuites: ['TLS_DHE_PSK_WITH_AES_128_GCM_SHA256'],
        groups: ['ffdhe2048'],
        pskIdentityHint: text('hint'),
        userLookupFun: (id) => (new TextDecoder().decode(id) === 'id' ? text('0123456789abcdef') : undefined),
      },
    );
    expect(params(ffdhe.client.takeEvents())?.group).toBe('ffdhe2048');
    const wrong = connect(
      {
        ...TLS12,
        cipherSuites: ['TLS_PSK_WITH_AES_128_GCM_SHA256'],
        externalPsk: { identity: text('who'), key: text('k') },
      },
      { cipherSuites: ['TLS_PSK_WITH_AES_128_GCM_SHA256'], userLookupFun: () => undefined },
    );
    expect(errorOf(wrong.server.takeEvents())).toBe('unknown_psk_identity');
  });

  it('extended master secret required on request: a ClientHello without it is handshake_failure', () => {
    const strict = new ClientConnection(baseClient(TLS12));
    const server = new ServerConnection(baseServer({ requireExtendedMasterSecret: true }));
    editClientHello(strict, (exts) => exts.delete(ExtensionType.extended_master_secret));
    strict.start();
    pump(strict, server);
    expect(errorOf(server.takeEvents())).toBe('handshake_failure');
  });

  it('resumes by session id and by ticket; a changed EMS state or unknown id falls back to a full handshake', () => {
    const cache = new ServerSessionCache({ lifetimeSeconds: 60, maxEntries: 2 });
    const first = connect({ ...TLS12, sessionTickets12: false }, { sessionCache: cache });
    const session = sessionOf(first.client.takeEvents());
    expect(session.ticket).toBeUndefined();
    const again = connect({ ...TLS12, sessionTickets12: false, session }, { sessionCache: cache });
    expect(params(again.client.takeEvents())?.resumed).toBe(true);
    again.client.write(text('resumed'));
    pump(again.client, again.server);
    expect(dataOf(again.server.takeEvents())).toBe('resumed');
    const cold = connect({ ...TLS12, sessionTickets12: false, session }, { sessionCache: new ServerSessionCache() });
    expect(params(cold.client.takeEvents())?.resumed).toBe(false);
    const key = new Uint8Array(32).fill(3);
    const withTicket = connect(TLS12, { ticketKeys: [key] });
    const ticketSession = sessionOf(withTicket.client.takeEvents());
    expect(ticketSession.ticket?.length).toBeGreaterThan(0);
    const byTicket = connect({ ...TLS12, session: ticketSession }, { ticketKeys: [new Uint8Array(32).fill(9), key] });
    expect(params(byTicket.client.takeEvents())?.resumed).toBe(true);
  });

  it('client certificates: requested, sent, verified; required and missing is handshake_failure', () => {
    const ok = connect(
      { ...TLS12, certificateChain: [clientId.cert], privateKey: clientId.key },
      { verifyPeer: true, pinnedCertificate: clientId.cert },
    );
    expect(params(ok.server.takeEvents())?.peerCertificates.length).toBe(1);
    const missing = connect(TLS12, { verifyPeer: true, failIfNoPeerCert: true, pinnedCertificate: clientId.cert });
    expect(errorOf(missing.server.takeEvents())).toBe('handshake_failure');
  });

  it('renegotiation both ways; refused with no_renegotiation when disabled', () => {
    const { client, server } = connect(TLS12);
    client.takeEvents();
    client.renegotiate();
    client.write(text('mid'));
    pump(client, server);
    const se = server.takeEvents();
    expect(params(se)?.renegotiated).toBe(true);
    expect(dataOf(se)).toBe('mid');
    server.renegotiate();
    pump(client, server);
    expect(params(client.takeEvents())?.renegotiated).toBe(true);
    const refused = connect(TLS12, { clientRenegotiation: false });
    refused.client.renegotiate();
    pump(refused.client, refused.server);
    const ce = refused.client.takeEvents();
    expect(ce.some((e) => e.type === 'alertReceived' && e.alert.description === 'no_renegotiation')).toBe(true);
    refused.client.write(text('still'));
    pump(refused.client, refused.server);
    expect(dataOf(refused.server.takeEvents())).toBe('still');
  });

  it('a renegotiation ClientHello with the wrong renegotiation_info is handshake_failure', () => {
    const { client, server } = connect(TLS12);
    mutateOutgoing(client, HandshakeType.client_hello, (body) => {
      const ch = ClientHello.decode(new Reader(body));
      ch.extensions.set(ExtensionType.renegotiation_info, Uint8Array.of(12, ...new Uint8Array(12)));
      return ch.toBytes();
    });
    client.renegotiate();
    pump(client, server);
    expect(errorOf(server.takeEvents())).toBe('handshake_failure');
  });

  it('TLS_FALLBACK_SCSV from a 1.2-only client makes a 1.3 server answer inappropriate_fallback', () => {
    const { server } = connect({ ...TLS12, fallback: true });
    expect(errorOf(server.takeEvents())).toBe('inappropriate_fallback');
    const fine = connect({ ...TLS12, fallback: true }, TLS12);
    expect(params(fine.client.takeEvents())?.version).toBe('tlsv1.2');
  });

  it('exporters and prf agree on both sides; TLS 1.3 refuses prf', () => {
    const { client, server } = connect(TLS12);
    expect(client.exportKeyingMaterial('EXPERIMENTAL a', undefined, 20)).toEqual(
      server.exportKeyingMaterial('EXPERIMENTAL a', undefined, 20),
    );
    expect(client.prf(text('x'), ['serverRandom', text('y')], 8)).toEqual(
      server.prf(text('x'), ['serverRandom', text('y')], 8),
    );
    const v13 = connect();
    expect(() => v13.client.prf(text('x'), [], 8)).toThrow(/TLS 1.2/);
  });

  it.each([
    ['a Finished before ChangeCipherSpec', 'unexpected_message'],
    ['a bad Finished', 'decrypt_error'],
  ])('%s is %s', (what, alert) => {
    const client = new ClientConnection(baseClient(TLS12));
    const server = new ServerConnection(baseServer());
    mutateOutgoing(client, HandshakeType.finished, (body) => {
      const out = body.slice();
      out[0] = (out[0] as number) ^ 1;
      return out;
    });
    if (what.includes('before')) {
      const record = coreOf(client).record;
      const { writer } = record as unknown as { writer: { setProtection: (p: unknown) => void } };
      // Drop the CCS record but still switch keys: the server sees Finished in the clear epoch.
      record.changeWriteProtection12 = (p) => writer.setProtection(p);
    }
    client.start();
    pump(client, server);
    expect(errorOf(server.takeEvents())).toBe(alert);
  });

  it('status_request: the stapled OCSP response reaches the verification hook', () => {
    const staple = Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x00);
    let seen: Uint8Array | undefined;
    const { client } = connect(
      {
        ...TLS12,
        ocspStapling: true,
        verifyCertificate: (chain, ctx) => {
          seen = ctx.ocspResponse;
          return leafPublicKey(chain[0] as Uint8Array);
        },
      },
      { ocspResponse: staple },
    );
    expect(errorOf(client.takeEvents())).toBeUndefined();
    expect(seen).toEqual(staple);
  });

  it('max_fragment_length and record_size_limit bound the records each side writes', () => {
    const mfl = connect({ ...TLS12, maxFragmentLength: 512 });
    mfl.server.write(new Uint8Array(2000));
    const out = mfl.server.takeOutput() as Uint8Array;
    // Four records of at most 512 plaintext bytes each (AEAD adds 8 + 16 bytes).
    expect(out.length).toBe(2000 + 4 * (5 + 8 + 16));
    const rsl = connect({ ...TLS12, recordSizeLimit: 1000 }, { recordSizeLimit: 1000 });
    expect(params(rsl.client.takeEvents())?.peerRecordSizeLimit).toBe(1000);
    rsl.server.write(new Uint8Array(3000));
    expect((rsl.server.takeOutput() as Uint8Array).length).toBe(3000 + 3 * (5 + 8 + 16));
  });

  it("handshake: 'hello' pauses a TLS 1.2 server at the ClientHello until continue()", async () => {
    const client = new ClientConnection(baseClient(TLS12));
    // No certificate until the hello has been seen: continue() supplies it.
    const { certificateChain: _chain, privateKey: _key, ...bare } = baseServer();
    const server = new ServerConnection({ ...bare, handshake: 'hello' });
    server.on((e) => {
      if (e.type === 'hello') server.continue(baseServer());
    });
    client.start();
    const hello = client.takeOutput() as Uint8Array;
    await server.receive(hello);
    pump(client, server);
    expect(params(client.takeEvents())?.version).toBe('tlsv1.2');
  });
});
