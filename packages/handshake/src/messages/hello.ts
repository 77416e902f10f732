/**
 * ClientHello and ServerHello (RFC 8446 §4.1.2-§4.1.4, RFC 5246 §7.4.1). Version-neutral: legacy
 * fields (session id, compression methods) are kept as they came, so TLS 1.2 reuses these codecs.
 * @module
 */

import { type Reader, Writer } from '@sslsocket/record';
import { TlsAlert } from '@sslsocket/suites';
import { fromHex } from '../bytes.js';
import { Extensions } from './extensions.js';

/** RFC 8446 §4.1.3: the ServerHello.random that marks a HelloRetryRequest. */
export const HELLO_RETRY_REQUEST_RANDOM = fromHex('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c');

/** RFC 8446 §4.1.3: last 8 bytes of ServerHello.random when a 1.3 server negotiates 1.2 / below. */
export const DOWNGRADE_TLS12 = Uint8Array.from([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]);
export const DOWNGRADE_TLS11 = Uint8Array.from([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00]);

export class ClientHello {
  constructor(
    public legacyVersion: number,
    public random: Uint8Array,
    public legacySessionId: Uint8Array,
    public cipherSuites: number[],
    public compressionMethods: Uint8Array,
    public extensions: Extensions,
  ) {}

  encode(w: Writer): void {
    w.u16(this.legacyVersion);
    w.bytes(this.random);
    w.vector8(this.legacySessionId);
    const suites = w.begin16();
    for (const s of this.cipherSuites) w.u16(s);
    w.end(suites);
    w.vector8(this.compressionMethods);
    // RFC 5246 §7.4.1.2: a ClientHello may omit the extension block entirely (old TLS 1.2 clients).
    if (this.extensions.size > 0 || this.legacyVersion >= 0x0303) this.extensions.encode(w);
  }

  static decode(r: Reader): ClientHello {
    const legacyVersion = r.u16();
    const random = r.bytesView(32).slice();
    const sessionId = r.vector8(0, 32).slice();
    const suiteList = r.sub16(2);
    if (suiteList.remaining % 2 !== 0) throw new TlsAlert('decode_error', 'odd cipher_suites length');
    const suites: number[] = [];
    while (!suiteList.atEnd) suites.push(suiteList.u16());
    const compression = r.vector8(1).slice();
    const extensions = r.atEnd ? new Extensions() : Extensions.decode(r);
    r.expectEnd('ClientHello');
    return new ClientHello(legacyVersion, random, sessionId, suites, compression, extensions);
  }

  /** Encodes the body alone (no handshake header). */
  toBytes(): Uint8Array {
    const w = new Writer(512);
    this.encode(w);
    return w.finish().slice();
  }
}

export class ServerHello {
  constructor(
    public legacyVersion: number,
    public random: Uint8Array,
    public legacySessionIdEcho: Uint8Array,
    public cipherSuite: number,
    public compressionMethod: number,
    public extensions: Extensions,
  ) {}

  /** RFC 8446 §4.1.3: a HelloRetryRequest is a ServerHello with the special random. */
  get isHelloRetryRequest(): boolean {
    return this.random.length === 32 && this.random.every((b, i) => b === HELLO_RETRY_REQUEST_RANDOM[i]);
  }

  encode(w: Writer): void {
    w.u16(this.legacyVersion);
    w.bytes(this.random);
    w.vector8(this.legacySessionIdEcho);
    w.u16(this.cipherSuite);
    w.u8(this.compressionMethod);
    if (this.extensions.size > 0 || this.legacyVersion >= 0x0303) this.extensions.encode(w);
  }

  static decode(r: Reader): ServerHello {
    const legacyVersion = r.u16();
    const random = r.bytesView(32).slice();
    const sessionId = r.vector8(0, 32).slice();
    const suite = r.u16();
    const compression = r.u8();
    const extensions = r.atEnd ? new Extensions() : Extensions.decode(r);
    r.expectEnd('ServerHello');
    return new ServerHello(legacyVersion, random, sessionId, suite, compression, extensions);
  }
}
