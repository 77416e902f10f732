import type {
  ClientConnection,
  ConnectionConfig,
  ConnectionEvent,
  NegotiatedParameters,
  ServerConnection,
  Session12,
  Session13,
} from '@sslsocket/handshake';
import { type ParsedCertificate, parseCertificate } from '@sslsocket/pkix';
import { suiteByCode, TlsAlert } from '@sslsocket/suites';
import type { Transport, TransportAddress, TransportStats } from '@sslsocket/transport';
import { Emitter } from './emitter.js';
import { SocketStateError, TimeoutError } from './errors.js';
import type { ActiveMode } from './socket-options.js';

/** The hello's extensions, as the engine reports them with `handshake: 'hello'`. */
export type HelloExtensions = Extract<ConnectionEvent, { type: 'hello' }>['extensions'];

/** Events of an {@link SslSocket} (Erlang's active-mode messages). */
export type SslSocketEvents = {
  /** `{ssl, Socket, Data}` */
  data: [Uint8Array];
  /** `{ssl_closed, Socket}`: the peer closed (close_notify or end of stream). */
  closed: [];
  /** `{ssl_error, Socket, Reason}` */
  error: [Error];
  /** `{ssl_passive, Socket}`: an `active: N` count ran out. */
  passive: [];
  /** A session the client may resume later. */
  session: [Session13 | Session12];
};

/** A pending passive-mode recv(). */
interface RecvWaiter {
  length: number;
  resolve: (data: Uint8Array) => void;
  reject: (error: Error) => void;
  timer?: ReturnType<typeof setTimeout>;
}

/** What `connectionInformation()` reports (Erlang connection_information/1,2). */
export interface ConnectionInformation {
  readonly protocol: 'tlsv1.3' | 'tlsv1.2';
  readonly selectedCipherSuite: string;
  readonly cipherSuiteCode: number;
  readonly sniHostname: string | undefined;
  readonly negotiatedGroup: string | undefined;
  readonly signatureScheme: string | undefined;
  readonly alpn: string | undefined;
  readonly sessionResumption: boolean;
  readonly helloRetry: boolean;
  /** TLS 1.2: the session id (empty when the server gave none). */
  readonly sessionId: Uint8Array | undefined;
  /** TLS 1.2: RFC 7627 extended master secret, RFC 7366 encrypt-then-MAC, RFC 5746 secure renegotiation. */
  readonly extendedMasterSecret: boolean | undefined;
  readonly encryptThenMac: boolean | undefined;
  readonly secureRenegotiation: boolean | undefined;
  /** TLS 1.3 0-RTT on this connection (client view: whether the server took our early data). */
  readonly earlyData: 'accepted' | 'rejected' | 'none';
  /** Only when asked for by name (Erlang: client_random, server_random, master_secret; TLS 1.2). */
  readonly clientRandom?: Uint8Array;
  readonly serverRandom?: Uint8Array;
  readonly masterSecret?: Uint8Array;
  /** SSLKEYLOGFILE lines of this connection (needs `keepSecrets` or a `keylog` callback). */
  readonly keylog?: readonly string[];
}

/** Secret items `connectionInformation()` returns only when asked for explicitly. */
export type SecretInformationItem = 'clientRandom' | 'serverRandom' | 'masterSecret' | 'keylog';

/**
 * A TLS connection over any {@link Transport}: Erlang's `sslsocket()`. Created by `connect()`,
 * `transportAccept()` + `handshake()`; reads in passive mode with `recv()` or the async iterator,
 * or in active mode through `data` events.
 */
export class SslSocket extends Emitter<SslSocketEvents> {
  private readonly inbox: Uint8Array[] = [];
  private inboxBytes = 0;
  private recvWaiter: RecvWaiter | undefined;
  private consumerWaiter: (() => void) | undefined;
  private activeMode: ActiveMode;
  private parameters: NegotiatedParameters | undefined;
  private earlyData: boolean | undefined;
  private readonly keylogLines: string[] = [];
  private renegotiationWaiter: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private peerClosed = false;
  private closedLocally = false;
  private pumping = false;
  private handshakeSettled = false;
  private resolveHandshake!: () => void;
  private rejectHandshake!: (error: Error) => void;
  private resolvePeerClose!: () => void;
  private readonly peerClose: Promise<void>;
  /** Resolves when the handshake completes; rejects with the alert or transport error. */
  readonly handshakeDone: Promise<void>;
  private readonly sessions: (Session13 | Session12)[] = [];
  private resolveHello: ((extensions: HelloExtensions) => void) | undefined;
  /** With `handshake: 'hello'`: resolves with the peer's hello extensions when the handshake pauses. */
  readonly helloReceived: Promise<HelloExtensions>;
  private readonly highWaterMark: number;

  constructor(
    readonly transport: Transport,
    readonly connection: ClientConnection | ServerConnection,
    readonly role: 'client' | 'server',
    options: { active?: ActiveMode; highWaterMark?: number },
  ) {
    super();
    this.activeMode = options.active ?? false;
    this.highWaterMark = options.highWaterMark ?? 1024 * 1024;
    this.handshakeDone = new Promise<void>((resolve, reject) => {
      this.resolveHandshake = resolve;
      this.rejectHandshake = reject;
    });
    // The handshake promise is observed by whoever awaits it; never let it count as unhandled.
    this.handshakeDone.catch(() => undefined);
    this.peerClose = new Promise((resolve) => {
      this.resolvePeerClose = resolve;
    });
    this.helloReceived = new Promise((resolve) => {
      this.resolveHello = resolve;
    });
    // The engine's receive() stays pending while paused at the hello, so the pause is observed as
    // it happens rather than from the event queue after receive() returns.
    connection.on((event) => {
      if (event.type === 'hello') this.resolveHello?.(event.extensions);
    });
  }

  /** Starts moving bytes: the client's first flight, then the read loop. */
  async start(): Promise<void> {
    if (this.role === 'client') await (this.connection as ClientConnection).start();
    await this.flushOutput();
    this.dispatchEvents();
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.failure === undefined) {
        let chunk: Uint8Array | null;
        try {
          chunk = await this.transport.read();
        } catch (error) {
          this.fail(error as Error);
          break;
        }
        if (chunk === null) {
          this.onEndOfStream();
          break;
        }
        await this.connection.receive(chunk);
        await this.flushOutput();
        this.dispatchEvents();
        // Backpressure: stop reading the transport while unread plaintext piles up.
        while (this.failure === undefined && !this.isActive && this.inboxBytes >= this.highWaterMark) {
          await new Promise<void>((resolve) => {
            this.consumerWaiter = resolve;
          });
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private get isActive(): boolean {
    return this.activeMode !== false && this.activeMode !== 0;
  }

  private onEndOfStream(): void {
    if (!this.handshakeSettled) {
      this.fail(new SocketStateError('closed', 'the peer closed the connection during the handshake'));
      return;
    }
    if (!this.peerClosed) {
      // A stream that ends without close_notify may be a truncation attack (RFC 8446 §6.1); report
      // it as closed like Erlang does, the application decides whether it had all its data.
      this.peerClosed = true;
      this.resolvePeerClose();
      this.deliverClosed();
    }
    // The peer is gone: release the transport once our own close_notify (if any) has left, as
    // Erlang closes the socket on ssl_closed. Data already received stays readable.
    void this.transport.close().catch(() => undefined);
  }

  /** Sends whatever the engine produced; transport failures end the socket, never escape. */
  private async flushOutput(): Promise<void> {
    try {
      await this.connection.settle();
      const output = this.connection.takeOutput();
      if (output === null) return;
      if (!this.transport.write(output)) await this.transport.drained();
    } catch (error) {
      this.fail(error as Error);
    }
  }

  private dispatchEvents(): void {
    for (const event of this.connection.takeEvents()) this.handleEvent(event);
  }

  private handleEvent(event: ConnectionEvent): void {
    switch (event.type) {
      case 'handshakeComplete':
        if (event.parameters.renegotiated === true) {
          this.renegotiationWaiter?.resolve();
          this.renegotiationWaiter = undefined;
        }
        this.parameters = event.parameters;
        this.handshakeSettled = true;
        this.resolveHandshake();
        break;
      case 'data':
        this.deliver(event.data);
        break;
      case 'closed':
        this.peerClosed = true;
        this.resolvePeerClose();
        this.deliverClosed();
        break;
      case 'error':
        this.fail(event.error);
        break;
      case 'hello':
        this.resolveHello?.(event.extensions);
        break;
      case 'alertReceived':
        if (event.alert.description === 'no_renegotiation' && this.renegotiationWaiter !== undefined) {
          this.renegotiationWaiter.reject(new TlsAlert('no_renegotiation', 'the peer declined to renegotiate'));
          this.renegotiationWaiter = undefined;
        }
        // user_canceled during the handshake (RFC 8446 §6.1) means it will never complete.
        if (!this.handshakeSettled && event.alert.description !== 'close_notify') this.fail(event.alert);
        break;
      case 'earlyData':
        this.earlyData = event.accepted;
        break;
      case 'keylog':
        this.keylogLines.push(event.line);
        break;
      case 'newSessionTicket':
        this.sessions.push(event.session);
        this.emit('session', event.session);
        break;
      default:
        break;
    }
  }

  private deliver(data: Uint8Array): void {
    if (this.isActive) {
      this.emit('data', data);
      if (this.activeMode === 'once') this.activeMode = false;
      else if (typeof this.activeMode === 'number') {
        this.activeMode--;
        if (this.activeMode === 0) {
          this.activeMode = false;
          this.emit('passive');
        }
      }
      return;
    }
    this.inbox.push(data);
    this.inboxBytes += data.length;
    this.serveRecv();
  }

  private deliverClosed(): void {
    if (this.isActive) this.emit('closed');
    this.serveRecv();
  }

  private fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.renegotiationWaiter?.reject(error);
    this.renegotiationWaiter = undefined;
    if (!this.handshakeSettled) {
      this.handshakeSettled = true;
      this.rejectHandshake(error);
    }
    this.resolvePeerClose();
    this.consumerWaiter?.();
    if (this.recvWaiter !== undefined) {
      const waiter = this.recvWaiter;
      this.recvWaiter = undefined;
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.reject(error);
    } else if (this.isActive || this.listenerCount('error') > 0) {
      this.emit('error', error);
    }
    // Give the alert a chance to leave, then release the transport.
    void this.flushOutput().then(() => this.transport.destroy());
  }

  /** Takes up to `length` bytes (0 = everything buffered) from the inbox. */
  private take(length: number): Uint8Array {
    const head = this.inbox[0];
    // Fast path: hand over a whole buffered chunk instead of copying it (the engine already copied
    // it out of the record buffer, so nobody else holds it).
    if (head !== undefined && (length === 0 || length === head.length) && (length !== 0 || this.inbox.length === 1)) {
      this.inbox.shift();
      this.inboxBytes -= head.length;
      this.wakeProducer();
      return head;
    }
    const wanted = length === 0 ? this.inboxBytes : length;
    const out = new Uint8Array(wanted);
    let filled = 0;
    while (filled < wanted) {
      const head = this.inbox[0] as Uint8Array;
      const part = Math.min(head.length, wanted - filled);
      out.set(head.subarray(0, part), filled);
      filled += part;
      if (part === head.length) this.inbox.shift();
      else this.inbox[0] = head.subarray(part);
    }
    this.inboxBytes -= wanted;
    this.wakeProducer();
    return out;
  }

  private wakeProducer(): void {
    if (this.inboxBytes >= this.highWaterMark) return;
    const waiter = this.consumerWaiter;
    this.consumerWaiter = undefined;
    waiter?.();
  }

  private serveRecv(): void {
    const waiter = this.recvWaiter;
    if (waiter === undefined) return;
    const enough = waiter.length === 0 ? this.inboxBytes > 0 : this.inboxBytes >= waiter.length;
    if (enough) {
      this.recvWaiter = undefined;
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.resolve(this.take(waiter.length));
    } else if (this.peerClosed) {
      this.recvWaiter = undefined;
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.reject(new SocketStateError('closed', 'connection closed'));
    }
  }

  /**
   * Erlang `ssl:recv/2,3` in passive mode: `length` 0 returns whatever is available (at least one
   * byte); N waits for exactly N bytes. Rejects with SocketStateError('closed') at end of stream and
   * TimeoutError after `timeoutMs`.
   *
   * @example
   * const reply = await socket.recv(0, 5000);
   */
  recv(length = 0, timeoutMs?: number): Promise<Uint8Array> {
    if (this.isActive)
      return Promise.reject(new SocketStateError('einval', 'recv() is for passive mode (active: false)'));
    if (this.recvWaiter !== undefined)
      return Promise.reject(new SocketStateError('einval', 'another recv() is pending'));
    if (!Number.isInteger(length) || length < 0)
      return Promise.reject(new SocketStateError('einval', 'length must be a non-negative integer'));
    const enough = length === 0 ? this.inboxBytes > 0 : this.inboxBytes >= length;
    if (enough) return Promise.resolve(this.take(length));
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.peerClosed) return Promise.reject(new SocketStateError('closed', 'connection closed'));
    return new Promise((resolve, reject) => {
      const waiter: RecvWaiter = { length, resolve, reject };
      if (timeoutMs !== undefined && timeoutMs !== Number.POSITIVE_INFINITY) {
        waiter.timer = setTimeout(() => {
          if (this.recvWaiter === waiter) this.recvWaiter = undefined;
          reject(new TimeoutError(`recv timed out after ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.recvWaiter = waiter;
    });
  }

  /** Erlang `ssl:send/2`: resolves once the records are handed to the transport (with backpressure). */
  async send(data: Uint8Array | string): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (this.closedLocally) throw new SocketStateError('closed', 'send after close');
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    this.connection.write(bytes);
    await this.flushOutput();
  }

  /** Erlang `setopts`: the active mode can change at any time; buffered data is delivered at once. */
  setopts(options: { active?: ActiveMode }): void {
    if (options.active === undefined) return;
    const previous = this.activeMode;
    this.activeMode =
      typeof options.active === 'number' && typeof previous === 'number' ? previous + options.active : options.active;
    while (this.isActive && this.inboxBytes > 0) {
      const data = this.take(0);
      this.deliver(data);
    }
    if (this.isActive && this.peerClosed) this.emit('closed');
    const waiter = this.consumerWaiter;
    this.consumerWaiter = undefined;
    waiter?.();
  }

  /** Erlang `getopts`. */
  getopts(): { active: ActiveMode } {
    return { active: this.activeMode };
  }

  /** Passive reads as an async iterator: `for await (const chunk of socket)`. Ends at close. */
  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      // Buffered records are handed over one by one as the engine produced them: recv(0) would
      // copy them all into one array, a copy an iterator's consumer has no use for.
      const head = this.isActive ? undefined : this.inbox[0];
      if (head !== undefined) {
        yield this.take(head.length);
        continue;
      }
      try {
        yield await this.recv(0);
      } catch (error) {
        if (error instanceof SocketStateError && error.reason === 'closed') return;
        throw error;
      }
    }
  }

  /**
   * Erlang `ssl:close/1,2`: sends close_notify and closes the transport. With `downgrade`, waits for
   * the peer's close_notify and returns the transport for plain use (Erlang's {NewController, Timeout}).
   */
  async close(options: { timeoutMs?: number; downgrade?: boolean } = {}): Promise<Transport | undefined> {
    if (!this.closedLocally && this.failure === undefined) {
      this.closedLocally = true;
      this.connection.close();
      await this.flushOutput();
    }
    const timeoutMs = options.timeoutMs ?? 5000;
    if (options.downgrade === true) {
      const timedOut = await waitOrTimeout(this.peerClose, timeoutMs);
      if (timedOut) throw new TimeoutError('the peer did not answer close_notify');
      return this.transport;
    }
    await this.transport.closeWrite().catch(() => undefined);
    await waitOrTimeout(this.peerClose, timeoutMs);
    this.transport.destroy();
    return undefined;
  }

  /** Erlang `ssl:shutdown/2`: 'write' sends close_notify (half-close); 'read' stops delivering data. */
  async shutdown(how: 'read' | 'write' | 'readWrite'): Promise<void> {
    if (how === 'read' || how === 'readWrite') {
      this.inbox.length = 0;
      this.inboxBytes = 0;
      this.peerClosed = true;
    }
    if ((how === 'write' || how === 'readWrite') && !this.closedLocally) {
      this.closedLocally = true;
      this.connection.close();
      await this.flushOutput();
      await this.transport.closeWrite().catch(() => undefined);
    }
  }

  private requireParameters(): NegotiatedParameters {
    if (this.parameters === undefined) throw new SocketStateError('not_connected', 'the handshake has not completed');
    return this.parameters;
  }

  /**
   * Erlang `connection_information/1,2`. Secrets (`clientRandom`, `serverRandom`, `masterSecret`
   * for TLS 1.2; `keylog` lines for either version) are included only when named in `items`.
   *
   * @example
   * socket.connectionInformation(['masterSecret']).masterSecret;
   */
  connectionInformation(items: readonly SecretInformationItem[] = []): ConnectionInformation {
    const p = this.requireParameters();
    const secrets = items.length > 0 ? this.connection.secrets12() : undefined;
    const pick = (name: Exclude<SecretInformationItem, 'keylog'>): Partial<ConnectionInformation> =>
      items.includes(name) && secrets !== undefined ? { [name]: secrets[name] } : {};
    return {
      sessionId: p.sessionId,
      extendedMasterSecret: p.extendedMasterSecret,
      encryptThenMac: p.encryptThenMac,
      secureRenegotiation: p.secureRenegotiation,
      earlyData: this.earlyData === undefined ? 'none' : this.earlyData ? 'accepted' : 'rejected',
      ...pick('clientRandom'),
      ...pick('serverRandom'),
      ...pick('masterSecret'),
      ...(items.includes('keylog') ? { keylog: [...this.keylogLines] } : {}),
      protocol: p.version,
      selectedCipherSuite: suiteByCode(p.cipherSuiteCode)?.name ?? p.cipherSuite,
      cipherSuiteCode: p.cipherSuiteCode,
      sniHostname: p.serverName,
      negotiatedGroup: p.group,
      signatureScheme: p.signatureScheme,
      alpn: p.alpn,
      sessionResumption: p.resumed,
      helloRetry: p.helloRetry,
    };
  }

  /** Erlang `peercert/1`: the peer's leaf certificate (DER), if it sent one. */
  peercert(): Uint8Array | undefined {
    return this.requireParameters().peerCertificates[0];
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

  peername(): TransportAddress | undefined {
    return this.transport.remoteAddress;
  }

  sockname(): TransportAddress | undefined {
    return this.transport.localAddress;
  }

  /** Erlang `getstat/1` (transport counters). */
  getstat(): TransportStats {
    return { ...this.transport.stats };
  }

  /** RFC 8446 §7.5 / RFC 5705 exporter (Erlang `export_key_materials`); context may be absent in TLS 1.2. */
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    this.requireParameters();
    return this.connection.exportKeyingMaterial(label, context, length);
  }

  /**
   * Erlang `handshake_continue/2,3`: resumes a handshake paused by `handshake: 'hello'`, with extra
   * engine settings chosen from the hello (e.g. a certificate for the requested name).
   */
  async continueHandshake(extra: Partial<ConnectionConfig>): Promise<void> {
    this.connection.continue(extra);
    await this.flushOutput();
    this.dispatchEvents();
  }

  /** Erlang `handshake_cancel/1`: aborts a paused handshake with user_canceled. */
  async cancelHandshake(): Promise<void> {
    this.connection.cancel();
    await this.flushOutput();
    this.dispatchEvents();
    this.transport.destroy();
  }

  /** Erlang `update_keys/2`: 'write' updates our keys, 'readWrite' asks the peer to update too. */
  async updateKeys(type: 'write' | 'readWrite'): Promise<void> {
    this.requireParameters();
    this.connection.keyUpdate(type === 'readWrite');
    await this.flushOutput();
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
   * Erlang `renegotiate/1` (TLS 1.2, RFC 5746): resolves when the new handshake completes; rejects
   * when the peer declines (a no_renegotiation warning) or fails. TLS 1.3 has none: use updateKeys.
   */
  async renegotiate(): Promise<void> {
    const p = this.requireParameters();
    if (p.version === 'tlsv1.3')
      throw new TlsAlert('protocol_version', 'TLS 1.3 has no renegotiation; use updateKeys()');
    const done = new Promise<void>((resolve, reject) => {
      this.renegotiationWaiter = { resolve, reject };
    });
    try {
      this.connection.renegotiate();
    } catch (e) {
      this.renegotiationWaiter = undefined;
      throw e;
    }
    await this.flushOutput();
    return done;
  }

  /** Sessions received from the server (for `reuseSession`). */
  get savedSessions(): readonly (Session13 | Session12)[] {
    return this.sessions;
  }

  /** The error that ended the connection, if any. */
  get error(): Error | undefined {
    return this.failure;
  }
}

async function waitOrTimeout(promise: Promise<void>, timeoutMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), timeoutMs);
  });
  const result = await Promise.race([promise.then(() => false), timeout]);
  clearTimeout(timer);
  return result;
}
