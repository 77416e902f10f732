/**
 * Small pieces both DTLS handshake sides use.
 * @module
 */
import { TlsAlert } from '@sslsocket/suites';
import type { DtlsContext, DtlsHandshakeDriver } from './context.js';
import type { DtlsMessage } from './fragments.js';

/** RFC 8422 §5.1.2: ec_point_formats with the uncompressed format only. */
export const UNCOMPRESSED_POINTS = Uint8Array.of(1, 0);

/** Raises unexpected_message unless `message` has the expected type (RFC 5246 §7.3 order). */
export function expectType(message: DtlsMessage, type: number, state: string): void {
  if (message.type !== type) throw new TlsAlert('unexpected_message', `got handshake type ${message.type} in ${state}`);
}

/** After the handshake: renegotiation is not supported over DTLS here, so any new message is unexpected. */
export class Established implements DtlsHandshakeDriver {
  readonly name = 'Established';

  handle(_ctx: DtlsContext, message: DtlsMessage): DtlsHandshakeDriver {
    throw new TlsAlert('unexpected_message', `handshake type ${message.type} after the handshake`);
  }
}
