// Property fuzzing of every handshake message and extension codec, TLS 1.3 and 1.2: any input
// yields a value or a typed error (TlsAlert / DecodeError), and a decoded value re-encodes to bytes
// that decode to the same encoding.
import { messages as codecs } from '@sslsocket/handshake';
import { Reader } from '@sslsocket/record';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Certificate12,
  CertificateRequest12,
  CertificateStatus12,
  decodeClientKeyExchange,
  decodeServerKeyExchange,
  encodeClientKeyExchange,
  encodeServerKeyExchange,
  NewSessionTicket12,
} from '../../packages/handshake/src/tls12/messages.js';
import { inputs, runs, valueOrTyped } from './arbitraries.js';
import { realFlights } from './seeds.js';

const {
  bodyBytes,
  Certificate,
  CertificateRequest,
  CertificateVerify,
  ClientHello,
  decodeAlpn,
  decodeCertificateAuthorities,
  decodeCertificateStatus,
  decodeCookie,
  decodeKeyShareClient,
  decodeKeyShareServer,
  decodeNamedGroupList,
  decodeOfferedPsks,
  decodePskModes,
  decodeRecordSizeLimit,
  decodeServerName,
  decodeSignatureSchemeList,
  decodeSupportedVersionsClient,
  EncryptedExtensions,
  Extensions,
  Finished,
  KeyUpdate,
  NewSessionTicket,
  ServerHello,
} = codecs;

const TYPED = ['TlsAlert', 'DecodeError'];

interface Codec {
  decode(r: Reader): { encode(w: never): void };
}

const seeds = await realFlights();

/** The message bodies of a type in the recorded flights, as seeds. */
function bodiesOf(type: number): Uint8Array[] {
  const found = seeds.messages.filter((m) => m.type === type).map((m) => m.body);
  return found.length > 0 ? found : [new Uint8Array(4)];
}

const messages: [string, Codec, number][] = [
  ['ClientHello', ClientHello, 1],
  ['ServerHello', ServerHello, 2],
  ['NewSessionTicket (1.3)', NewSessionTicket, 4],
  ['EncryptedExtensions', EncryptedExtensions, 8],
  ['Certificate (1.3)', Certificate, 11],
  ['CertificateRequest (1.3)', CertificateRequest, 13],
  ['CertificateVerify', CertificateVerify, 15],
  ['KeyUpdate', KeyUpdate, 24],
  ['Certificate (1.2)', Certificate12, 11],
  ['CertificateRequest (1.2)', CertificateRequest12, 13],
  ['NewSessionTicket (1.2)', NewSessionTicket12, 4],
  ['CertificateStatus (1.2)', CertificateStatus12, 22],
];

describe('handshake message codecs under fuzzing', () => {
  for (const [name, codec, type] of messages) {
    it(`${name}: value or typed error; re-encoding is stable`, () => {
      fc.assert(
        fc.property(inputs(bodiesOf(type), 1024), (body) => {
          const value = valueOrTyped(() => codec.decode(new Reader(body)), TYPED);
          if (value === undefined) return;
          const encoded = bodyBytes(value as never);
          const again = bodyBytes(codec.decode(new Reader(encoded)) as never);
          expect(Buffer.from(again).equals(Buffer.from(encoded))).toBe(true);
        }),
        { numRuns: runs },
      );
    });
  }

  it('Finished: value or typed error for every hash length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.constantFrom(32, 48), (body, hashLength) => {
        valueOrTyped(() => Finished.decode(new Reader(body), hashLength), TYPED);
      }),
      { numRuns: runs },
    );
  });

  it('TLS 1.2 key exchange messages: value or typed error for every shape; re-encoding is stable', () => {
    fc.assert(
      fc.property(
        inputs([...bodiesOf(12), ...bodiesOf(16)]),
        fc.record({
          hint: fc.boolean(),
          params: fc.constantFrom('ecdhe' as const, 'dhe' as const, undefined),
          signed: fc.boolean(),
        }),
        fc.boolean(),
        fc.constantFrom('rsa' as const, 'dhe' as const, 'ecdhe' as const, 'none' as const),
        (body, shape, psk, form) => {
          const ske = valueOrTyped(() => decodeServerKeyExchange(new Reader(body), shape), TYPED);
          if (ske !== undefined) {
            const encoded = encodeServerKeyExchange(ske, shape);
            expect(Buffer.from(encoded).equals(Buffer.from(body))).toBe(true);
          }
          const cke = valueOrTyped(() => decodeClientKeyExchange(new Reader(body), psk, form), TYPED);
          if (cke !== undefined) {
            expect(Buffer.from(encodeClientKeyExchange(cke, psk, form)).equals(Buffer.from(body))).toBe(true);
          }
        },
      ),
      { numRuns: runs },
    );
  });

  it('the extensions block and every extension body: value or typed error', () => {
    const bodies = seeds.extensions.length > 0 ? seeds.extensions : [new Uint8Array(4)];
    const decoders: ((data: Uint8Array) => unknown)[] = [
      decodeServerName,
      decodeNamedGroupList,
      decodeSignatureSchemeList,
      decodeSupportedVersionsClient,
      decodeKeyShareClient,
      decodeKeyShareServer,
      decodePskModes,
      decodeOfferedPsks,
      decodeCookie,
      decodeAlpn,
      decodeRecordSizeLimit,
      decodeCertificateAuthorities,
      decodeCertificateStatus,
    ];
    fc.assert(
      fc.property(inputs(bodies, 600), (data) => {
        for (const decode of decoders) valueOrTyped(() => decode(data), TYPED);
        const block = valueOrTyped(() => Extensions.decode(new Reader(data)), TYPED);
        if (block !== undefined) {
          const encoded = bodyBytes(block);
          expect(Buffer.from(bodyBytes(Extensions.decode(new Reader(encoded)))).equals(Buffer.from(encoded))).toBe(
            true,
          );
        }
      }),
      { numRuns: runs },
    );
  });
});
