import * as nodeCrypto from 'node:crypto';
import { createNobleProvider, nobleProvider, TlsAlert } from '@sslsocket/suites';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ContentType,
  HandshakeReassembler,
  NullProtection,
  RecordReader,
  RecordWriter,
  SequenceExhaustedError,
  Tls12AeadProtection,
  Tls12CbcProtection,
  Tls13Protection,
} from './index.js';
import { hex, toHex, traceValue } from './test/rfc8448.js';

/** Write keys of `actor`; the trace lists the client's handshake write keys as the server's read keys. */
function keys(actor: 'client' | 'server', which: 'handshake' | 'application', section = 3) {
  const [listedBy, direction] =
    actor === 'client' && which === 'handshake' ? (['server', 'read'] as const) : ([actor, 'write'] as const);
  const step = `derive ${direction} traffic keys for ${which} data`;
  return {
    key: traceValue(section, listedBy, step, 'key expanded'),
    iv: traceValue(section, listedBy, step, 'iv expanded'),
  };
}

function drain(reader: RecordReader): { contentType: number; fragment: string }[] {
  const out: { contentType: number; fragment: string }[] = [];
  for (let record = reader.next(); record !== null; record = reader.next()) {
    if (record instanceof Promise) throw new Error('unexpected async record');
    out.push({ contentType: record.contentType, fragment: toHex(record.fragment) });
  }
  return out;
}

describe('RFC 8448 §3 record protection', () => {
  const cases = [
    {
      name: 'server handshake flight',
      actor: 'server',
      keys: 'handshake',
      occurrence: 1,
      type: ContentType.handshake,
      sequence: 0,
    },
    {
      name: 'client Finished',
      actor: 'client',
      keys: 'handshake',
      occurrence: 1,
      type: ContentType.handshake,
      sequence: 0,
    },
    {
      name: 'server NewSessionTicket',
      actor: 'server',
      keys: 'application',
      occurrence: 2,
      type: ContentType.handshake,
      sequence: 0,
    },
  ] as const;
  for (const c of cases) {
    it(`${c.name} seals and opens byte for byte`, () => {
      const { key, iv } = keys(c.actor, c.keys);
      const payload = traceValue(3, c.actor, 'send handshake record', 'payload', c.occurrence);
      const record = traceValue(3, c.actor, 'send handshake record', 'complete record', c.occurrence);
      const writer = new RecordWriter();
      writer.setProtection(Tls13Protection.create(nobleProvider, 'AES-128-GCM', key, iv));
      writer.writeRecords(c.type, payload);
      expect(toHex(writer.takeOutput())).toBe(toHex(record));
      const reader = new RecordReader();
      reader.setProtection(Tls13Protection.create(nobleProvider, 'AES-128-GCM', key, iv));
      reader.feed(record);
      expect(drain(reader)).toEqual([{ contentType: c.type, fragment: toHex(payload) }]);
    });
  }

  it('application data records in both directions', () => {
    const client = keys('client', 'application');
    const clientRecord = traceValue(3, 'client', 'send application_data record', 'complete record');
    const clientPayload = traceValue(3, 'client', 'send application_data record', 'payload');
    const writer = new RecordWriter();
    writer.setProtection(Tls13Protection.create(nobleProvider, 'AES-128-GCM', client.key, client.iv));
    writer.writeRecords(ContentType.application_data, clientPayload);
    expect(toHex(writer.takeOutput())).toBe(toHex(clientRecord));
    // The server's application data is its second record under these keys (after NewSessionTicket).
    const server = keys('server', 'application');
    const reader = new RecordReader();
    reader.setProtection(Tls13Protection.create(nobleProvider, 'AES-128-GCM', server.key, server.iv));
    reader.feed(traceValue(3, 'server', 'send handshake record', 'complete record', 2));
    reader.feed(traceValue(3, 'server', 'send application_data record', 'complete record'));
    const records = drain(reader);
    expect(records[1]).toEqual({
      contentType: ContentType.application_data,
      fragment: toHex(traceValue(3, 'server', 'send application_data record', 'payload')),
    });
  });
});

type Protection = Tls13Protection | Tls12AeadProtection | Tls12CbcProtection;
/** Creates fresh keys and returns a maker of protections that all share them. */
type KeyedFactory = () => () => Protection;

const random = (n: number): Uint8Array => new Uint8Array(nodeCrypto.randomBytes(n));
const factories: Record<string, KeyedFactory> = {};
for (const algorithm of ['AES-128-GCM', 'AES-256-GCM', 'CHACHA20-POLY1305', 'AES-128-CCM', 'AES-128-CCM-8'] as const) {
  const keyLength = algorithm.includes('256') || algorithm.startsWith('CHACHA') ? 32 : 16;
  factories[`1.3 ${algorithm}`] = () => {
    const key = random(keyLength);
    const iv = random(12);
    return () => Tls13Protection.create(nobleProvider, algorithm, key, iv);
  };
  factories[`1.2 ${algorithm}`] = () => {
    const key = random(keyLength);
    const iv = random(algorithm.startsWith('CHACHA') ? 12 : 4);
    return () => Tls12AeadProtection.create(nobleProvider, algorithm, key, iv);
  };
}
for (const [cbc, hash, macLength] of [
  ['AES-128-CBC', 'SHA-1', 20],
  ['AES-256-CBC', 'SHA-256', 32],
  ['AES-256-CBC', 'SHA-384', 48],
] as const) {
  for (const encryptThenMac of [false, true]) {
    factories[`1.2 ${cbc} ${hash}${encryptThenMac ? ' EtM' : ''}`] = () => {
      const key = random(cbc === 'AES-128-CBC' ? 16 : 32);
      const mac = random(macLength);
      return () => Tls12CbcProtection.create(nobleProvider, cbc, key, hash, mac, { encryptThenMac });
    };
  }
}

function sealAll(protection: Protection, records: [number, Uint8Array][]): Uint8Array {
  const writer = new RecordWriter();
  writer.setProtection(protection);
  for (const [type, data] of records) writer.writeRecords(type, data);
  return writer.takeOutput();
}

function openerFor(protection: Protection): RecordReader {
  const reader = new RecordReader();
  reader.setProtection(protection);
  return reader;
}

describe('round trip and tamper for every protection', () => {
  for (const [name, keyed] of Object.entries(factories)) {
    it(`${name}: round-trips, and any flipped bit gives bad_record_mac`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(), (data, flip) => {
          const make = keyed();
          const bytes = sealAll(make(), [
            [ContentType.application_data, data],
            [ContentType.handshake, data],
          ]);
          const reader = openerFor(make());
          reader.feed(bytes);
          expect(drain(reader)).toEqual([
            { contentType: ContentType.application_data, fragment: toHex(data) },
            { contentType: ContentType.handshake, fragment: toHex(data) },
          ]);
          const firstLength = ((bytes[3] as number) << 8) | (bytes[4] as number);
          const tampered = bytes.slice(0, 5 + firstLength);
          const bit = flip % (firstLength * 8);
          tampered[5 + (bit >> 3)] = (tampered[5 + (bit >> 3)] as number) ^ (1 << (bit & 7));
          const tamperReader = openerFor(make());
          tamperReader.feed(tampered);
          expect(() => tamperReader.next()).toThrow(expect.objectContaining({ description: 'bad_record_mac' }));
        }),
        { numRuns: 15 },
      );
    });
  }

  it('a changed header (type or length) is also bad_record_mac for AEAD suites', () => {
    const make = factories['1.2 AES-128-GCM']!();
    const bytes = sealAll(make(), [[ContentType.application_data, new Uint8Array(10)]]);
    bytes[0] = ContentType.handshake;
    const reader = openerFor(make());
    reader.feed(bytes);
    expect(() => reader.next()).toThrow(expect.objectContaining({ description: 'bad_record_mac' }));
  });
});

describe('framing', () => {
  it('any split of a record stream yields the same records', () => {
    const make = factories['1.3 AES-128-GCM']!();
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 2000 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }),
        (payloads, cuts) => {
          const bytes = sealAll(
            make(),
            payloads.map((p) => [ContentType.application_data, p]),
          );
          const reader = openerFor(make());
          const records: string[] = [];
          let at = 0;
          for (let i = 0; at < bytes.length; i++) {
            const size = cuts[i % cuts.length] as number;
            reader.feed(bytes.subarray(at, at + size));
            at += size;
            for (const record of drain(reader)) records.push(record.fragment);
          }
          expect(records).toEqual(payloads.map(toHex));
          expect(reader.buffered).toBe(0);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('fragments large writes at the negotiated limit', () => {
    const writer = new RecordWriter({ maxFragment: 1000 });
    writer.writeRecords(ContentType.application_data, new Uint8Array(2500));
    const reader = new RecordReader();
    reader.feed(writer.takeOutput());
    expect(drain(reader).map((r) => r.fragment.length / 2)).toEqual([1000, 1000, 500]);
  });

  it('handshake messages coalesce and split across records', () => {
    const reassembler = new HandshakeReassembler(100);
    reassembler.push(hex('0100000201'));
    expect(reassembler.next()).toBeNull();
    reassembler.push(hex('02020000'));
    const first = reassembler.next();
    expect(first && [first.type, toHex(first.body), toHex(first.raw)]).toEqual([1, '0102', '010000020102']);
    expect(reassembler.hasPartialMessage).toBe(true);
    reassembler.push(hex('00'));
    expect(reassembler.next()?.type).toBe(2);
    expect(() => reassembler.assertNoPartialMessage()).not.toThrow();
    reassembler.push(hex('01000fff'));
    expect(() => reassembler.next()).toThrow(expect.objectContaining({ description: 'illegal_parameter' }));
    expect(() => new HandshakeReassembler().push(new Uint8Array(0))).toThrow(TlsAlert);
  });

  it('hello messages above their structural maximum are refused from the header (RFC 8446 §4.1.2)', () => {
    const at = (type: number, length: number) => {
      const r = new HandshakeReassembler(1 << 20);
      r.push(Uint8Array.of(type, length >> 16, (length >> 8) & 255, length & 255));
      return () => r.next();
    };
    expect(at(1, 131_396)()).toBeNull();
    expect(at(1, 131_397)).toThrow(expect.objectContaining({ description: 'illegal_parameter' }));
    expect(at(2, 65_607)()).toBeNull();
    expect(at(2, 65_608)).toThrow(expect.objectContaining({ description: 'illegal_parameter' }));
    expect(at(11, 500_000)()).toBeNull(); // Certificate: only the configured limit applies
  });
});

describe('limits and malformed records', () => {
  const alertOf = (bytes: Uint8Array, setup?: (reader: RecordReader) => void): string => {
    const reader = new RecordReader();
    setup?.(reader);
    reader.feed(bytes);
    try {
      drain(reader);
      return 'none';
    } catch (error) {
      return (error as TlsAlert).description;
    }
  };

  it('maps each malformed input to its alert', () => {
    expect(alertOf(hex('1803030001ff'))).toBe('unexpected_message');
    expect(alertOf(hex('4745542f20485454'))).toBe('unexpected_message'); // "GET / HTT": not TLS
    expect(alertOf(hex('1602030001ff'))).toBe('protocol_version');
    expect(alertOf(hex('1703034001'))).toBe('record_overflow');
    expect(alertOf(hex('1703030100'), (r) => (r.maxPlaintext = 255))).toBe('record_overflow');
    expect(alertOf(hex('1603030000'))).toBe('unexpected_message');
    const make = factories['1.3 AES-128-GCM']!();
    expect(alertOf(hex(`1703034101${'00'.repeat(0x4101)}`), (r) => r.setProtection(make()))).toBe('record_overflow');
    expect(alertOf(hex('1603030005' + '0000000000'), (r) => r.setProtection(make()))).toBe('unexpected_message');
    expect(alertOf(hex('170303000500000000ff'), (r) => r.setProtection(make()))).toBe('bad_record_mac');
  });

  it('a TLS 1.3 record of only zero padding is unexpected_message; padding is stripped', () => {
    const make = factories['1.3 CHACHA20-POLY1305']!();
    const padded = new Tls13Protection(nobleProvider.aead('AES-128-GCM', new Uint8Array(16)), new Uint8Array(12), {
      padding: () => 100,
    });
    const writer = new RecordWriter();
    writer.setProtection(padded);
    writer.writeRecords(ContentType.application_data, hex('abcd'));
    const bytes = writer.takeOutput();
    expect(bytes.length).toBe(5 + 2 + 1 + 100 + 16);
    const reader = new RecordReader();
    reader.setProtection(
      new Tls13Protection(nobleProvider.aead('AES-128-GCM', new Uint8Array(16)), new Uint8Array(12)),
    );
    reader.feed(bytes);
    expect(drain(reader)).toEqual([{ contentType: ContentType.application_data, fragment: 'abcd' }]);
    void make;
  });

  it('sequence numbers never wrap', () => {
    const protection = new NullProtection();
    (protection as unknown as { counter: { skipTo(n: number): void } }).counter.skipTo(2 ** 48);
    const writer = new RecordWriter();
    writer.setProtection(protection);
    expect(() => writer.writeRecords(ContentType.handshake, hex('00'))).toThrow(SequenceExhaustedError);
  });

  it('reports when an epoch nears its AEAD limit', () => {
    const protection = new Tls13Protection(nobleProvider.aead('AES-128-GCM', new Uint8Array(16)), new Uint8Array(12), {
      rekeyAfterRecords: 2,
    });
    const writer = new RecordWriter();
    writer.setProtection(protection);
    writer.writeRecords(ContentType.application_data, new Uint8Array(1));
    expect(protection.nearLimit).toBe(false);
    writer.writeRecords(ContentType.application_data, new Uint8Array(1));
    expect(protection.nearLimit).toBe(true);
  });
});

describe('TLS 1.2 records against node:crypto references', () => {
  const seq0 = Buffer.alloc(8);
  it('AES-128-GCM: our record equals one built with node:crypto, and we open node-built records', () => {
    const key = random(16);
    const salt = random(4);
    const data = random(100);
    const ours = sealAll(Tls12AeadProtection.create(nobleProvider, 'AES-128-GCM', key, salt), [[23, data]]);
    const explicit = seq0;
    const cipher = nodeCrypto.createCipheriv('aes-128-gcm', key, Buffer.concat([salt, explicit]));
    cipher.setAAD(Buffer.concat([seq0, Buffer.from([23, 3, 3, 0, 100])]));
    const body = Buffer.concat([cipher.update(data), cipher.final(), cipher.getAuthTag()]);
    const reference = Buffer.concat([Buffer.from([23, 3, 3, 0, 8 + body.length]), explicit, body]);
    expect(toHex(ours)).toBe(reference.toString('hex'));
    // A node-built record with a different explicit nonce opens too.
    const otherExplicit = Buffer.from('0102030405060708', 'hex');
    const c2 = nodeCrypto.createCipheriv('aes-128-gcm', key, Buffer.concat([salt, otherExplicit]));
    c2.setAAD(Buffer.concat([seq0, Buffer.from([23, 3, 3, 0, 100])]));
    const body2 = Buffer.concat([c2.update(data), c2.final(), c2.getAuthTag()]);
    const reader = openerFor(Tls12AeadProtection.create(nobleProvider, 'AES-128-GCM', key, salt));
    reader.feed(Buffer.concat([Buffer.from([23, 3, 3, 0, 8 + body2.length]), otherExplicit, body2]));
    expect(drain(reader)).toEqual([{ contentType: 23, fragment: toHex(data) }]);
  });

  for (const encryptThenMac of [false, true]) {
    it(`AES-128-CBC HMAC-SHA1 ${encryptThenMac ? 'encrypt-then-MAC' : 'MAC-then-encrypt'} equals node:crypto`, () => {
      const key = random(16);
      const macKey = random(20);
      const iv = random(16);
      const data = random(37);
      const provider = createNobleProvider({ randomBytes: (n) => iv.slice(0, n) });
      const ours = sealAll(
        Tls12CbcProtection.create(provider, 'AES-128-CBC', key, 'SHA-1', macKey, { encryptThenMac }),
        [[23, data]],
      );
      const header = (length: number) => Buffer.concat([seq0, Buffer.from([23, 3, 3, length >> 8, length & 0xff])]);
      const pad = (plain: Buffer) => {
        const padding = 15 - (plain.length % 16);
        return Buffer.concat([plain, Buffer.alloc(padding + 1, padding)]);
      };
      const encrypt = (plain: Buffer) => {
        const c = nodeCrypto.createCipheriv('aes-128-cbc', key, iv).setAutoPadding(false);
        return Buffer.concat([c.update(plain), c.final()]);
      };
      let fragment: Buffer;
      if (encryptThenMac) {
        const ciphertext = Buffer.concat([iv, encrypt(pad(Buffer.from(data)))]);
        const mac = nodeCrypto.createHmac('sha1', macKey).update(header(ciphertext.length)).update(ciphertext).digest();
        fragment = Buffer.concat([ciphertext, mac]);
      } else {
        const mac = nodeCrypto.createHmac('sha1', macKey).update(header(data.length)).update(data).digest();
        fragment = Buffer.concat([iv, encrypt(pad(Buffer.concat([data, mac])))]);
      }
      const reference = Buffer.concat([
        Buffer.from([23, 3, 3, fragment.length >> 8, fragment.length & 0xff]),
        fragment,
      ]);
      expect(toHex(ours)).toBe(reference.toString('hex'));
      const reader = openerFor(
        Tls12CbcProtection.create(nobleProvider, 'AES-128-CBC', key, 'SHA-1', macKey, { encryptThenMac }),
      );
      reader.feed(reference);
      expect(drain(reader)).toEqual([{ contentType: 23, fragment: toHex(data) }]);
    });
  }

  it('CBC with bad padding content is bad_record_mac (MAC-then-encrypt)', () => {
    const key = random(16);
    const macKey = random(20);
    const iv = random(16);
    // 32 bytes of garbage plaintext whose last byte claims 5 bytes of padding that do not match.
    const plain = Buffer.alloc(32, 1);
    plain[31] = 5;
    const c = nodeCrypto.createCipheriv('aes-128-cbc', key, iv).setAutoPadding(false);
    const fragment = Buffer.concat([iv, c.update(plain), c.final()]);
    const reader = openerFor(Tls12CbcProtection.create(nobleProvider, 'AES-128-CBC', key, 'SHA-1', macKey));
    reader.feed(Buffer.concat([Buffer.from([23, 3, 3, 0, fragment.length]), fragment]));
    expect(() => reader.next()).toThrow(expect.objectContaining({ description: 'bad_record_mac' }));
  });
});
