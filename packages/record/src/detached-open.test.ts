import { type CryptoProvider, nobleProvider } from '@sslsocket/suites';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContentType, RecordReader, RecordWriter, Tls12AeadProtection, Tls13Protection } from './index.js';
import { detachingProvider } from './test/detaching-provider.js';

const key = new Uint8Array(16).fill(3);
const iv = new Uint8Array(12).fill(4);
const protections = {
  'TLS 1.3': (provider: CryptoProvider) => Tls13Protection.create(provider, 'AES-128-GCM', key, iv),
  'TLS 1.2': (provider: CryptoProvider) => Tls12AeadProtection.create(provider, 'AES-128-GCM', key, iv.subarray(0, 4)),
};

describe('records opened into detached arrays (AeadKey.openDetached)', () => {
  for (const [name, make] of Object.entries(protections)) {
    it(`${name}: every record comes back whole, marked detached, and survives the reader's next feed`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.uint8Array({ minLength: 1, maxLength: 3000 }), { minLength: 1, maxLength: 6 }),
          (messages) => {
            const writer = new RecordWriter({ maxFragment: 1024 });
            writer.setProtection(make(nobleProvider));
            const reader = new RecordReader();
            reader.setProtection(make(detachingProvider()));
            const received: Uint8Array[] = [];
            for (const message of messages) {
              writer.writeRecords(ContentType.application_data, message);
              reader.feed(writer.takeOutput());
              for (let record = reader.next(); record !== null; record = reader.next()) {
                if (record instanceof Promise) throw new Error('synchronous provider');
                expect(record.detached).toBe(true);
                expect(record.contentType).toBe(ContentType.application_data);
                received.push(record.fragment);
              }
            }
            const joined = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => [...part]));
            expect(joined(received)).toEqual(joined(messages));
          },
        ),
        { numRuns: 40 },
      );
    });

    it(`${name}: a tampered record is bad_record_mac`, () => {
      const writer = new RecordWriter();
      writer.setProtection(make(nobleProvider));
      writer.writeRecords(ContentType.application_data, new Uint8Array(100).fill(1));
      const bytes = writer.takeOutput();
      bytes[bytes.length - 1] ^= 1;
      const reader = new RecordReader();
      reader.setProtection(make(detachingProvider()));
      reader.feed(bytes);
      expect(() => reader.next()).toThrow(expect.objectContaining({ description: 'bad_record_mac' }));
    });
  }
});
