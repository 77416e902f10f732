import { Reader, Writer } from '@sslsocket/record';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tv } from '../test/rfc8448.js';
import { Certificate } from './certificate.js';
import {
  decodeKeyShareClient,
  decodeServerName,
  decodeSupportedVersionsClient,
  encodeServerName,
} from './extension-bodies.js';
import { Extensions, ExtensionType, isGrease } from './extensions.js';
import { frameHandshake } from './handshake-type.js';
import { ClientHello, ServerHello } from './hello.js';
import { EncryptedExtensions, NewSessionTicket } from './simple.js';

const reencode = (raw: Uint8Array, decode: (r: Reader) => { encode(w: Writer): void }): Uint8Array =>
  frameHandshake(raw[0] as number, decode(new Reader(raw.subarray(4))));

describe('message codecs round-trip RFC 8448 messages byte for byte', () => {
  it.each([
    ['ClientHello', 'client', ClientHello.decode],
    ['ServerHello', 'server', ServerHello.decode],
    ['EncryptedExtensions', 'server', EncryptedExtensions.decode],
    ['Certificate', 'server', Certificate.decode],
    ['NewSessionTicket', 'server', NewSessionTicket.decode],
  ] as const)('%s', (name, actor, decode) => {
    const raw = tv(3, actor, `construct a ${name}`, name);
    expect(reencode(raw, decode)).toEqual(raw);
  });

  it('frames an already-encoded body as the codec would (RFC 8446 §4: type, uint24 length, body)', () => {
    for (const [name, actor] of [
      ['Certificate', 'server'],
      ['Finished', 'server'],
    ] as const) {
      const raw = tv(3, actor, `construct a ${name}`, name);
      const framed = frameHandshake(raw[0] as number, raw.subarray(4));
      expect(framed).toEqual(raw);
      expect(framed.buffer.byteLength).toBe(raw.length);
    }
    expect(frameHandshake(20, new Uint8Array(0x10203))).toEqual(Uint8Array.of(20, 1, 2, 3, ...new Uint8Array(0x10203)));
    expect(() => frameHandshake(256, new Uint8Array(1))).toThrow(RangeError);
  });

  it('reads the ClientHello extensions (SNI, versions, key share) and keeps legacy fields', () => {
    const raw = tv(3, 'client', 'construct a ClientHello', 'ClientHello');
    const ch = ClientHello.decode(new Reader(raw.subarray(4)));
    expect(decodeServerName(ch.extensions.get(ExtensionType.server_name) as Uint8Array)).toBe('server');
    expect(decodeSupportedVersionsClient(ch.extensions.get(ExtensionType.supported_versions) as Uint8Array)).toEqual([
      0x0304,
    ]);
    expect(decodeKeyShareClient(ch.extensions.get(ExtensionType.key_share) as Uint8Array)[0]?.group).toBe(0x1d);
    expect([...ch.compressionMethods]).toEqual([0]);
    expect(ch.legacyVersion).toBe(0x0303);
  });

  it('rejects duplicate extensions', () => {
    const w = new Writer();
    new Extensions([
      { type: 1, data: new Uint8Array(0) },
      { type: 2, data: new Uint8Array(0) },
    ]).encode(w);
    const bytes = w.finish().slice();
    bytes[7] = 1; // the second extension's code becomes 1 too
    expect(() => Extensions.decode(new Reader(bytes))).toThrow(/duplicate extension/);
  });

  it('extension blocks round-trip for any content (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 0xffff }), { maxLength: 8 }),
        fc.uint8Array({ maxLength: 40 }),
        (codes, data) => {
          const exts = new Extensions(codes.map((type) => ({ type, data })));
          const w = new Writer(8);
          exts.encode(w);
          const back = Extensions.decode(new Reader(w.finish()));
          expect(back.types()).toEqual(codes);
          for (const c of codes) expect(back.get(c)).toEqual(data);
        },
      ),
    );
  });

  it('server_name round-trips and GREASE values are recognised', () => {
    expect(decodeServerName(encodeServerName('example.com'))).toBe('example.com');
    expect(isGrease(0x0a0a) && isGrease(0xfafa) && !isGrease(0x0a1a) && !isGrease(0x1301)).toBe(true);
  });
});
