import { type AeadKey, type CryptoProvider, nobleProvider, TlsAlert, webcryptoProvider } from '@sslsocket/suites';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ContentType,
  type InboundRecord,
  RecordReader,
  RecordWriter,
  Tls12AeadProtection,
  Tls13Protection,
} from './index.js';

const KEY_A = new Uint8Array(16).fill(0x11);
const KEY_B = new Uint8Array(16).fill(0x22);
const IV = new Uint8Array(12).fill(0x33);

/**
 * noble's AES-128-GCM behind an asynchronous AeadKey whose opens finish after `delay(i)` ms, so
 * concurrent opens complete out of order; opens copy their input first, as WebCrypto's do.
 */
function slowProvider(delay: (call: number) => number): CryptoProvider {
  let calls = 0;
  return {
    ...nobleProvider,
    aead(algorithm, key): AeadKey {
      const inner = nobleProvider.aead(algorithm, key);
      return {
        algorithm: inner.algorithm,
        tagLength: inner.tagLength,
        seal: (nonce, aad, buffer, offset, length) => inner.seal(nonce, aad, buffer, offset, length),
        open: (nonce, aad, buffer, offset, length) => {
          const n = nonce.slice();
          const a = aad.slice();
          const sealed = buffer.slice(offset, offset + length);
          const wait = delay(calls++);
          return new Promise<boolean>((resolve) => {
            setTimeout(() => {
              const ok = inner.open(n, a, sealed, 0, length) as boolean;
              if (ok) buffer.set(sealed.subarray(0, length - inner.tagLength), offset);
              resolve(ok);
            }, wait);
          });
        },
      };
    },
  };
}

function sealStream(key: Uint8Array, payloads: Uint8Array[], writer = new RecordWriter()): Uint8Array {
  writer.setProtection(Tls13Protection.create(nobleProvider, 'AES-128-GCM', key, IV));
  for (const payload of payloads) writer.writeRecords(ContentType.application_data, payload);
  return writer.takeOutput();
}

async function readAll(reader: RecordReader, count: number): Promise<InboundRecord[]> {
  const out: InboundRecord[] = [];
  while (out.length < count) {
    const record = await reader.next();
    if (record === null) throw new Error('stream ended early');
    out.push({ ...record, fragment: record.fragment.slice() });
  }
  return out;
}

describe('sealFrom (AeadKey.sealTo) matches copy-and-seal', () => {
  const payload = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff);

  async function both(make: (provider: CryptoProvider) => Tls13Protection | Tls12AeadProtection) {
    const viaSealTo = new RecordWriter({ maxFragment: 1024 });
    viaSealTo.setProtection(make(webcryptoProvider));
    await viaSealTo.writeRecords(ContentType.application_data, payload);
    const viaSeal = new RecordWriter({ maxFragment: 1024 });
    viaSeal.setProtection(make(nobleProvider));
    await viaSeal.writeRecords(ContentType.application_data, payload);
    return [viaSealTo.takeOutput(), viaSeal.takeOutput()];
  }

  it('TLS 1.3, with and without padding (RFC 8446 §5.2, §5.4)', async () => {
    for (const padding of [undefined, (_type: number, length: number) => length % 5]) {
      const [a, b] = await both((provider) =>
        Tls13Protection.create(provider, 'AES-128-GCM', KEY_A, IV, padding === undefined ? {} : { padding }),
      );
      expect(a).toEqual(b);
    }
  });

  it('TLS 1.2 AES-GCM with the explicit nonce (RFC 5288 §3)', async () => {
    const [a, b] = await both((provider) =>
      Tls12AeadProtection.create(provider, 'AES-128-GCM', KEY_A, IV.subarray(0, 4)),
    );
    expect(a).toEqual(b);
  });
});

describe('pipelined opens (openWindow)', () => {
  it('returns records in order whatever order their opens finish in, for any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 700 }),
        fc.integer({ min: 1, max: 6 }),
        async (sizes, delays, chunkSize, window) => {
          const payloads = sizes.map((size, i) => new Uint8Array(size).fill(i + 1));
          const stream = sealStream(KEY_A, payloads);
          const provider = slowProvider((call) => delays[call % delays.length] as number);
          const reader = new RecordReader({ openWindow: window });
          reader.setProtection(Tls13Protection.create(provider, 'AES-128-GCM', KEY_A, IV));
          const got: Uint8Array[] = [];
          for (let at = 0; at < stream.length; at += chunkSize) {
            reader.feed(stream.subarray(at, at + chunkSize));
            for (let record = await reader.next(); record !== null; record = await reader.next())
              got.push(record.fragment.slice());
          }
          expect(got).toEqual(payloads);
          expect(reader.buffered).toBe(0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('drops records opened ahead when the epoch changes, and opens them again with the new keys', async () => {
    const first = [1, 2, 3].map((n) => new Uint8Array(100).fill(n));
    const second = [4, 5, 6].map((n) => new Uint8Array(100).fill(n));
    const stream = new Uint8Array([...sealStream(KEY_A, first), ...sealStream(KEY_B, second)]);
    const provider = slowProvider(() => 1);
    const reader = new RecordReader({ openWindow: 8 });
    reader.setProtection(Tls13Protection.create(provider, 'AES-128-GCM', KEY_A, IV));
    reader.feed(stream);
    const before = await readAll(reader, 3);
    // RFC 8446 §4.6.3: the engine installs the next generation after the KeyUpdate record.
    reader.setProtection(Tls13Protection.create(provider, 'AES-128-GCM', KEY_B, IV));
    const after = await readAll(reader, 3);
    expect([...before, ...after].map((r) => r.fragment)).toEqual([...first, ...second]);
    expect(await reader.next()).toBeNull();
  });

  it('reports a tampered record in its turn, after the authentic ones before it', async () => {
    const payloads = [1, 2, 3, 4].map((n) => new Uint8Array(50).fill(n));
    const stream = sealStream(KEY_A, payloads);
    const recordSize = stream.length / 4;
    stream[2 * recordSize + 10] ^= 1;
    const reader = new RecordReader({ openWindow: 4 });
    reader.setProtection(
      Tls13Protection.create(
        slowProvider(() => 0),
        'AES-128-GCM',
        KEY_A,
        IV,
      ),
    );
    reader.feed(stream);
    const good = await readAll(reader, 2);
    expect(good.map((r) => r.fragment)).toEqual(payloads.slice(0, 2));
    await expect(reader.next()).rejects.toSatisfy(
      (e: unknown) => e instanceof TlsAlert && e.description === 'bad_record_mac',
    );
  });

  it('opens ahead only with an asynchronous provider and only up to the window', async () => {
    let started = 0;
    const counting: CryptoProvider = {
      ...nobleProvider,
      aead(algorithm, key) {
        const inner = slowProvider(() => 5).aead(algorithm, key);
        return {
          ...inner,
          open: (...args: Parameters<AeadKey['open']>) => {
            started++;
            return inner.open(...args);
          },
        };
      },
    };
    const payloads = Array.from({ length: 10 }, (_, n) => new Uint8Array(10).fill(n));
    const reader = new RecordReader({ openWindow: 3 });
    reader.setProtection(Tls13Protection.create(counting, 'AES-128-GCM', KEY_A, IV));
    reader.feed(sealStream(KEY_A, payloads));
    const pending = reader.next();
    expect(started).toBe(3);
    await pending;
    const records = await readAll(reader, 9);
    expect(records.map((r) => r.fragment)).toEqual(payloads.slice(1));
  });
});

describe('opening ahead straight from the buffer (RecordProtection.opensDetached)', () => {
  it('WebCrypto: records in order for any chunking; a tampered record fails in its turn, nothing after it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 9000 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (sizes, chunkSize, tamperSeed) => {
          const payloads = sizes.map((size, i) => pattern(size, i));
          const stream = sealStream(KEY_A, payloads);
          // RFC 8446 §5.2: header, content, content type byte, 16-byte tag.
          const starts = payloads.map((_, i) =>
            payloads.slice(0, i).reduce((sum, payload) => sum + 5 + payload.length + 17, 0),
          );
          const bad = tamperSeed === undefined ? undefined : tamperSeed % payloads.length;
          if (bad !== undefined) stream[(starts[bad] as number) + 5 + ((tamperSeed as number) % 17)] ^= 0x80;
          const reader = new RecordReader({ openWindow: 8, initialCapacity: 64 });
          const protection = Tls13Protection.create(webcryptoProvider, 'AES-128-GCM', KEY_A, IV);
          expect(protection.opensDetached).toBe(true);
          reader.setProtection(protection);
          const got: Uint8Array[] = [];
          let failure: unknown;
          try {
            for (let at = 0; at < stream.length; at += chunkSize) {
              // Later chunks are fed while earlier records are still being opened (compaction).
              reader.feed(stream.subarray(at, at + chunkSize));
              for (let record = await reader.next(); record !== null; record = await reader.next())
                got.push(record.fragment.slice());
            }
          } catch (error) {
            failure = error;
          }
          if (bad === undefined) {
            expect(failure).toBeUndefined();
            expect(got).toEqual(payloads);
          } else {
            expect(failure).toBeInstanceOf(TlsAlert);
            expect((failure as TlsAlert).description).toBe('bad_record_mac');
            expect(got).toEqual(payloads.slice(0, bad));
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('a record still opening in place keeps its bytes: the buffer grows rather than compacts under it', async () => {
    const payloads = [1, 2, 3].map((n) => pattern(100, n));
    const stream = sealStream(KEY_A, payloads);
    const size = stream.length / 3;
    const reader = new RecordReader({ openWindow: 1, initialCapacity: 256 });
    reader.setProtection(
      Tls13Protection.create(
        slowProvider(() => 2),
        'AES-128-GCM',
        KEY_A,
        IV,
      ),
    );
    // The first record and most of the second; the first starts opening (in place, asynchronously).
    reader.feed(stream.subarray(0, size + 100));
    const first = reader.next();
    // The rest would fit if the buffer were compacted over the record being opened.
    reader.feed(stream.subarray(size + 100));
    const records = [await first, await reader.next(), await reader.next()];
    expect(records.map((record) => record?.fragment)).toEqual(payloads);
  });

  it('WebCrypto: records opened ahead under the old keys are opened again from the buffer after a key change', async () => {
    const first = [1, 2, 3].map((n) => pattern(5000, n));
    const second = [4, 5, 6].map((n) => pattern(5000, n));
    const stream = new Uint8Array([...sealStream(KEY_A, first), ...sealStream(KEY_B, second)]);
    const reader = new RecordReader({ openWindow: 8 });
    reader.setProtection(Tls13Protection.create(webcryptoProvider, 'AES-128-GCM', KEY_A, IV));
    reader.feed(stream);
    const before = await readAll(reader, 3);
    // RFC 8446 §4.6.3: the engine installs the next generation after the KeyUpdate record.
    reader.setProtection(Tls13Protection.create(webcryptoProvider, 'AES-128-GCM', KEY_B, IV));
    const after = await readAll(reader, 3);
    expect([...before, ...after].map((r) => r.fragment)).toEqual([...first, ...second]);
    expect(await reader.next()).toBeNull();
  });
});

describe('idle connections keep no record buffers', () => {
  it('records returned before the buffer was released stay intact through later feeds', () => {
    const payloads = [5, 6, 7].map((n) => new Uint8Array(300).fill(n));
    const stream = sealStream(KEY_A, payloads);
    const size = stream.length / 3;
    const reader = new RecordReader({ initialCapacity: 64 });
    reader.setProtection(Tls13Protection.create(nobleProvider, 'AES-128-GCM', KEY_A, IV));
    const held: Uint8Array[] = [];
    for (let i = 0; i < 3; i++) {
      // One whole record at a time: the reader empties, lets its buffer go, then takes a new one.
      reader.feed(stream.subarray(i * size, (i + 1) * size));
      const record = reader.next() as InboundRecord;
      held.push(record.fragment);
      expect(reader.next()).toBeNull();
      expect(reader.buffered).toBe(0);
    }
    expect(held).toEqual(payloads);
  });

  it('each output belongs to its caller: later flights never write into an earlier one', () => {
    const writer = new RecordWriter();
    writer.setProtection(Tls13Protection.create(nobleProvider, 'AES-128-GCM', KEY_A, IV));
    writer.writeRecords(ContentType.application_data, new Uint8Array(10).fill(1));
    const first = writer.takeOutput();
    const copy = first.slice();
    writer.writeRecords(ContentType.application_data, new Uint8Array(5000).fill(2));
    writer.takeOutput();
    writer.writeRecords(ContentType.application_data, new Uint8Array(10).fill(3));
    writer.takeOutput();
    expect(first).toEqual(copy);
    expect(writer.takeOutput().length).toBe(0);
  });

  it('reserves room for the padding of a short last record (RFC 8446 §5.4)', () => {
    const padded = Tls13Protection.create(nobleProvider, 'AES-128-GCM', KEY_A, IV, { padding: () => 200 });
    const writer = new RecordWriter({ maxFragment: 1000 });
    writer.setProtection(padded);
    writer.writeRecords(ContentType.application_data, new Uint8Array(1001).fill(9));
    // 1000 + 1 byte records: the padding of each is capped by the 2^14 + 1 inner limit only.
    expect(writer.takeOutput().length).toBe(2 * (5 + 1 + 200 + 16) + 1001);
  });
});

describe('asynchronous seals across several writes of one flight', () => {
  it('a write that outgrows the buffer while earlier seals are pending loses none of their output', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 40_000 }), { minLength: 1, maxLength: 5 }), async (sizes) => {
        let calls = 0;
        const slowSeals: CryptoProvider = {
          ...nobleProvider,
          aead(algorithm, key) {
            const inner = nobleProvider.aead(algorithm, key);
            return {
              ...inner,
              algorithm: inner.algorithm,
              tagLength: inner.tagLength,
              seal: (nonce, aad, buffer, offset, length) => {
                const n = nonce.slice();
                const a = aad.slice();
                const wait = calls++ % 3;
                return new Promise<void>((resolve) =>
                  setTimeout(() => {
                    inner.seal(n, a, buffer, offset, length);
                    resolve();
                  }, wait),
                );
              },
              open: inner.open.bind(inner),
            };
          },
        };
        const payloads = sizes.map((size, i) => pattern(size, i));
        const asyncWriter = new RecordWriter();
        asyncWriter.setProtection(Tls13Protection.create(slowSeals, 'AES-128-GCM', KEY_A, IV));
        const writes = payloads.map((payload) => asyncWriter.writeRecords(ContentType.application_data, payload));
        await asyncWriter.settle();
        await Promise.all(writes);
        expect(asyncWriter.takeOutput()).toEqual(sealStream(KEY_A, payloads));
      }),
      { numRuns: 15 },
    );
  });
});

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 13 + seed) & 0xff);
}
