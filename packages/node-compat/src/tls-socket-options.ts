/** What the handshake settled about the peer, given to a TLSSocket when it becomes secure. */
export interface PeerVerdict {
  readonly authorized: boolean;
  readonly authorizationError?: string;
  /** Our own chain (DER, leaf first), for getCertificate(). */
  readonly localChain?: readonly Uint8Array[];
  /** The CAs the peer was verified against, to complete `getPeerCertificate(true)`'s issuer chain. */
  readonly trusted?: readonly Uint8Array[];
}

/** Options of the TLSSocket constructor (node's names). */
export interface TLSSocketOptions {
  /** node:tls `isServer`: this socket is the server end (default false); set by the facade's servers. */
  readonly isServer?: boolean;
  /** Keep the writable side open after the peer ended (default false, as net.Socket). */
  readonly allowHalfOpen?: boolean;
  /**
   * stream `highWaterMark`: bytes of plaintext buffered before reading from the peer pauses
   * (default: node's stream default).
   */
  readonly highWaterMark?: number;
}
