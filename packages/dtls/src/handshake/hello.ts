/**
 * The two hello messages DTLS changes (RFC 6347 §4.2.1, §4.3.2): ClientHello with a cookie after
 * the session id, and HelloVerifyRequest. ServerHello is TLS 1.2's (the `messages` codec).
 * @module
 */
import { messages } from '@sslsocket/handshake';
import { type Reader, Writer } from '@sslsocket/record';
import { TlsAlert } from '@sslsocket/suites';

/** RFC 6347 §4.2.1: the cookie is at most 255 bytes (opaque cookie<0..2^8-1>). */
export const MAX_COOKIE = 255;

export class DtlsClientHello {
  constructor(
    public version: number,
    public random: Uint8Array,
    public sessionId: Uint8Array,
    public cookie: Uint8Array,
    public cipherSuites: number[],
    public compressionMethods: Uint8Array,
    public extensions: messages.Extensions,
  ) {}

  encode(w: Writer): void {
    w.u16(this.version).bytes(this.random).vector8(this.sessionId).vector8(this.cookie);
    const suites = w.begin16();
    for (const s of this.cipherSuites) w.u16(s);
    w.end(suites);
    w.vector8(this.compressionMethods);
    this.extensions.encode(w);
  }

  static decode(r: Reader): DtlsClientHello {
    const version = r.u16();
    const random = r.bytesView(32).slice();
    const sessionId = r.vector8(0, 32).slice();
    const cookie = r.vector8(0, MAX_COOKIE).slice();
    const suiteList = r.sub16(2);
    if (suiteList.remaining % 2 !== 0) throw new TlsAlert('decode_error', 'odd cipher_suites length');
    const suites: number[] = [];
    while (!suiteList.atEnd) suites.push(suiteList.u16());
    const compression = r.vector8(1).slice();
    const extensions = r.atEnd ? new messages.Extensions() : messages.Extensions.decode(r);
    r.expectEnd('ClientHello');
    return new DtlsClientHello(version, random, sessionId, cookie, suites, compression, extensions);
  }

  /** The body with another cookie (what a cookie's MAC covers is the body with an empty one). */
  withCookie(cookie: Uint8Array): Uint8Array {
    const copy = new DtlsClientHello(
      this.version,
      this.random,
      this.sessionId,
      cookie,
      this.cipherSuites,
      this.compressionMethods,
      this.extensions,
    );
    const w = new Writer(512);
    copy.encode(w);
    return w.finish().slice();
  }
}

/** RFC 6347 §4.2.1 HelloVerifyRequest: server_version, then the cookie. */
export function encodeHelloVerifyRequest(version: number, cookie: Uint8Array): Uint8Array {
  const w = new Writer(3 + cookie.length);
  w.u16(version).vector8(cookie);
  return w.finish().slice();
}

export function decodeHelloVerifyRequest(r: Reader): { version: number; cookie: Uint8Array } {
  const version = r.u16();
  const cookie = r.vector8(0, MAX_COOKIE).slice();
  r.expectEnd('HelloVerifyRequest');
  return { version, cookie };
}
