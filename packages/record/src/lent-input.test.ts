import { type CryptoProvider, nobleProvider } from '@sslsocket/suites';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ContentType,
  type InboundRecord,
  NullProtection,
  RecordReader,
  RecordWriter,
  Tls12AeadProtection,
  Tls13Protection,
} from './index.js';
import { detachingProvider } from './test/detaching-provider.js';

const key = new Uint8Array(16).fill(3);
const iv = new Uint8Array(12).fill(4);
const protections = {
  'TLS 1.3': (provider: CryptoProvider) => Tls13Protection.create(provider, 'AES-128-GCM', key, iv),
  'TLS 1.2': (provider: CryptoProvider) => Tls12AeadProtection.create(provider, 'AES-128-GCM', key, iv.subarray(0, 4)),
};

const joined = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => [...part]));

/** Cuts `stream` at `cuts` (fractions), as a transport's reads might. */
function chunksOf(stream: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * stream.length)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const point of [...points, stream.length]) {
    if (point > at) chunks.push(stream.slice(at, point));
    at = Math.max(at, point);
  }
  return chunks;
}

/** Lends each chunk, reads every record, lets go of the chunk and scribbles over it. */
function readLent(reader: RecordReader, chunks: Uint8Array[]): { records: InboundRecord[]; untouched: boolean } {
  const records: InboundRecord[] = [];
  let untouched = true;
  for (const chunk of chunks) {
    const before = chunk.slice();
    reader.lend(chunk);
    for (let record = reader.next(); record !== null; record = reader.next()) {
      if (record instanceof Promise) throw new Error('synchronous provider');
      records.push(record);
    }
    reader.keepUnread();
    if (chunk.some((byte, i) => byte !== before[i])) untouched = false;
    // The caller reuses its chunk: nothing the reader returned or kept may change with it.
    chunk.fill(0xaa);
  }
  return { records, untouched };
}

describe('records read where the chunk lies (RecordReader.lend)', () => {
  for (const [name, make] of Object.entries(protections)) {
    for (const [providerName, provider] of [
      ['a synchronous detached open', detachingProvider(true)],
      ['an in-place open', nobleProvider],
    ] as const) {
      it(`${name}, ${providerName}: any chunking gives every byte back, never writes into the chunks, keeps no reference to them`, () => {
        fc.assert(
          fc.property(
            fc.array(fc.uint8Array({ minLength: 1, maxLength: 5000 }), { minLength: 1, maxLength: 5 }),
            fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
            (messages, cuts) => {
              const writer = new RecordWriter({ maxFragment: 1500 });
              writer.setProtection(make(nobleProvider));
              for (const message of messages) writer.writeRecords(ContentType.application_data, message);
              const reader = new RecordReader();
              reader.setProtection(make(provider));
              const { records, untouched } = readLent(reader, chunksOf(writer.takeOutput(), cuts));
              expect(untouched).toBe(true);
              expect(joined(records.map((r) => r.fragment))).toEqual(joined(messages));
              expect(reader.buffered).toBe(0);
            },
          ),
          { numRuns: 60 },
        );
      });
    }
  }

  it('a switch to an in-place epoch in the middle of a lent chunk copies before opening', () => {
    const writer = new RecordWriter();
    writer.writeRecords(ContentType.handshake, Uint8Array.of(20, 0, 0, 1, 9));
    writer.setProtection(Tls13Protection.create(nobleProvider, 'AES-128-GCM', key, iv));
    writer.writeRecords(ContentType.application_data, new Uint8Array(3000).fill(7));
    const chunk = writer.takeOutput();
    const before = chunk.slice();
    const reader = new RecordReader();
    reader.lend(chunk);
    const plain = reader.next() as InboundRecord;
    expect(plain.contentType).toBe(ContentType.handshake);
    reader.setProtection(Tls13Protection.create(nobleProvider, 'AES-128-GCM', key, iv));
    const opened = reader.next() as InboundRecord;
    expect(opened.fragment).toEqual(new Uint8Array(3000).fill(7));
    expect(chunk).toEqual(before);
  });

  it('takeUnread returns the lent bytes not read yet, the record being put together included', () => {
    const writer = new RecordWriter();
    writer.setProtection(new NullProtection());
    for (let i = 0; i < 3; i++) writer.writeRecords(ContentType.handshake, new Uint8Array(100).fill(i + 1));
    const stream = writer.takeOutput();
    const reader = new RecordReader();
    reader.lend(stream.subarray(0, 150));
    expect((reader.next() as InboundRecord).fragment).toEqual(new Uint8Array(100).fill(1));
    expect(reader.next()).toBeNull();
    reader.keepUnread();
    // The second record is completed from the next chunk; the third stays where the chunk lies.
    reader.lend(stream.subarray(150));
    expect(reader.buffered).toBe(stream.length - 105);
    expect(reader.takeUnread()).toEqual(stream.subarray(105));
    expect(reader.buffered).toBe(0);
  });
});
