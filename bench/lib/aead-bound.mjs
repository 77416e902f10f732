// The ceiling of a bulk sample with a synchronous pure-JavaScript provider (nobleProvider): both
// ends share one thread, so every application byte costs one seal and one open and nothing runs in
// parallel. The bound is 1 / (1/seal + 1/open) MB/s, from the provider's own AEAD (AeadKey.seal and
// .open in place on one full record, as bench/record.mjs's "raw" columns) on the same number of
// bytes as the bulk sample it stands beside, taken in the same round.

/** The pseudo-stack whose bulk figure is this bound (see rows.mjs `stackTasks`). */
export const NOBLE_BOUND = 'noble seal+open bound';

/** TLS 1.3's largest record: 2^14 bytes of content and the inner content type (RFC 8446 §5.2, §5.4). */
const CONTENT = 16384;
const INNER = CONTENT + 1;

/**
 * MB/s of application data that nobleProvider can seal and then open on one thread, for
 * `args.bytes` bytes in full TLS 1.3 records of `args.cfg.aead`.
 */
export async function aeadBound(_stack, { cfg, bytes }) {
  const { nobleProvider } = await import('@sslsocket/suites');
  const aead = nobleProvider.aead(cfg.aead, new Uint8Array(cfg.aead === 'AES-128-GCM' ? 16 : 32).fill(7));
  const records = Math.max(1, Math.round(bytes / CONTENT));
  const length = INNER + aead.tagLength;
  const buffer = new Uint8Array(length);
  const nonce = new Uint8Array(12);
  // The record header is the AAD (RFC 8446 §5.2): application_data, legacy version, length.
  const aad = Uint8Array.of(23, 3, 3, length >> 8, length & 0xff);

  let start = performance.now();
  for (let i = 0; i < records; i++) {
    nonce[11] = i;
    aead.seal(nonce, aad, buffer, 0, INNER);
  }
  const sealSeconds = (performance.now() - start) / 1000;

  nonce[11] = 0;
  buffer.fill(0x61);
  aead.seal(nonce, aad, buffer, 0, INNER);
  const sealed = buffer.slice();
  start = performance.now();
  for (let i = 0; i < records; i++) {
    buffer.set(sealed);
    if (aead.open(nonce, aad, buffer, 0, length) !== true)
      throw new Error(`noble ${cfg.aead} failed to open its own record`);
  }
  const openSeconds = (performance.now() - start) / 1000;
  if (buffer[0] !== 0x61) throw new Error(`noble ${cfg.aead} opened a record to the wrong bytes`);

  const applicationBytes = records * CONTENT;
  return applicationBytes / (sealSeconds + openSeconds) / 1e6;
}
