// legacy_version rules (RFC 8446 §4.1.2, §4.2.1, §D.5; RFC 8996), with exact ClientHello bytes.
import { describe, expect, it } from 'vitest';
import { ClientConnection } from './connection.js';
import { baseClient } from './test/pair.js';
import {
  answerTo,
  clientHelloRecord,
  ext,
  handshakeRecord,
  parseAnswer,
  u16,
  vec8,
  vec16,
  X25519_SHARE,
} from './test/wire.js';

/** A hello without supported_versions / key_share / psk modes: a pre-TLS 1.3 offer. */
const withoutTls13 = new Map<number, number[] | undefined>([
  [43, undefined],
  [51, undefined],
  [45, undefined],
]);

function answer(legacyVersion: number, extensions?: Map<number, readonly number[] | undefined>) {
  return answerTo(clientHelloRecord({ legacyVersion, ...(extensions === undefined ? {} : { extensions }) })).answer;
}
const fatal = (a: ReturnType<typeof answer>) => a.alerts.find((x) => x.level === 'fatal')?.description ?? 'none';

describe('ClientHello legacy_version', () => {
  it('0x0300 is protocol_version even when supported_versions lists TLS 1.3 (RFC 8446 §D.5)', () => {
    expect(fatal(answer(0x0300))).toBe('protocol_version');
    expect(fatal(answer(0x0200))).toBe('protocol_version');
    expect(fatal(answer(0x0000))).toBe('protocol_version');
  });

  it('0x0303 with supported_versions [TLS 1.3, TLS 1.2] negotiates TLS 1.3 (control)', () => {
    const a = answer(0x0303);
    expect(fatal(a)).toBe('none');
    expect(a.handshakeTypes).toEqual([2]);
    expect(a.encryptedRecords).toBeGreaterThan(0);
  });

  it('above 0x0303 without supported_versions negotiates TLS 1.2 (RFC 8446 §4.2.1)', () => {
    for (const v of [0x0304, 0x0308, 0x03ff]) {
      const a = answer(v, withoutTls13);
      expect(fatal(a)).toBe('none');
      expect(a.serverHelloVersion).toBe(0x0303);
      expect(a.handshakeTypes).toEqual([2, 11, 12, 14]);
    }
  });

  it('a hello offering only TLS 1.1 or lower is protocol_version (RFC 8996)', () => {
    expect(fatal(answer(0x0302, withoutTls13))).toBe('protocol_version');
    expect(fatal(answer(0x0301, withoutTls13))).toBe('protocol_version');
    const oldOnly = new Map<number, readonly number[] | undefined>([[43, vec8([...u16(0x0302), ...u16(0x0301)])]]);
    expect(fatal(answer(0x0303, oldOnly))).toBe('protocol_version');
  });
});

describe('ServerHello legacy_version', () => {
  it('a TLS 1.3 ServerHello with legacy_version 0x0300 is protocol_version (RFC 8446 §D.5)', () => {
    const client = new ClientConnection(baseClient({ keyShareGroups: ['x25519'] }));
    client.start();
    const out = client.takeOutput() as Uint8Array;
    const sidLength = out[9 + 34] as number;
    const sessionId = [...out.subarray(9 + 35, 9 + 35 + sidLength)];
    const body = [
      ...u16(0x0300),
      ...new Array<number>(32).fill(0x24),
      ...vec8(sessionId),
      ...u16(0x1301),
      0,
      ...vec16([...ext(43, u16(0x0304)), ...ext(51, [...u16(0x1d), ...vec16(X25519_SHARE)])]),
    ];
    client.receive(handshakeRecord(2, body, 0x0303));
    const error = client.takeEvents().find((e) => e.type === 'error');
    expect(error?.type === 'error' ? error.error.description : undefined).toBe('protocol_version');
    expect(parseAnswer(client.takeOutput()).alerts).toEqual([{ level: 'fatal', description: 'protocol_version' }]);
  });
});
