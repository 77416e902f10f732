// The byte stream every bulk row sends: byte i of the stream is PATTERN[i % PERIOD], with a prime
// period so that no record or write size lines up with it (a dropped, repeated or reordered record
// shows as a mismatch). Writers send views of one precomputed buffer; readers compare each chunk
// against the same buffer with one memcmp per chunk, so checking every byte costs little.
const PERIOD = 4093;
const MAX_WRITE = 1024 * 1024;
const reference = Buffer.alloc(MAX_WRITE + PERIOD);
for (let i = 0; i < reference.length; i++) reference[i] = (i % PERIOD) * 167 + 13;

/** The `length` bytes that belong at stream position `position` (a view: never modify it). */
export function patternAt(position, length) {
  if (length > MAX_WRITE) throw new RangeError(`write of ${length} bytes is over ${MAX_WRITE}`);
  const start = position % PERIOD;
  return reference.subarray(start, start + length);
}

/** Checks received chunks in order against the pattern; `position` is the bytes checked so far. */
export class PatternChecker {
  position = 0;

  check(chunk) {
    for (let at = 0; at < chunk.length; at += MAX_WRITE) {
      const part = chunk.subarray(at, Math.min(chunk.length, at + MAX_WRITE));
      const expected = patternAt(this.position, part.length);
      if (Buffer.compare(Buffer.from(part.buffer, part.byteOffset, part.length), expected) !== 0) {
        throw new Error(`received byte stream differs from what was sent near offset ${this.position}`);
      }
      this.position += part.length;
    }
  }
}
