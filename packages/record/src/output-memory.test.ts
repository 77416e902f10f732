import { nobleProvider } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import { ContentType, RecordWriter, Tls13Protection } from './index.js';
import { uninitialisedBytes } from './output-memory.js';

/** Every byte of the output's ArrayBuffer that is not part of the output itself. */
function outside(output: Uint8Array): Uint8Array {
  const all = new Uint8Array(output.buffer);
  return Uint8Array.from([...all.subarray(0, output.byteOffset), ...all.subarray(output.byteOffset + output.length)]);
}

describe('record output in uninitialised memory', () => {
  it('uninitialisedBytes gives a plain Uint8Array over exactly its own memory', () => {
    for (const length of [0, 100, 4096, 70_000]) {
      const bytes = uninitialisedBytes(length);
      expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
      expect(bytes.length).toBe(length);
      expect(bytes.byteOffset).toBe(0);
      expect(bytes.buffer.byteLength).toBe(length);
    }
  });

  it('a flight that grew its buffer hands over nothing but records: the rest is zero', () => {
    const writer = new RecordWriter();
    writer.setProtection(Tls13Protection.create(nobleProvider, 'AES-128-GCM', new Uint8Array(16), new Uint8Array(12)));
    // Several writes into one flight: the buffer doubles and is left partly unused.
    for (let i = 0; i < 5; i++) writer.writeRecords(ContentType.application_data, new Uint8Array(3000 + i).fill(9));
    const output = writer.takeOutput();
    expect(output.length).toBe(5 * (3000 + 5 + 1 + 16) + 10);
    expect(outside(output).length).toBeGreaterThan(0);
    expect(outside(output).every((byte) => byte === 0)).toBe(true);
  });
});
