/**
 * DtlsSocket: a DTLS 1.2 association over a {@link DatagramTransport}, with the SslSocket calls
 * that make sense for datagrams. Message boundaries are kept: each `send()` is one record in one
 * datagram and each `recv()` returns one record's data. The engine only requests its
 * retransmission timer (RFC 6347 §4.2.4); this socket sets and clears it.
 * @module
 */
import type { DtlsConnection, DtlsEvent, DtlsParameters, SrtpKeyingMaterial, SrtpProfileName } from '@sslsocket/dtls';
import type { Session12 } from '@sslsocket/handshake';
import type { DatagramTransport, TransportAddress } from '@sslsocket/transport';
import { SocketStateError, TimeoutError } from './errors.js';

/** What `connectionInformation()` reports for DTLS. */
export interface DtlsConnectionInformation {
  readonly protocol: 'dtlsv1.2';
  readonly selectedCipherSuite: string;
  readonly cipherSuiteCode: number;
  readonly sniHostname: string | undefined;
  readonly negotiatedGroup: string | undefined;
  readonly signatureScheme: string | undefined;
  readonly alpn: string | undefined;
  readonly srtpProfile: SrtpProfileName | undefined;
  readonly extendedMasterSecret: boolean;
  readonly secureRenegotiation: boolean;
  /** Erlang `session_resumption`: the handshake resumed an earlier session (RFC 5246 §7.3). */
  readonly sessionResumption: boolean;
}

/** Options of a {@link DtlsSocket} (from the DTLS connect/listen options). */
export interface DtlsSocketOptions {
  /**
   * Received application datagrams held until `recv()` takes them (default 1024, as the
   * transport's own datagram queue). When full, newly arriving datagrams are dropped and counted in
   * {@link DtlsSocket.stats}: DTLS keeps UDP's semantics (RFC 6347 §1), and a full socket buffer
   * drops what arrives, so what the application reads next is still the oldest data, in order.
   * At most 16 KiB each (one record), so the default holds at most 16 MiB.
   */
  readonly maxQueuedDatagrams?: number;
}

/**
 * A DTLS 1.2 association (Erlang's sslsocket with `{protocol, dtls}`), from `connect` or a DTLS
 * listener's `accept`/`handshake`.
 *
 * @example
 * const socket = await connect('127.0.0.1', 4433, { protocol: 'dtls', cacerts: [caPem], srtpProfiles: ['SRTP_AEAD_AES_128_GCM'] });
 * await socket.send('ping'); // one datagram
 * const reply = await socket.recv(0, 5000); // one datagram's data
 * const keys = socket.srtpKeyingMaterial(); // RFC 5764 §4.2 keys and salts for the media stack
 * await socket.close();
 */
export class DtlsSocket {
  /** Resolves when the handshake completes; rejects with its failure. */
  readonly handshakeDone: Promise<void>;
  private resolveHandshake!: () => void;
  private rejectHandshake!: (e: Error) => void;
  private readonly inbox: Uint8Array[] = [];
  private waiter: { resolve: (d: Uint8Array) => void; reject: (e: Error) => void } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failure: Error | undefined;
  private peerClosed = false;
  private closedLocally = false;
  private readonly sessions: Session12[] = [];
  private droppedDatagrams = 0;
  private readonly maxQueued: number;

  constructor(
    readonly transport: DatagramTransport,
    readonly connection: DtlsConnection,
    readonly role: 'client' | 'server',
    options: DtlsSocketOptions = {},
  ) {
    this.maxQueued = options.maxQueuedDatagrams ?? 1024;
    this.handshakeDone = new Promise((resolve, reject) => {
      this.resolveHandshake = resolve;
      this.rejectHandshake = reject;
    });
    this.handshakeDone.catch(() => undefined);
  }

  /** Starts reading (and, for a client, sends the ClientHello). */
  start(first?: Uint8Array): void {
    if (this.role === 'client') this.connection.start();
    if (first !== undefined) this.connection.receive(first);
    this.pump();
    void this.readLoop();
  }

  private async readLoop(): Promise<void> {
    for (;;) {
      const datagram = await this.transport.receive();
      if (datagram === null) {
        this.fail(new SocketStateError('closed', 'the datagram transport closed'));
        return;
      }
      this.connection.receive(datagram);
      this.pump();
      if (this.failure !== undefined || this.peerClosed) return;
    }
  }

  /** Sends what the engine produced and acts on its events. */
  private pump(): void {
    for (const d of this.connection.takeDatagrams()) {
      try {
        this.transport.send(d);
      } catch {
        // A closed transport: the failure shows on the next read.
      }
    }
    for (const e of this.connection.takeEvents()) this.onEvent(e);
    // An asynchronous hook (certificate verification) holds the handshake: pump again after it.
    const pending = this.connection.pending;
    if (pending !== undefined && pending !== this.watched) {
      this.watched = pending;
      void pending.then(() => this.pump());
    }
  }

  private watched: Promise<void> | undefined;

  private onEvent(e: DtlsEvent): void {
    switch (e.type) {
      case 'timer':
        clearTimeout(this.timer);
        this.timer = undefined;
        if (e.delay !== undefined) {
          this.timer = setTimeout(() => {
            this.timer = undefined;
            this.connection.handleTimeout();
            this.pump();
          }, e.delay);
        }
        return;
      case 'handshakeComplete':
        this.resolveHandshake();
        return;
      case 'session':
        this.sessions.push(e.session);
        return;
      case 'data':
        if (this.waiter !== undefined) {
          const w = this.waiter;
          this.waiter = undefined;
          w.resolve(e.data);
        } else if (this.inbox.length < this.maxQueued) this.inbox.push(e.data);
        // Full: drop the newest, as a full UDP receive buffer would (see DtlsSocketOptions).
        else this.droppedDatagrams++;
        return;
      case 'closed':
        this.peerClosed = true;
        this.rejectWaiter(new SocketStateError('closed', 'the peer closed the association (close_notify)'));
        return;
      case 'error':
        this.fail(e.error);
        return;
      default:
        return;
    }
  }

  private rejectWaiter(error: Error): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(error);
  }

  private fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    clearTimeout(this.timer);
    this.rejectHandshake(error);
    this.rejectWaiter(error);
    void this.transport.close();
  }

  /**
   * Erlang `ssl:send/2` over DTLS: one datagram with one record (at most 16384 bytes; a RangeError
   * above). Delivery is not guaranteed (RFC 6347 §1: DTLS keeps UDP's semantics). The `mtu` option
   * does not split application data (RFC 6347 §4.1.1, as OpenSSL): the datagram is the data plus up
   * to 37 bytes, so keep each message at most `mtu - 37` bytes to fit the path MTU.
   */
  send(data: Uint8Array | string): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closedLocally) return Promise.reject(new SocketStateError('closed', 'send after close'));
    try {
      this.connection.write(typeof data === 'string' ? new TextEncoder().encode(data) : data);
    } catch (error) {
      return Promise.reject(error);
    }
    this.pump();
    return Promise.resolve();
  }

  /**
   * Erlang `ssl:recv/2,3` over DTLS: the next datagram's application data, whole (the length
   * argument is ignored, as Erlang does for datagram sockets). Rejects with
   * SocketStateError('closed') after close_notify and TimeoutError after `timeoutMs`.
   */
  recv(_length = 0, timeoutMs?: number): Promise<Uint8Array> {
    const queued = this.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.peerClosed) return Promise.reject(new SocketStateError('closed', 'the peer closed the association'));
    if (this.waiter !== undefined) return Promise.reject(new SocketStateError('einval', 'another recv() is pending'));
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.waiter = undefined;
          reject(new TimeoutError(`no DTLS data within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.waiter = {
        resolve: (d) => {
          clearTimeout(timer);
          resolve(d);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  /**
   * For monitoring: datagrams waiting for `recv()`, and those dropped because
   * `maxQueuedDatagrams` were already waiting.
   */
  get stats(): { readonly queued: number; readonly dropped: number } {
    return { queued: this.inbox.length, dropped: this.droppedDatagrams };
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      try {
        yield await this.recv();
      } catch (error) {
        if (error instanceof SocketStateError && error.reason === 'closed') return;
        throw error;
      }
    }
  }

  /** Sends close_notify and releases the transport. */
  async close(): Promise<void> {
    if (this.closedLocally) return;
    this.closedLocally = true;
    this.connection.close();
    this.pump();
    clearTimeout(this.timer);
    await this.transport.close();
  }

  private get parameters(): DtlsParameters {
    const p = this.connection.parameters;
    if (p === undefined) throw new SocketStateError('einval', 'the DTLS handshake has not completed');
    return p;
  }

  /** Erlang `connection_information/1` for DTLS. */
  connectionInformation(): DtlsConnectionInformation {
    const p = this.parameters;
    return {
      protocol: p.version,
      selectedCipherSuite: p.cipherSuite,
      cipherSuiteCode: p.cipherSuiteCode,
      sniHostname: p.serverName,
      negotiatedGroup: p.group,
      signatureScheme: p.signatureScheme,
      alpn: p.alpn,
      srtpProfile: p.srtpProfile,
      extendedMasterSecret: p.extendedMasterSecret,
      secureRenegotiation: p.secureRenegotiation,
      sessionResumption: p.resumed,
    };
  }

  /** Erlang `negotiated_protocol/1`: the ALPN protocol, or undefined. */
  negotiatedProtocol(): string | undefined {
    return this.connection.parameters?.alpn;
  }

  /** The SRTP protection profile use_srtp agreed (RFC 5764 §4.1.1), or undefined. */
  srtpProfile(): SrtpProfileName | undefined {
    return this.connection.parameters?.srtpProfile;
  }

  /** RFC 5764 §4.2: SRTP master keys and salts for both directions, when use_srtp was agreed. */
  srtpKeyingMaterial(): SrtpKeyingMaterial | undefined {
    return this.connection.srtpKeyingMaterial();
  }

  /** RFC 5705 exporter (Erlang `export_key_materials/4`). */
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    return this.connection.exportKeyingMaterial(label, context, length);
  }

  /**
   * Client: sessions the server offered to resume (RFC 5246 §7.3 session ids, over DTLS 1.2 as RFC
   * 6347 §4.2 allows), newest last; pass one as `reuseSession` to the next `connect`.
   *
   * @example
   * const again = await connect('127.0.0.1', 4433, { protocol: 'dtls', cacerts, reuseSession: first.savedSessions[0] });
   * again.connectionInformation().sessionResumption; // true
   */
  get savedSessions(): readonly Session12[] {
    return this.sessions;
  }

  /** The peer's certificate (DER), if it sent one. */
  peercert(): Uint8Array | undefined {
    return this.connection.parameters?.peerCertificates[0];
  }

  peername(): TransportAddress | undefined {
    return this.transport.remoteAddress;
  }

  sockname(): TransportAddress | undefined {
    return this.transport.localAddress;
  }
}
