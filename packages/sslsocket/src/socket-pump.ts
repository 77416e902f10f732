import type {
  ClientConnection,
  ConnectionEvent,
  NegotiatedParameters,
  ServerConnection,
  Session12,
  Session13,
} from '@sslsocket/handshake';
import { type Transport, TransportError } from '@sslsocket/transport';
import type { PeerAuthSink } from './engine-config.js';
import { SocketStateError } from './errors.js';
import { AfterCloseBytes } from './handed-back-transport.js';
import { HAPPENED, Latch } from './latch.js';
import { Linger } from './linger.js';
import { LocalRequests } from './local-requests.js';
import { DEFAULT_MAX_SAVED_SESSIONS } from './session-options.js';
import type { SocketPumpOptions } from './socket-delivery.js';
import type { HelloExtensions } from './socket-events.js';
import { ReadAhead } from './socket-read-ahead.js';
import { SocketWrite } from './socket-write.js';

export type { SocketPumpOptions } from './socket-delivery.js';

/** The sink of a socket whose verifier reports nothing (a server's): shared, never written. */
const NO_PEER_AUTH: PeerAuthSink = Object.freeze({});

/**
 * The moving half of an {@link SslSocket}: reads the transport into the engine, turns engine
 * events into socket state, and ends the socket on failure. Delivery of plaintext lives in
 * socket-delivery.ts, the write path in socket-write.ts; the public API in ssl-socket.ts.
 */
export abstract class SocketPump extends SocketWrite {
  /** Bytes read from the transport after the peer's close_notify, kept for `close({ downgrade })`. */
  protected readonly afterClose = new AfterCloseBytes();
  /** Set by close({ downgrade }): end of stream no longer closes the transport. */
  protected downgrading = false;
  /** The transport now belongs to the caller: the read loop stops touching it. */
  protected handedBack = false;
  /** The read loop's outstanding transport.read(), which a downgrade hands to the caller. */
  protected pendingRead: Promise<Uint8Array | null> | undefined;
  protected parameters: NegotiatedParameters | undefined;
  protected earlyData: boolean | undefined;
  /** SSLKEYLOGFILE lines of this connection, when the engine logs keys (made on the first). */
  protected keylogLines: string[] | undefined;
  /** Renegotiation and post-handshake certificate requests in flight (made by the first one). */
  private localRequests: LocalRequests | undefined;
  protected readonly peerAuth: PeerAuthSink;
  /** The client's chain from post-handshake authentication, newer than the handshake's. */
  protected peerChain: readonly Uint8Array[] | undefined;
  protected failure: Error | undefined;
  protected closedLocally = false;
  private pumping = false;
  /** Made on the first asynchronous receive() (WebCrypto): see socket-read-ahead.ts. */
  private readAhead: ReadAhead | undefined;
  /** After a failure: the bounded wait that lets our alert reach a peer that is still sending. */
  protected linger: Linger | undefined;
  /** The handshake completed (resolved) or failed (rejected); see {@link handshakeDone}. */
  private readonly handshakeLatch = new Latch();
  /** The peer ended its direction (close_notify or end of stream) or the connection failed. */
  private peerCloseSeen = false;
  /** Made only when close() waits for the peer before it has closed. */
  private peerCloseLatch: Latch | undefined;
  /** Sessions the server sent (a client's, made on the first ticket). */
  protected sessions: (Session13 | Session12)[] | undefined;
  private readonly onSession: ((session: Session13 | Session12) => void) | undefined;
  private readonly onSessionStoreError: SocketPumpOptions['onSessionStoreError'];
  private readonly maxSavedSessions: number;
  /** Made with `handshake: 'hello'`, or when `helloReceived` is first asked for. */
  private helloLatch: Latch<HelloExtensions> | undefined;

  constructor(
    transport: Transport,
    connection: ClientConnection | ServerConnection,
    role: 'client' | 'server',
    options: SocketPumpOptions,
  ) {
    super(transport, connection, role, options);
    this.onSession = options.onSession;
    this.onSessionStoreError = options.onSessionStoreError;
    this.maxSavedSessions = options.maxSavedSessions ?? DEFAULT_MAX_SAVED_SESSIONS;
    this.peerAuth = options.peerAuth ?? NO_PEER_AUTH;
    // The engine's receive() stays pending while paused at the hello, so the pause is observed as
    // it happens rather than from the event queue after receive() returns.
    if (options.handshake === 'hello') {
      const latch = new Latch<HelloExtensions>();
      this.helloLatch = latch;
      connection.on((event) => {
        if (event.type === 'hello') latch.resolve(event.extensions);
      });
    }
  }

  /**
   * Resolves when the handshake completes; rejects with the alert or transport error. (Made on
   * first use: an established socket nobody asks keeps no Promise for it.)
   */
  get handshakeDone(): Promise<void> {
    return this.handshakeLatch.wait();
  }

  /** With `handshake: 'hello'`: resolves with the peer's hello extensions when the handshake pauses. */
  get helloReceived(): Promise<HelloExtensions> {
    this.helloLatch ??= new Latch();
    return this.helloLatch.wait();
  }

  /** The requests the application started and the peer answers (renegotiation, client certificate). */
  protected get requests(): LocalRequests {
    this.localRequests ??= new LocalRequests();
    return this.localRequests;
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
      while ((this.failure === undefined || this.linger?.ended === false) && !this.handedBack) {
        let chunk: Uint8Array | null;
        try {
          this.pendingRead = this.readAhead?.take() ?? this.transport.read();
          chunk = await this.pendingRead;
        } catch (error) {
          if (this.handedBack) break;
          this.fail(error as Error);
          break;
        } finally {
          this.pendingRead = undefined;
        }
        // The caller of close({ downgrade }) took this read over, and its result with it.
        if (this.handedBack) break;
        // Failed, our alert sent: what the peer still sends is read and dropped (linger.ts).
        if (this.failure !== undefined) {
          if (chunk === null) break;
          continue;
        }
        if (this.peerEnd === 'close_notify') {
          // RFC 8446 §6.1 / RFC 5246 §7.2.1: data after a closure alert is ignored by TLS; keep
          // it for a downgrade, where it is the start of the plaintext protocol.
          if (chunk !== null) {
            this.afterClose.push(chunk);
            continue;
          }
          this.afterClose.ended = true;
          this.releaseAfterDelivery();
          break;
        }
        if (chunk === null) {
          this.onEndOfStream();
          break;
        }
        if (this.handshakeSettled) this.idle?.touch();
        // Gathered sends go before whatever the engine answers to this chunk (a KeyUpdate, an alert).
        this.pushGathered();
        // Synchronous providers open, answer and flush without a Promise per chunk.
        const received = this.connection.receive(chunk);
        if (received !== undefined) await this.whileReceiving(received);
        const flushed = this.flushNow();
        if (flushed !== undefined) await flushed;
        this.dispatchEvents();
        // Backpressure: stop reading the transport while unread plaintext piles up.
        while (this.failure === undefined && this.mustPause) {
          await this.inbox.waitForRoom();
        }
      }
    } finally {
      this.pumping = false;
      if (this.failure !== undefined) this.linger?.end();
    }
  }

  /** The peer ended its direction (close_notify or end of stream), or the connection failed. */
  private notePeerClose(): void {
    this.peerCloseSeen = true;
    this.peerCloseLatch?.resolve();
  }

  /** Resolves once the peer ended its direction or the connection failed (close() waits for it). */
  protected peerClosedOrFailed(): Promise<void> {
    if (this.peerCloseSeen) return HAPPENED;
    this.peerCloseLatch ??= new Latch();
    return this.peerCloseLatch.wait();
  }

  /** Waits for an asynchronous receive(), reading on meanwhile once established (socket-read-ahead.ts). */
  private whileReceiving(received: Promise<void>): Promise<void> {
    if (!this.handshakeSettled) return received;
    this.readAhead ??= new ReadAhead(
      () => this.transport.read(),
      () =>
        this.failure === undefined &&
        !this.handedBack &&
        !this.downgrading &&
        !this.connection.readClosed &&
        this.connection.error === undefined &&
        !this.mustPause,
      (chunk) => {
        this.idle?.touch();
        this.connection.receive(chunk);
      },
    );
    return this.readAhead.whileBusy(received);
  }

  /** Unread plaintext (passive), undelivered events (active) or post-close bytes reached the mark. */
  private get mustPause(): boolean {
    return (
      (!this.isActive && this.inbox.full) ||
      this.mailbox.bytes >= this.inbox.highWaterMark ||
      (this.peerEnd === 'close_notify' && this.afterClose.bytes >= this.inbox.highWaterMark && !this.handedBack)
    );
  }

  /**
   * The peer is gone: release the transport, as Erlang closes the socket on ssl_closed, but only
   * once the mailbox has delivered what it held and the application's handlers have run (one more
   * macrotask), so an answer they write (an echo after the peer's half-close) still leaves. With a
   * downgrade the caller owns the transport and sees the end itself.
   */
  private releaseAfterDelivery(): void {
    // Before our close() our direction stays open (RFC 8446 §6.1: close_notify and FIN end only the
    // peer's direction); close() releases the transport then.
    if (!this.closedLocally) return;
    void this.mailboxOpened().then(() =>
      setTimeout(() => {
        if (!this.downgrading && !this.handedBack) void this.transport.close().catch(() => undefined);
      }, 0),
    );
  }

  private onEndOfStream(): void {
    if (!this.handshakeSettled) {
      this.fail(new SocketStateError('closed', 'the peer closed the connection during the handshake'));
      return;
    }
    if (!this.peerClosed) {
      // A stream that ends without close_notify may be a truncation attack (RFC 8446 §6.1,
      // RFC 5246 §7.2.1). Erlang reports it as closed; we say which end it was ('truncated' in the
      // closed event, connectionInformation and getstat), and `unexpectedEof: 'error'` makes
      // recv() and the iterator fail with SocketStateError('truncated').
      this.peerClosed = true;
      this.peerEnd = 'truncated';
      this.notePeerClose();
      this.deliverClosed();
    }
    // The peer's direction is over, ours is not: RFC 8446 §6.1 lets each side close its own
    // direction, and the application may still be writing a reply to a peer that half-closed (as
    // node with allowHalfOpen). Data already received stays readable.
    this.releaseAfterDelivery();
  }

  protected dispatchEvents(): void {
    for (const event of this.connection.takeEvents()) this.handleEvent(event);
  }

  private handleEvent(event: ConnectionEvent): void {
    switch (event.type) {
      case 'handshakeComplete':
        if (event.parameters.renegotiated === true) {
          this.localRequests?.onRenegotiated();
        }
        this.parameters = event.parameters;
        // RFC 8446 §4.6.2: after a TLS 1.3 handshake only the client authenticates, so a client's
        // verifier has nothing left to verify and lets go of the options and roots it holds.
        if (this.role === 'client' && event.parameters.version === 'tlsv1.3') this.peerAuth.release?.();
        if (!this.handshakeSettled) {
          // Resolve first, deliver afterwards: events wait one macrotask, by which time whoever
          // awaited the handshake has attached its listeners.
          setTimeout(() => this.openMailbox(), 0);
        }
        this.handshakeSettled = true;
        this.idle?.touch();
        this.handshakeLatch.resolve();
        break;
      case 'data':
        this.receiveData(event.data);
        break;
      case 'closed':
        this.peerClosed = true;
        this.peerEnd = 'close_notify';
        // Records after close_notify in the same read are not TLS any more (see pump()).
        this.afterClose.push(this.connection.takeUnread());
        this.notePeerClose();
        this.deliverClosed();
        break;
      case 'error':
        this.fail(event.error);
        break;
      case 'hello':
        this.helloLatch ??= new Latch();
        this.helloLatch.resolve(event.extensions);
        break;
      case 'alertReceived':
        if (event.alert.description === 'no_renegotiation') this.localRequests?.onNoRenegotiation();
        // user_canceled during the handshake (RFC 8446 §6.1) means it will never complete. Other
        // warnings the engine lets through (RFC 5246 §7.2, e.g. unrecognized_name before a TLS 1.2
        // ServerHello) do not end it; fatal alerts arrive as 'error' events.
        if (!this.handshakeSettled && event.alert.description === 'user_canceled') this.fail(event.alert);
        break;
      case 'earlyData':
        this.earlyData = event.accepted;
        break;
      case 'peerCertificate':
        if (event.chain.length > 0) this.peerChain = event.chain;
        this.localRequests?.onPeerCertificate(event.chain);
        break;
      case 'keylog':
        this.keylogLines ??= [];
        this.keylogLines.push(event.line);
        break;
      case 'newSessionTicket':
        // Only the newest maxSavedSessions are kept: the engine's idle-ticket limit restarts whenever
        // data arrives, so a server alternating data and tickets would otherwise grow these forever.
        this.sessions ??= [];
        this.sessions.push(event.session);
        if (this.sessions.length > this.maxSavedSessions) this.sessions.shift();
        this.onSession?.(event.session);
        this.mailbox.post('session', event.session);
        this.mailbox.keepNewest('session', this.maxSavedSessions);
        break;
      case 'sessionStoreError':
        try {
          this.onSessionStoreError?.(event.error);
        } catch {
          // The application's logger failing must not end a connection the store failure did not.
        }
        break;
      default:
        break;
    }
  }

  protected fail(cause: Error): void {
    if (this.failure !== undefined) return;
    // A write that fails after the engine ended the connection (e.g. our close_notify answering
    // the peer's user_canceled) is a consequence: the engine's alert is the reason.
    const error = cause instanceof TransportError ? (this.connection.error ?? cause) : cause;
    this.failure = error;
    this.localRequests?.failAll(error);
    if (!this.handshakeSettled) {
      this.handshakeSettled = true;
      this.handshakeLatch.reject(error);
      setTimeout(() => this.openMailbox(), 0);
    }
    this.notePeerClose();
    this.inbox.wake();
    if (!this.inbox.rejectWaiter(error) && (this.isActive || this.listenerCount('error') > 0)) {
      this.mailbox.post('error', error);
    }
    // Give the alert a chance to leave, then release the transport: at once after a transport
    // error, else after our FIN and a bounded linger that keeps reading (linger.ts).
    if (Linger.wanted(error, this.writeFailed)) this.linger = new Linger(this.transport);
    void this.flushOutput().then(() => {
      if (this.linger !== undefined && this.pumping && !this.writeFailed) this.linger.start();
      else if (this.linger !== undefined) this.linger.end();
      else this.transport.destroy();
    });
  }
}
