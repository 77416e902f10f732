import { TlsAlert } from '@sslsocket/suites';

/** The operation did not finish in time (handshake, recv, close). */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** The socket is closed, or an operation does not fit its state (e.g. recv in active mode). */
export class SocketStateError extends Error {
  override readonly name = 'SocketStateError';
  constructor(
    /**
     * Erlang-like reason: 'closed', 'einval', 'not_connected'; 'truncated' when the peer ended the
     * stream without close_notify and `unexpectedEof: 'error'` is set (OpenSSL's "unexpected eof")
     * or inside a length-prefixed packet; 'emsgsize' for a packet over `packetSize` (Erlang's name).
     */
    readonly reason: 'closed' | 'einval' | 'not_connected' | 'truncated' | 'emsgsize',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Erlang `ssl:format_error/1`: a readable sentence for any error sslsocket produces.
 *
 * @example
 * formatError(error); // 'TLS alert handshake_failure (sent by us): no cipher suite in common'
 */
export function formatError(error: unknown): string {
  if (error instanceof TlsAlert) {
    return `TLS alert ${error.description} (${error.sentByUs ? 'sent by us' : 'received from the peer'}): ${error.message}`;
  }
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
