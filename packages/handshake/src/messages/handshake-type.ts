import { Reader, Writer } from '@sslsocket/record';

/** Handshake message types (RFC 8446 §4, RFC 5246 §7.4). */
export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
  certificate_status: 22,
  key_update: 24,
  message_hash: 254,
} as const;

/** Anything with a TLS presentation-language body. */
export interface Encodable {
  encode(w: Writer): void;
}

/**
 * Frames a message body as a Handshake struct: type (1) + length (3) + body (RFC 8446 §4).
 *
 * @example
 * const raw = frameHandshake(HandshakeType.finished, new Finished(verifyData));
 */
export function frameHandshake(type: number, body: Encodable | Uint8Array): Uint8Array {
  if (body instanceof Uint8Array) {
    // A body already encoded: the frame is its 4-byte header and one copy, sized exactly.
    if (!Number.isInteger(type) || type < 0 || type > 0xff) throw new RangeError(`u8 out of range: ${type}`);
    if (body.length > 0xffffff) throw new RangeError(`handshake body of ${body.length} bytes exceeds 2^24 - 1`);
    const framed = new Uint8Array(4 + body.length);
    framed[0] = type;
    framed[1] = body.length >>> 16;
    framed[2] = (body.length >>> 8) & 0xff;
    framed[3] = body.length & 0xff;
    framed.set(body, 4);
    return framed;
  }
  const w = new Writer(512);
  w.u8(type);
  const h = w.begin24();
  body.encode(w);
  w.end(h);
  return w.finish().slice();
}

/**
 * Decodes a handshake message body with one of the codecs' `decode` functions.
 *
 * @example
 * const finished = decodeBody(message.body, Finished.decode);
 */
export function decodeBody<T>(body: Uint8Array, read: (r: Reader) => T): T {
  return read(new Reader(body));
}
