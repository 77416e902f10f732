/**
 * The small TLS 1.3 messages: EncryptedExtensions (§4.3.1), Finished (§4.4.4), NewSessionTicket
 * (§4.6.1), KeyUpdate (§4.6.3), EndOfEarlyData (§4.5).
 * @module
 */

import { type Reader, Writer } from '@sslsocket/record';
import { TlsAlert } from '@sslsocket/suites';
import { Extensions } from './extensions.js';

export class EncryptedExtensions {
  constructor(public extensions: Extensions) {}

  encode(w: Writer): void {
    this.extensions.encode(w);
  }

  static decode(r: Reader): EncryptedExtensions {
    const extensions = Extensions.decode(r);
    r.expectEnd('EncryptedExtensions');
    return new EncryptedExtensions(extensions);
  }
}

export class Finished {
  constructor(public verifyData: Uint8Array) {}

  encode(w: Writer): void {
    w.bytes(this.verifyData);
  }

  /** The length is the hash length of the suite, known only to the caller. */
  static decode(r: Reader, hashLength: number): Finished {
    if (r.remaining !== hashLength) throw new TlsAlert('decode_error', `Finished of ${r.remaining} bytes`);
    return new Finished(r.rest().slice());
  }
}

export class NewSessionTicket {
  constructor(
    public ticketLifetime: number,
    public ticketAgeAdd: number,
    public ticketNonce: Uint8Array,
    public ticket: Uint8Array,
    public extensions: Extensions,
  ) {}

  encode(w: Writer): void {
    w.u32(this.ticketLifetime);
    w.u32(this.ticketAgeAdd);
    w.vector8(this.ticketNonce);
    w.vector16(this.ticket);
    this.extensions.encode(w);
  }

  static decode(r: Reader): NewSessionTicket {
    const lifetime = r.u32();
    const ageAdd = r.u32();
    const nonce = r.vector8().slice();
    const ticket = r.vector16(1).slice();
    const extensions = Extensions.decode(r);
    r.expectEnd('NewSessionTicket');
    // RFC 8446 §4.6.1: lifetime beyond 7 days is illegal.
    if (lifetime > 604800) throw new TlsAlert('illegal_parameter', 'ticket lifetime over 7 days');
    return new NewSessionTicket(lifetime, ageAdd, nonce, ticket, extensions);
  }
}

/** RFC 8446 §4.6.3: update_not_requested(0), update_requested(1). */
export class KeyUpdate {
  constructor(public requestUpdate: boolean) {}

  encode(w: Writer): void {
    w.u8(this.requestUpdate ? 1 : 0);
  }

  static decode(r: Reader): KeyUpdate {
    const value = r.u8();
    r.expectEnd('KeyUpdate');
    if (value > 1) throw new TlsAlert('illegal_parameter', `KeyUpdate request_update ${value}`);
    return new KeyUpdate(value === 1);
  }
}

/** Encodes any message body to bytes (no handshake header). */
export function bodyBytes(message: { encode(w: Writer): void }): Uint8Array {
  const w = new Writer(256);
  message.encode(w);
  return w.finish().slice();
}
