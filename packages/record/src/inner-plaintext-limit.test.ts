// RFC 8446 §5.4 / RFC 8449 §4: the TLS 1.3 size limits apply to the whole TLSInnerPlaintext
// (content + content type byte + zero padding), not to the content alone.
import { nobleProvider, TlsAlert } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import { ContentType, RecordReader, RecordWriter, Tls13Protection } from './index.js';

const KEY = new Uint8Array(16).fill(1);
const IV = new Uint8Array(12).fill(2);

/** One application_data record of `content` bytes with exactly `padding` zero bytes of padding. */
function sealed(content: number, padding: number): Uint8Array {
  const writer = new RecordWriter({ maxFragment: 2 ** 15 });
  // The sender is deliberately non-conforming: its own cap is raised so the padding is not cut.
  writer.setProtection(
    new Tls13Protection(nobleProvider.aead('AES-128-GCM', KEY), IV, {
      padding: () => padding,
      maxInnerPlaintext: 2 ** 15,
    }),
  );
  writer.writeRecords(ContentType.application_data, new Uint8Array(content).fill(0x61));
  const out = writer.takeOutput();
  // header (5) + content + type byte + padding + GCM tag (16): the exact wire length we meant.
  expect(out.length).toBe(5 + content + 1 + padding + 16);
  return out;
}

function open(bytes: Uint8Array, maxPlaintext?: number): number | string {
  const reader = new RecordReader(maxPlaintext === undefined ? {} : { maxPlaintext });
  reader.setProtection(new Tls13Protection(nobleProvider.aead('AES-128-GCM', KEY), IV));
  reader.feed(bytes);
  try {
    const r = reader.next();
    if (r === null || r instanceof Promise) throw new Error('expected a synchronous record');
    return r.fragment.length;
  } catch (e) {
    if (e instanceof TlsAlert) return e.description;
    throw e;
  }
}

describe('TLS 1.3 record size counts padding (RFC 8446 §5.4)', () => {
  it('2^14 - 8 content bytes + type + 8 padding bytes (inner = 2^14 + 1) is accepted', () => {
    expect(open(sealed(2 ** 14 - 8, 8))).toBe(2 ** 14 - 8);
  });

  it('2^14 - 8 content bytes + type + 9 padding bytes (inner = 2^14 + 2) is record_overflow', () => {
    expect(open(sealed(2 ** 14 - 8, 9))).toBe('record_overflow');
  });

  it('a full 2^14 content record with one padding byte is record_overflow', () => {
    expect(open(sealed(2 ** 14, 1))).toBe('record_overflow');
    expect(open(sealed(2 ** 14, 0))).toBe(2 ** 14);
  });
});

describe('TLS 1.3 record_size_limit counts padding (RFC 8449 §4)', () => {
  // A record_size_limit of 1000 sets the reader's maxPlaintext to 999 (the limit minus the type byte).
  it('990 content + type + 9 padding (inner = 1000) is accepted under a limit of 1000', () => {
    expect(open(sealed(990, 9), 999)).toBe(990);
  });

  it('990 content + type + 10 padding (inner = 1001) is record_overflow under a limit of 1000', () => {
    expect(open(sealed(990, 10), 999)).toBe('record_overflow');
  });
});
