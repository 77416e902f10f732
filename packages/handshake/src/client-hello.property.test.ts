// Property: any ClientHello built from a mix of valid and invalid extension values, orders and
// lengths gets either a ServerHello (or HelloRetryRequest) or one fatal alert that RFC 8446 §6.2 /
// RFC 5246 §7.2 names for a bad ClientHello: never internal_error, never a throw from receive().
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerTo, ascii, clientHelloBody, ext, handshakeRecord, u16, vec8, vec16, X25519_SHARE } from './test/wire.js';

/** The alerts a server may answer a malformed or unacceptable ClientHello with. */
const ALLOWED = new Set([
  'decode_error',
  'illegal_parameter',
  'missing_extension',
  'unsupported_extension',
  'protocol_version',
  'handshake_failure',
  'insufficient_security',
  'unrecognized_name',
  'no_application_protocol',
  'decrypt_error',
  'unexpected_message',
  'record_overflow',
  // RFC 7507: TLS_FALLBACK_SCSV from a client that could have offered our highest version.
  'inappropriate_fallback',
]);

const bytesArb = (max: number) => fc.uint8Array({ maxLength: max }).map((b) => [...b]);

/** One extension, valid or not: [type, extension_data]. */
const extensionArb: fc.Arbitrary<[number, number[]]> = fc.oneof(
  // server_name
  fc.constantFrom<[number, number[]]>(
    [0, vec16([0, ...vec16(ascii('example.test'))])],
    [0, vec16([0, ...vec16(ascii('example.test.'))])],
    [0, vec16([])],
    [0, [0, 9, 0]],
    [0, vec16([1, ...vec16(ascii('x'))])],
    [0, vec16([0, ...vec16(ascii('a')), 0, ...vec16(ascii('b'))])],
    [0, vec16([0, ...vec16([0x61, 0, 0x62])])],
  ),
  // supported_groups
  fc.constantFrom<[number, number[]]>(
    [10, vec16([...u16(0x1d), ...u16(0x17)])],
    [10, vec16([])],
    [10, [0, 3, 0, 0x1d, 0]],
    [10, vec16([...u16(0x1234)])],
    [10, vec16([...u16(0x0100)])],
  ),
  // signature_algorithms
  fc.constantFrom<[number, number[]]>(
    [13, vec16([...u16(0x0807), ...u16(0x0403)])],
    [13, vec16([])],
    [13, [0, 1, 8]],
    [13, vec16([...u16(0x0201)])],
  ),
  // supported_versions
  fc.constantFrom<[number, number[]]>(
    [43, vec8([...u16(0x0304), ...u16(0x0303)])],
    [43, vec8([...u16(0x0304)])],
    [43, vec8([...u16(0x0303)])],
    [43, vec8([...u16(0x0302)])],
    [43, vec8([])],
    [43, [3, 3, 4, 3]],
    [43, vec8([...u16(0x7f1c), ...u16(0x0308)])],
    [43, vec8([...u16(0x0a0a), ...u16(0x0304)])],
  ),
  // key_share
  fc.constantFrom<[number, number[]]>(
    [51, vec16([...u16(0x1d), ...vec16(X25519_SHARE)])],
    [51, vec16([...u16(0x1d), ...vec16(X25519_SHARE.slice(1))])],
    [51, vec16([...u16(0x17), ...vec16(X25519_SHARE)])],
    [51, vec16([...u16(0x1d), ...vec16(X25519_SHARE), ...u16(0x1d), ...vec16(X25519_SHARE)])],
    [51, vec16([])],
    [51, [0, 40, 0, 0x1d, 0, 32]],
    [51, vec16([...u16(0x1d), ...vec16(new Array<number>(32).fill(0))])],
  ),
  // psk_key_exchange_modes, ec_point_formats, EMS, encrypt_then_mac
  fc.constantFrom<[number, number[]]>(
    [45, vec8([1])],
    [45, vec8([0])],
    [45, vec8([])],
    [45, vec8([7])],
    [11, vec8([0])],
    [11, vec8([1])],
    [11, vec8([])],
    [23, []],
    [23, [0]],
    [22, []],
    [22, [1]],
  ),
  // ALPN, record_size_limit, max_fragment_length, renegotiation_info, early_data, post_handshake_auth
  fc.constantFrom<[number, number[]]>(
    [16, vec16(vec8(ascii('h2')))],
    [16, vec16([])],
    [16, vec16(vec8([]))],
    [28, u16(0x4001)],
    [28, u16(63)],
    [28, [1]],
    [1, [1]],
    [1, [0]],
    [1, [9]],
    [0xff01, [0]],
    [0xff01, [1, 5]],
    [42, []],
    [49, []],
    [49, [1]],
  ),
  // pre_shared_key, cookie, padding, an unknown extension: arbitrary bodies
  fc.tuple(fc.constantFrom(41, 44, 21, 0x7777, 35, 50), bytesArb(40)),
);

const helloArb = fc.record({
  legacyVersion: fc.constantFrom(0x0303, 0x0301, 0x0300, 0x0304, 0x0200, 0x0308, 0x7f7f),
  sessionId: fc.oneof(bytesArb(32), fc.constant(new Array<number>(33).fill(1))),
  suites: fc.subarray([0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xcca9, 0x00ff, 0x5600, 0x0a0a, 0x0035]),
  compression: fc.constantFrom([0], [1], [0, 1], []),
  extensions: fc.array(extensionArb, { maxLength: 14 }),
  // Length damage to the whole body: none most of the time, else cut or extend by a few bytes.
  damage: fc.oneof(
    { weight: 6, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: -12, max: 12 }) },
  ),
});

describe('fast-check: arbitrary ClientHellos get a ServerHello or a named alert', () => {
  it('never internal_error, never a throw', () => {
    fc.assert(
      fc.property(helloArb, (h) => {
        const rawExtensions = h.extensions.flatMap(([type, data]) => ext(type, data));
        let body = clientHelloBody({
          legacyVersion: h.legacyVersion,
          sessionId: h.sessionId,
          suites: h.suites,
          compression: h.compression,
          rawExtensions,
        });
        if (h.damage < 0) body = body.slice(0, Math.max(0, body.length + h.damage));
        if (h.damage > 0) body = [...body, ...new Array<number>(h.damage).fill(0x42)];
        const { answer, error } = answerTo(handshakeRecord(1, body), { alpn: ['h2'] });
        const fatal = answer.alerts.filter((a) => a.level === 'fatal').map((a) => a.description);
        if (answer.handshakeTypes.includes(2)) {
          expect(fatal).toEqual([]);
        } else {
          expect(fatal.length).toBe(1);
          expect(ALLOWED).toContain(fatal[0]);
          expect(error?.description).toBe(fatal[0]);
        }
      }),
      { numRuns: 400 },
    );
  });
});
