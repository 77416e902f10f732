import type { NegotiatedParameters, Session12, Session13 } from '@sslsocket/handshake';
import { type ParsedCertificate, parseCertificate } from '@sslsocket/pkix';
import { TlsAlert } from '@sslsocket/suites';
import type { TransportAddress, TransportStats } from '@sslsocket/transport';
import {
  type ConnectionInformation,
  describeConnection,
  type InformationItem,
  isSecretItem,
  pickInformation,
} from './connection-information.js';
import { SocketStateError } from './errors.js';
import type { PeerClose } from './socket-events.js';
import { SocketPump } from './socket-pump.js';

/**
 * What a connected socket tells about itself, Erlang's information calls: connection_information,
 * peercert, negotiated_protocol, peername/sockname, getstat, the keying material exporters. The
 * layer of `SslSocket` between the read/write pump and the socket's calls.
 */
export abstract class SocketInfo extends SocketPump {
  /** The negotiated parameters; throws SocketStateError('not_connected') before the handshake completes. */
  protected requireParameters(): NegotiatedParameters {
    if (this.parameters === undefined) throw new SocketStateError('not_connected', 'the handshake has not completed');
    return this.parameters;
  }

  /**
   * Erlang `connection_information/1,2`: with no argument every item except the secrets; with
   * `items`, just those items, as Erlang's `connection_information(Socket, Items)` returns. Secrets
   * (`clientRandom`, `serverRandom`, `masterSecret` for TLS 1.2; `keylog` lines for either version)
   * come only when named. Throws SocketStateError('not_connected') before the handshake and
   * SocketStateError('einval') for an unknown item.
   *
   * @example
   * socket.connectionInformation(['protocol', 'masterSecret']); // { protocol, masterSecret } only
   */
  connectionInformation(): ConnectionInformation;
  connectionInformation<K extends InformationItem>(items: readonly K[]): Pick<ConnectionInformation, K>;
  connectionInformation(items: readonly InformationItem[] = []): Partial<ConnectionInformation> {
    const secrets = items.filter(isSecretItem);
    const all = describeConnection(
      this.requireParameters(),
      this.connection,
      this.earlyData,
      this.peerEnd,
      this.peerAuth.ocspResponse,
      this.keylogLines ?? [],
      secrets,
    );
    return items.length === 0 ? all : pickInformation(all, items);
  }

  /**
   * Erlang `peercert/1`: the peer's leaf certificate (DER), if it sent one; after
   * `requestClientCertificate()` the leaf the client sent then.
   */
  peercert(): Uint8Array | undefined {
    const handshake = this.requireParameters().peerCertificates;
    return (this.peerChain ?? handshake)[0];
  }

  /** The peer's certificate chain as it sent it (DER, leaf first); empty when it sent none. */
  peerCertificateChain(): readonly Uint8Array[] {
    return this.requireParameters().peerCertificates;
  }

  /** The peer's leaf, parsed. */
  peerCertificate(): ParsedCertificate | undefined {
    const der = this.peercert();
    return der === undefined ? undefined : parseCertificate(der);
  }

  /** Erlang `negotiated_protocol/1`: the ALPN protocol, or undefined. */
  negotiatedProtocol(): string | undefined {
    return this.requireParameters().alpn;
  }

  /**
   * Erlang `ssl:peername/1`: the peer's address and port (`{ address: '203.0.113.7', port: 443,
   * family: 'IPv4' }`), or undefined on a transport without addresses (in memory, Web Streams).
   */
  peername(): TransportAddress | undefined {
    return this.transport.remoteAddress;
  }

  /**
   * Erlang `ssl:sockname/1`: our local address and port, or undefined on a transport without
   * addresses.
   */
  sockname(): TransportAddress | undefined {
    return this.transport.localAddress;
  }

  /**
   * Erlang `getstat/1`: the transport counters, and `peerClose`: how the peer ended (undefined while
   * it has not; `'truncated'` when the stream ended without close_notify).
   */
  getstat(): TransportStats & { readonly peerClose: PeerClose | undefined } {
    const stats = this.transport.stats;
    // pendingWrite may be an accessor (node's adapter reads it live), which a spread would skip.
    return { ...stats, pendingWrite: stats.pendingWrite, peerClose: this.peerEnd };
  }

  /** RFC 8446 §7.5 / RFC 5705 exporter (Erlang `export_key_materials`); context may be absent in TLS 1.2. */
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    this.requireParameters();
    return this.connection.exportKeyingMaterial(label, context, length);
  }

  /**
   * Erlang `prf/5` (TLS 1.2): PRF(secret, label, seed, length); the secret is the master secret
   * (Erlang `master_secret`, the default) or given bytes, the seed literal bytes and
   * `'clientRandom'` / `'serverRandom'`.
   *
   * @example
   * socket.prf('key expansion', ['serverRandom', 'clientRandom'], 40);
   */
  prf(
    label: string | Uint8Array,
    seed: readonly (Uint8Array | 'clientRandom' | 'serverRandom')[],
    length: number,
    secret: Uint8Array | 'masterSecret' = 'masterSecret',
  ): Uint8Array {
    const p = this.requireParameters();
    if (p.version !== 'tlsv1.2')
      throw new TlsAlert('protocol_version', 'prf is defined for TLS 1.2; use exportKeyingMaterial');
    const labelBytes = typeof label === 'string' ? new TextEncoder().encode(label) : label;
    return this.connection.prf(labelBytes, seed, length, secret);
  }

  /**
   * Sessions received from the server (for `reuseSession`), oldest first: the newest
   * `maxSavedSessions` (default 8).
   * @deprecated Listen for `session` events instead: they wait in the mailbox until a listener is
   * attached, so none is missed even when the ticket arrives with the handshake.
   */
  get savedSessions(): readonly (Session13 | Session12)[] {
    return this.sessions ?? [];
  }

  /** The error that ended the connection, if any. */
  get error(): Error | undefined {
    return this.failure;
  }
}
