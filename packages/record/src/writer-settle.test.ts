import { type AeadKey, type CryptoProvider, nobleProvider } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import { ContentType, RecordReader, RecordWriter, Tls13Protection } from './index.js';

const KEY = new Uint8Array(16).fill(0x44);
const IV = new Uint8Array(12).fill(0x55);

/**
 * noble's AES-128-GCM behind an asynchronous AeadKey whose seals finish only when the test says so
 * (`release()`), as a worker pool's or WebCrypto's may finish later than records sealed after them.
 */
function heldProvider(): { provider: CryptoProvider; release: () => void; held: () => number } {
  const waiting: (() => void)[] = [];
  const provider: CryptoProvider = {
    ...nobleProvider,
    aead(algorithm, key): AeadKey {
      const inner = nobleProvider.aead(algorithm, key);
      return {
        algorithm: inner.algorithm,
        tagLength: inner.tagLength,
        seal: (nonce, aad, buffer, offset, length) => {
          const n = nonce.slice();
          const a = aad.slice();
          return new Promise<void>((resolve) => {
            waiting.push(() => {
              inner.seal(n, a, buffer, offset, length);
              resolve();
            });
          });
        },
        open: (nonce, aad, buffer, offset, length) => inner.open(nonce, aad, buffer, offset, length),
      };
    },
  };
  return { provider, release: () => waiting.shift()?.(), held: () => waiting.length };
}

const ticks = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('RecordWriter.settle() with writes made while it waits', () => {
  it('keeps a write started during settle() listed as sealing until its own seals finish', async () => {
    const { provider, release, held } = heldProvider();
    const writer = new RecordWriter();
    writer.setProtection(Tls13Protection.create(provider, 'AES-128-GCM', KEY, IV));
    const first = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
    const second = Uint8Array.from({ length: 5000 }, (_, i) => (i * 3) & 0xff);
    void writer.writeRecords(ContentType.application_data, first);
    const settling = writer.settle();
    // A second write while settle() waits for the first: its seal is still held after the first's.
    void writer.writeRecords(ContentType.application_data, second);
    expect(held()).toBe(2);
    release();
    await ticks();
    // The second record is not sealed yet: its bytes must not be handed over (they would go out as
    // an unsealed record the peer rejects with bad_record_mac).
    expect(writer.sealing).toBe(true);
    expect(() => writer.takeOutput()).toThrow(/still being sealed/);
    release();
    await settling;
    await writer.settle();
    expect(writer.sealing).toBe(false);
    const reader = new RecordReader();
    reader.setProtection(Tls13Protection.create(nobleProvider, 'AES-128-GCM', KEY, IV));
    reader.feed(writer.takeOutput());
    const a = await reader.next();
    expect(a?.fragment).toEqual(first);
    const b = await reader.next();
    expect(b?.fragment).toEqual(second);
  });
});
