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

const HELLO_REQUEST = 0;
const CLIENT_HELLO = 1;

/**
 * After the handshake. Renegotiation is not offered over DTLS here: a HelloRequest (to a client)
 * or a new ClientHello (to a server) gets a no_renegotiation warning (RFC 5246 §7.2.2, RFC 5746
 * §4.5) and the association goes on; any other handshake message is unexpected.
 */
export class Established implements DtlsHandshakeDriver {
  readonly name = 'Established';

  handle(ctx: DtlsContext, message: DtlsMessage): DtlsHandshakeDriver {
    const renegotiation = ctx.role === 'client' ? HELLO_REQUEST : CLIENT_HELLO;
    if (message.type !== renegotiation) {
      throw new TlsAlert('unexpected_message', `handshake type ${message.type} after the handshake`);
    }
    ctx.sendAlert(new TlsAlert('no_renegotiation', undefined, { level: 'warning' }));
    return this;
  }
}
