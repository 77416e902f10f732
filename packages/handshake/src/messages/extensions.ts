import { DecodeError, type Reader, type Writer } from '@sslsocket/record';
import { TlsAlert } from '@sslsocket/suites';

/** Extension code points (IANA "TLS ExtensionType Values"; RFC 8446 §4.2). */
export const ExtensionType = {
  server_name: 0,
  max_fragment_length: 1,
  status_request: 5,
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  use_srtp: 14,
  heartbeat: 15,
  application_layer_protocol_negotiation: 16,
  signed_certificate_timestamp: 18,
  client_certificate_type: 19,
  server_certificate_type: 20,
  padding: 21,
  encrypt_then_mac: 22,
  extended_master_secret: 23,
  record_size_limit: 28,
  session_ticket: 35,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  certificate_authorities: 47,
  oid_filters: 48,
  post_handshake_auth: 49,
  signature_algorithms_cert: 50,
  key_share: 51,
  renegotiation_info: 0xff01,
} as const;

/** One extension as it appears on the wire: its code and its opaque body. */
export interface Extension {
  readonly type: number;
  readonly data: Uint8Array;
}

/**
 * An ordered extension block keyed by code (RFC 8446 §4.2). Decoding rejects a code that appears
 * twice ("There MUST NOT be more than one extension of the same type in a given extension block").
 * Order is kept because pre_shared_key must be last and traces must reproduce byte for byte.
 *
 * @example
 * const exts = new Extensions().set(ExtensionType.supported_versions, body);
 * exts.encode(w);
 */
export class Extensions {
  private readonly items: Extension[] = [];

  constructor(items: readonly Extension[] = []) {
    for (const item of items) this.set(item.type, item.data);
  }

  /** Adds or replaces an extension (replacing keeps its position). */
  set(type: number, data: Uint8Array): this {
    const at = this.items.findIndex((e) => e.type === type);
    if (at >= 0) this.items[at] = { type, data };
    else this.items.push({ type, data });
    return this;
  }

  get(type: number): Uint8Array | undefined {
    return this.items.find((e) => e.type === type)?.data;
  }

  has(type: number): boolean {
    return this.items.some((e) => e.type === type);
  }

  delete(type: number): this {
    const at = this.items.findIndex((e) => e.type === type);
    if (at >= 0) this.items.splice(at, 1);
    return this;
  }

  get list(): readonly Extension[] {
    return this.items;
  }

  get size(): number {
    return this.items.length;
  }

  /** The extension codes, in order. */
  types(): number[] {
    return this.items.map((e) => e.type);
  }

  encode(w: Writer): void {
    const h = w.begin16();
    for (const e of this.items) {
      w.u16(e.type);
      w.vector16(e.data);
    }
    w.end(h);
  }

  /** Decodes `Extension extensions<0..2^16-1>`; duplicates are illegal_parameter. */
  static decode(r: Reader): Extensions {
    const out = new Extensions();
    const block = r.sub16();
    while (!block.atEnd) {
      const type = block.u16();
      const data = block.vector16();
      if (out.has(type)) throw new TlsAlert('illegal_parameter', `duplicate extension ${type}`);
      out.items.push({ type, data });
    }
    return out;
  }
}

/** True for RFC 8701 GREASE values (0x?A?A with both bytes equal). */
export function isGrease(code: number): boolean {
  return (code & 0x0f0f) === 0x0a0a && code >> 8 === (code & 0xff);
}

/** Maps a DecodeError (or anything thrown by a Reader) onto a decode_error alert. */
export function asAlert(error: unknown): TlsAlert {
  if (error instanceof TlsAlert) return error;
  if (error instanceof DecodeError) return new TlsAlert('decode_error', error.message, { cause: error });
  if (error instanceof RangeError) return new TlsAlert('decode_error', error.message, { cause: error });
  return new TlsAlert('internal_error', error instanceof Error ? error.message : String(error), { cause: error });
}
