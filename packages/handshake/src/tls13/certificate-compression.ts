/**
 * RFC 8879 certificate compression in TLS 1.3, around the unchanged Certificate codec: the
 * `compress_certificate` extension (27) we put in a ClientHello or CertificateRequest, the
 * CompressedCertificate message (25) we send instead of Certificate when the peer offered one of our
 * algorithms, and the unwrapping of a received one back into the Certificate it stands for.
 *
 * The transcript covers the CompressedCertificate message as sent (RFC 8879 §4), so a received one
 * becomes a Certificate with the compressed message's `raw` bytes, and a sent one is queued as is.
 * @module
 */
import type { HandshakeMessageBytes } from '@sslsocket/record';
import { Reader, Writer } from '@sslsocket/record';
import { type CertificateCompressionAlgorithm, isPromiseLike, type MaybePromise, TlsAlert } from '@sslsocket/suites';
import type { ConnectionConfig } from '../config.js';
import { andThen } from '../core.js';
import type { Certificate } from '../messages/certificate.js';
import type { Extensions } from '../messages/extensions.js';
import { frameHandshake, HandshakeType } from '../messages/handshake-type.js';

/** RFC 8879 §3 / §7.3 code points. */
export const COMPRESS_CERTIFICATE = 27;
export const COMPRESSED_CERTIFICATE = 25;
const CODES: Readonly<Record<CertificateCompressionAlgorithm, number>> = { zlib: 1, brotli: 2, zstd: 3 };
const NAMES = new Map(Object.entries(CODES).map(([name, code]) => [code, name as CertificateCompressionAlgorithm]));

/** Default ceiling on a decompressed Certificate: the handshake message limit's own default. */
const DEFAULT_MAX = 256 * 1024;

/**
 * The algorithms we offer to receive, in our order: the configured ones the provider can
 * decompress (none unless `certificateCompression` is set).
 */
export function receivableAlgorithms(config: ConnectionConfig): CertificateCompressionAlgorithm[] {
  const can = config.provider.certificateCompression?.decompresses ?? [];
  return (config.certificateCompression ?? []).filter((a) => can.includes(a));
}

/** `CertificateCompressionAlgorithm algorithms<2..2^8-2>` (RFC 8879 §3). */
function encodeAlgorithms(algorithms: readonly CertificateCompressionAlgorithm[]): Uint8Array {
  const w = new Writer(16);
  const list = w.begin8();
  for (const a of algorithms) w.u16(CODES[a]);
  w.end(list);
  return w.finish().slice();
}

/** The peer's algorithm codes; a malformed or empty list is decode_error (RFC 8879 §3, RFC 8446 §6.2). */
function decodeAlgorithms(body: Uint8Array): number[] {
  const r = new Reader(body);
  const list = r.sub8();
  if (list.remaining < 2 || list.remaining % 2 !== 0) {
    throw new TlsAlert('decode_error', 'compress_certificate needs a non-empty list of 16-bit algorithms');
  }
  const out: number[] = [];
  while (!list.atEnd) out.push(list.u16());
  r.expectEnd('compress_certificate');
  return out;
}

/**
 * Adds `compress_certificate` to a ClientHello's or CertificateRequest's extensions when we can
 * receive a compressed certificate (TLS 1.3 only: RFC 8879 §3 has TLS 1.2 peers ignore it).
 */
export function offerCertificateCompression(config: ConnectionConfig, extensions: Extensions): void {
  const algorithms = receivableAlgorithms(config);
  if (algorithms.length > 0) extensions.set(COMPRESS_CERTIFICATE, encodeAlgorithms(algorithms));
}

/**
 * Our Certificate, framed: a CompressedCertificate with the first of our configured algorithms that
 * the peer listed (in `peerExtensions`) and our provider compresses, else the plain Certificate.
 * Unknown codes in the peer's list are ignored (RFC 8879 §3).
 */
export function frameCertificate(
  config: ConnectionConfig,
  certificate: Certificate,
  peerExtensions: Extensions | undefined,
): MaybePromise<Uint8Array> {
  const offered = peerExtensions?.get(COMPRESS_CERTIFICATE);
  const compressor = config.provider.certificateCompression;
  if (offered === undefined || compressor === undefined) return frameHandshake(HandshakeType.certificate, certificate);
  const theirs = decodeAlgorithms(offered);
  const algorithm = (config.certificateCompression ?? []).find(
    (a) => compressor.compresses.includes(a) && theirs.includes(CODES[a]),
  );
  if (algorithm === undefined) return frameHandshake(HandshakeType.certificate, certificate);
  const w = new Writer(1024);
  certificate.encode(w);
  const body = w.finish().slice();
  return andThen(compressor.compress(algorithm, body), (packed) => {
    // RFC 8879 §4: algorithm, uint24 uncompressed_length, opaque compressed_certificate_message<1..2^24-1>.
    const out = new Writer(packed.length + 8);
    out.u16(CODES[algorithm]);
    out.u24(body.length);
    out.vector24(packed);
    return frameHandshake(COMPRESSED_CERTIFICATE, out.finish().slice());
  });
}

/**
 * A received CompressedCertificate, checked and decompressed into the Certificate it carries (with
 * the compressed message's bytes for the transcript); any other message is returned as is.
 *
 * @throws TlsAlert unexpected_message when we offered no compression; illegal_parameter for an
 *   algorithm we did not offer; decode_error for a malformed message; bad_certificate when
 *   uncompressed_length passes the limit (`maxHandshakeSize`, default 256 KiB), the stream does not
 *   decompress, or its length differs from uncompressed_length (RFC 8879 §4).
 */
export function unwrapCertificate(
  config: ConnectionConfig,
  message: HandshakeMessageBytes,
): MaybePromise<HandshakeMessageBytes> {
  if (message.type !== COMPRESSED_CERTIFICATE) return message;
  const ours = receivableAlgorithms(config);
  const compressor = config.provider.certificateCompression;
  if (ours.length === 0 || compressor === undefined) {
    throw new TlsAlert('unexpected_message', 'CompressedCertificate without compress_certificate offered');
  }
  const r = new Reader(message.body);
  const code = r.u16();
  const length = r.u24();
  const packed = r.vector24(1);
  r.expectEnd('CompressedCertificate');
  const algorithm = NAMES.get(code);
  if (algorithm === undefined || !ours.includes(algorithm)) {
    throw new TlsAlert('illegal_parameter', `CompressedCertificate with algorithm ${code} we did not offer`);
  }
  const max = config.maxHandshakeSize ?? DEFAULT_MAX;
  if (length > max) {
    throw new TlsAlert('bad_certificate', `CompressedCertificate announces ${length} bytes, more than ${max}`);
  }
  const failed = (cause: unknown): never => {
    throw new TlsAlert('bad_certificate', `CompressedCertificate does not decompress (${algorithm})`, { cause });
  };
  const done = (body: Uint8Array): HandshakeMessageBytes => {
    if (body.length !== length) {
      throw new TlsAlert('bad_certificate', `decompressed ${body.length} bytes, uncompressed_length says ${length}`);
    }
    return { type: HandshakeType.certificate, body, raw: message.raw };
  };
  let result: MaybePromise<Uint8Array>;
  try {
    // One byte past the announced length is enough to tell "too long" without inflating further.
    result = compressor.decompress(algorithm, packed, length + 1);
  } catch (cause) {
    return failed(cause);
  }
  return isPromiseLike(result) ? result.then(done, failed) : done(result);
}
