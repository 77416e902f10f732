/**
 * The options only DTLS has (Erlang `protocol => dtls`): every other option is shared with TLS.
 * @module
 */
import type { SrtpProfileName } from '@sslsocket/dtls';
import type { ClientOptions, ServerOptions } from './socket-options.js';

/** DTLS 1.2 options (RFC 6347, RFC 5764). */
export interface DtlsOptions {
  /** Erlang `protocol`: 'dtls' selects DTLS over UDP. */
  readonly protocol: 'dtls';
  /**
   * Path MTU in bytes (default 1200, at least 256): handshake messages are fragmented to fit. Not
   * application data: each `send()` of n bytes is one datagram of n + 37 bytes at most (record
   * header and AEAD expansion), whatever the MTU, as with OpenSSL; keep messages at most
   * `mtu - 37` bytes to avoid IP fragmentation (RFC 6347 §4.1.1).
   */
  readonly mtu?: number;
  /** First retransmission timeout in ms (default 1000, RFC 6347 §4.2.4.1). */
  readonly retransmitInitialMs?: number;
  /** Longest retransmission timeout in ms (default 60 000). */
  readonly retransmitMaxMs?: number;
  /** Retransmissions of one flight before the handshake fails (default 10). */
  readonly maxRetransmits?: number;
  /** DTLS-SRTP (RFC 5764): SRTP protection profiles, preferred first (Erlang `use_srtp`). */
  readonly srtpProfiles?: readonly SrtpProfileName[];
  /** Server: the HelloVerifyRequest cookie exchange (RFC 6347 §4.2.1; default true). */
  readonly cookies?: boolean;
  /**
   * Received datagrams held until `recv()` takes them (default 1024, from 1 to 1 048 576); when
   * full, newly arriving ones are dropped and counted in `socket.stats.dropped` (UDP semantics,
   * RFC 6347 §1).
   */
  readonly maxQueuedDatagrams?: number;
  /**
   * Server: how long in ms a peer that passed the cookie exchange may wait for `accept()` /
   * `transportAccept()` (default `handshakeTimeoutMs`, else 30 000). Then it is dropped (counted in
   * the listener's `expired`), so an accept never picks up a client that gave up long ago; a live
   * client retransmits its ClientHello (RFC 6347 §4.2.4) and is admitted afresh.
   */
  readonly maxAcceptWaitMs?: number;
}

/** What `connect(host, port, options)` takes for DTLS: the TLS client options plus {@link DtlsOptions}. */
export type DtlsClientOptions = Omit<ClientOptions, 'protocol' | 'versions'> &
  DtlsOptions & { readonly versions?: readonly 'dtlsv1.2'[] };

/** What `listen(port, options)` takes for DTLS. */
export type DtlsServerOptions = Omit<ServerOptions, 'protocol' | 'versions'> &
  DtlsOptions & { readonly versions?: readonly 'dtlsv1.2'[] };

/** True when the options ask for DTLS. */
export function isDtls(options: { readonly protocol?: string } | undefined): boolean {
  return options?.protocol === 'dtls';
}
