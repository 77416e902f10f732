// RFC 7627 extended master secret: preferred and always offered, its absence accepted by default
// (requireExtendedMasterSecret: true refuses it), and the §5.3 resumption rules on both sides.
import { describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../config.js';
import { ClientConnection, ServerConnection } from '../connection.js';
import { errorOf, params, sessionOf } from '../test/events.js';
import { baseClient, baseServer, pump } from '../test/pair.js';
import { alertFor, clientHelloRecord } from '../test/wire.js';
import { ServerSessionCache, type Session12 } from './session.js';

const TLS12: Partial<ConnectionConfig> = { versions: ['tlsv1.2'], sessionTickets12: false };
const text = (s: string) => new TextEncoder().encode(s);

function run(
  client: Partial<ConnectionConfig>,
  server: Partial<ConnectionConfig>,
  edit: { noClientEms?: boolean } = {},
) {
  // A client without EMS (an older Go, GnuTLS %NO_SESSION_HASH): extendedMasterSecret: false.
  const noEms = edit.noClientEms === true ? { extendedMasterSecret: false } : {};
  const c = new ClientConnection(baseClient({ ...TLS12, ...noEms, ...client }));
  const s = new ServerConnection(baseServer(server));
  c.start();
  pump(c, s);
  return { c, s, ce: c.takeEvents(), se: s.takeEvents() };
}

describe('RFC 7627 default: offered and preferred, absence accepted', () => {
  it('both sides with EMS use it', () => {
    const { ce, se } = run({}, {});
    expect(params(ce)?.extendedMasterSecret).toBe(true);
    expect(params(se)?.extendedMasterSecret).toBe(true);
  });

  it('a server accepts a ClientHello without EMS by default and data flows', () => {
    const { c, s, ce, se } = run({}, {}, { noClientEms: true });
    expect(errorOf(se)).toBeUndefined();
    expect(params(se)?.extendedMasterSecret).toBe(false);
    expect(params(ce)?.extendedMasterSecret).toBe(false);
    c.write(text('ping'));
    pump(c, s);
    expect(s.takeEvents().some((e) => e.type === 'data')).toBe(true);
  });

  it('a server with requireExtendedMasterSecret: true answers handshake_failure', () => {
    const { se } = run({}, { requireExtendedMasterSecret: true }, { noClientEms: true });
    expect(errorOf(se)).toBe('handshake_failure');
  });

  it('a client accepts a ServerHello without EMS by default; with requireExtendedMasterSecret: true it refuses', () => {
    const lax = run({}, { extendedMasterSecret: false });
    expect(errorOf(lax.ce)).toBeUndefined();
    expect(params(lax.ce)?.extendedMasterSecret).toBe(false);
    const strict = run({ requireExtendedMasterSecret: true }, { extendedMasterSecret: false });
    expect(errorOf(strict.ce)).toBe('handshake_failure');
  });

  it('with a SHA-384 suite (TLS 1.2 PRF over SHA-384), with and without EMS', () => {
    const suite = { cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'] };
    for (const noClientEms of [false, true]) {
      const { c, s, ce, se } = run(suite, {}, { noClientEms });
      expect(errorOf(ce) ?? errorOf(se)).toBeUndefined();
      expect(params(ce)?.cipherSuite).toBe('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384');
      expect(params(se)?.extendedMasterSecret).toBe(!noClientEms);
      c.write(text('sha384'));
      pump(c, s);
      expect(s.takeEvents().some((e) => e.type === 'data')).toBe(true);
    }
  });
});

describe('RFC 7627 §5.1: the extension body is empty', () => {
  it('a ClientHello whose extended_master_secret carries one byte is decode_error', () => {
    // A TLS 1.2-only hello: suites ECDHE_ECDSA_AES_128_GCM, EMS = 00 (one byte, not empty).
    const bytes = clientHelloRecord({
      suites: [0xc02b],
      extensions: new Map([
        [43, undefined],
        [51, undefined],
        [45, undefined],
        [23, [0x00]],
      ]),
    });
    expect(alertFor(bytes)).toBe('decode_error');
    const empty = clientHelloRecord({
      suites: [0xc02b],
      extensions: new Map([
        [43, undefined],
        [51, undefined],
        [45, undefined],
      ]),
    });
    expect(alertFor(empty)).toBe('none');
  });
});

describe('RFC 7627 §5.3 resumption', () => {
  /** A session made by a full handshake, with or without EMS, and the cache that holds it. */
  function session(ems: boolean) {
    const cache = new ServerSessionCache({ lifetimeSeconds: 60 });
    const first = run({}, { sessionCache: cache }, { noClientEms: !ems });
    const s = sessionOf(first.ce);
    expect(s.extendedMasterSecret).toBe(ems);
    return { cache, session: s };
  }

  it('an EMS session is resumed with EMS', () => {
    const { cache, session: s } = session(true);
    const again = run({ session: s }, { sessionCache: cache });
    expect(params(again.ce)?.resumed).toBe(true);
  });

  it('server: an EMS session offered in a ClientHello without EMS is handshake_failure, never resumed', () => {
    const { cache, session: s } = session(true);
    const again = run({ session: s }, { sessionCache: cache }, { noClientEms: true });
    expect(errorOf(again.se)).toBe('handshake_failure');
    expect(params(again.ce)).toBeUndefined();
  });

  it('server: a non-EMS session offered with EMS starts a full handshake (with EMS)', () => {
    const { cache, session: s } = session(false);
    const again = run({ session: s }, { sessionCache: cache });
    expect(errorOf(again.ce) ?? errorOf(again.se)).toBeUndefined();
    expect(params(again.se)?.resumed).toBe(false);
    expect(params(again.se)?.extendedMasterSecret).toBe(true);
  });

  /** Rewrites the cached session's EMS flag: the server then misbehaves on resumption. */
  function forge(cache: ServerSessionCache, s: Session12, ems: boolean): void {
    const stored = cache.get(s.sessionId, Date.now());
    expect(stored).toBeDefined();
    if (stored !== undefined) cache.put(s.sessionId, { ...stored, extendedMasterSecret: ems });
  }

  it('client: a resumption ServerHello that drops EMS of an EMS session is handshake_failure', () => {
    const { cache, session: s } = session(true);
    forge(cache, s, false);
    const again = run({ session: s }, { sessionCache: cache, extendedMasterSecret: false });
    expect(params(again.se)).toBeUndefined();
    expect(errorOf(again.ce)).toBe('handshake_failure');
  });

  it('client: a resumption ServerHello that adds EMS to a non-EMS session is handshake_failure', () => {
    const { cache, session: s } = session(false);
    forge(cache, s, true);
    const again = run({ session: s }, { sessionCache: cache });
    expect(errorOf(again.ce)).toBe('handshake_failure');
  });
});
