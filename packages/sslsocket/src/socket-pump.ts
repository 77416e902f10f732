import type {
  ClientConnection,
  ConnectionEvent,
  NegotiatedParameters,
  ServerConnection,
  Session12,
  Session13,
} from '@sslsocket/handshake';
import type { Transport } from '@sslsocket/transport';
import { Emitter } from './emitter.js';
import type { PeerAuthSink } from './engine-config.js';
import { SocketStateError, TimeoutError } from './errors.js';
import { AfterCloseBytes } from './handed-back-transport.js';
import { IdleTimer } from './idle-timer.js';
import { Inbox } from './inbox.js';
import { LocalRequests } from './local-requests.js';
import { Mailbox } from './mailbox.js';
import { isFramed, PacketFramer, type PacketMode } from './packet-framing.js';
import type { HelloExtensions, PeerClose, SslSocketEvents } from './socket-events.js';
import type { ActiveMode } from './socket-options.js';

/** What the socket takes from the options (the rest configures the engine). */
export interface SocketPumpOptions {
  readonly active?: ActiveMode;
  readonly highWaterMark?: number;
  readonly unexpectedEof?: 'closed' | 'error';
  readonly packet?: PacketMode;
  readonly packetSize?: number;
  /** Filled by the certificate verifier: the OCSP response the server stapled. */
  readonly peerAuth?: PeerAuthSink;
  /** The library's session store, fed as tickets arrive (the `session` event is the application's). */
  readonly onSession?: (session: Session13 | Session12) => void;
  /** Closes an established connection after this long without traffic (ms). */
  readonly idleTimeoutMs?: number;
}

/**
 * The moving half of an {@link SslSocket}: reads the transport into the engine, writes the engine's
 * output, turns engine events into socket state, and delivers plaintext to the inbox (passive) or
 * as events (active modes). The public API lives in ssl-socket.ts.
 */
export abstract class SocketPump extends Emitter<SslSocketEvents> {
  protected readonly inbox: Inbox;
  /** Active-mode and session events, kept until the application can take them. */
  protected readonly mailbox: Mailbox<SslSocketEvents>;
  /** How the peer ended its side: close_notify, or end of stream without it. */
  protected peerEnd: PeerClose | undefined;
  /** `unexpectedEof: 'error'`: a truncated stream fails recv() and the iterator. */
  protected readonly truncationIsError: boolean;
  /** Bytes read from the transport after the peer's close_notify, kept for `close({ downgrade })`. */
  protected readonly afterClose = new AfterCloseBytes();
  /** Set by close({ downgrade }): end of stream no longer closes the transport. */
  protected downgrading = false;
  /** The transport now belongs to the caller: the read loop stops touching it. */
  protected handedBack = false;
  /** The read loop's outstanding transport.read(), which a downgrade hands to the caller. */
  protected pendingRead: Promise<Uint8Array | null> | undefined;
  protected activeMode: ActiveMode;
  /** Erlang `packet` / `packet_size`: how received plaintext is cut into messages. */
  protected packetMode: PacketMode;
  protected packetSize: number;
  protected framer: PacketFramer | undefined;
  /** Bytes of an incomplete length-prefixed packet the stream ended in. */
  private cutPacket = 0;
  private closedAnnounced = false;
  private resolveMailboxOpened!: () => void;
  /** Resolves once the mailbox delivers (a macrotask after the handshake settled). */
  private readonly mailboxOpened = new Promise<void>((resolve) => {
    this.resolveMailboxOpened = resolve;
  });
  protected parameters: NegotiatedParameters | undefined;
  protected earlyData: boolean | undefined;
  protected readonly keylogLines: string[] = [];
  protected readonly requests = new LocalRequests();
  protected readonly peerAuth: PeerAuthSink;
  /** The client's chain from post-handshake authentication, newer than the handshake's. */
  protected peerChain: readonly Uint8Array[] | undefined;
  protected failure: Error | undefined;
  protected peerClosed = false;
  protected closedLocally = false;
  private pumping = false;
  private handshakeSettled = false;
  private resolveHandshake!: () => void;
  private rejectHandshake!: (error: Error) => void;
  private resolvePeerClose!: () => void;
  protected readonly peerClose: Promise<void>;
  /** Resolves when the handshake completes; rejects with the alert or transport error. */
  readonly handshakeDone: Promise<void>;
  protected readonly sessions: (Session13 | Session12)[] = [];
  private readonly onSession: ((session: Session13 | Session12) => void) | undefined;
  private resolveHello: ((extensions: HelloExtensions) => void) | undefined;
  /** With `handshake: 'hello'`: resolves with the peer's hello extensions when the handshake pauses. */
  readonly helloReceived: Promise<HelloExtensions>;

  constructor(
    readonly transport: Transport,
    readonly connection: ClientConnection | ServerConnection,
    readonly role: 'client' | 'server',
    options: SocketPumpOptions,
  ) {
    super();
    const idleMs = options.idleTimeoutMs;
    if (idleMs !== undefined) {
      this.idle = new IdleTimer(idleMs, () =>
        this.fail(new TimeoutError(`no traffic for ${idleMs} ms (idleTimeoutMs)`)),
      );
    }
    this.activeMode = options.active ?? false;
    this.packetMode = options.packet ?? 0;
    this.packetSize = options.packetSize ?? 0;
    this.framer = isFramed(this.packetMode) ? new PacketFramer(this.packetMode, this.packetSize) : undefined;
    this.inbox = new Inbox(options.highWaterMark ?? 1024 * 1024);
    this.truncationIsError = options.unexpectedEof === 'error';
    this.onSession = options.onSession;
    this.peerAuth = options.peerAuth ?? {};
    this.mailbox = new Mailbox<SslSocketEvents>(
      (type, args) => this.emit(type, ...(args as SslSocketEvents[typeof type])),
      (type) => this.listenerCount(type) > 0,
      () => this.inbox.wake(),
    );
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

  /** Lets the mailbox deliver: the application has had its chance to attach listeners. */
  private openMailbox(): void {
    this.mailbox.open();
    this.resolveMailboxOpened();
  }

  /** Also delivers events that waited in the mailbox for a listener of this type. */
  override on<K extends keyof SslSocketEvents>(event: K, handler: (...args: SslSocketEvents[K]) => void): this {
    super.on(event, handler);
    if (this.mailbox.size > 0) queueMicrotask(() => this.mailbox.flush());
    return this;
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
      while (this.failure === undefined && !this.handedBack) {
        let chunk: Uint8Array | null;
        try {
          this.pendingRead = this.transport.read();
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
        // Synchronous providers open, answer and flush without a Promise per chunk.
        const received = this.connection.receive(chunk);
        if (received !== undefined) await received;
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
    }
  }

  /** Unread plaintext (passive), undelivered events (active) or post-close bytes reached the mark. */
  private get mustPause(): boolean {
    return (
      (!this.isActive && this.inbox.full) ||
      this.mailbox.bytes >= this.inbox.highWaterMark ||
      (this.peerEnd === 'close_notify' && this.afterClose.bytes >= this.inbox.highWaterMark && !this.handedBack)
    );
  }

  protected get isActive(): boolean {
    return this.activeMode !== false && this.activeMode !== 0;
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
    void this.mailboxOpened.then(() =>
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
      this.resolvePeerClose();
      this.deliverClosed();
    }
    // The peer's direction is over, ours is not: RFC 8446 §6.1 lets each side close its own
    // direction, and the application may still be writing a reply to a peer that half-closed (as
    // node with allowHalfOpen). Data already received stays readable.
    this.releaseAfterDelivery();
  }

  /**
   * The write path of `send()` and the pump: hands the engine's output (every record sealed since
   * the last flush, in one buffer) to the transport in one write, at once, when no asynchronous
   * seal is running, which is always the case with a synchronous provider. Returns a Promise only
   * when there is something to wait for: asynchronous seals, or the transport's backpressure
   * (`write()` returned false; the Promise resolves on drain, as with node streams).
   */
  protected flushNow(): Promise<void> | undefined {
    if (this.connection.sealing) return this.flushOutput();
    try {
      const output = this.connection.takeOutput();
      if (output === null) return undefined;
      if (this.idle !== undefined && this.handshakeSettled) this.idle.touch();
      if (this.transport.write(output)) return undefined;
      return this.transport.drained().catch((error: unknown) => {
        this.writeFailed = true;
        this.fail(error as Error);
      });
    } catch (error) {
      this.writeFailed = true;
      this.fail(error as Error);
      return undefined;
    }
  }

  /** Sends whatever the engine produced; transport failures end the socket, never escape. */
  protected async flushOutput(): Promise<void> {
    try {
      await this.connection.settle();
      const output = this.connection.takeOutput();
      if (output === null) return;
      if (this.handshakeSettled) this.idle?.touch();
      if (!this.transport.write(output)) await this.transport.drained();
    } catch (error) {
      this.writeFailed = true;
      this.fail(error as Error);
    }
  }

  /**
   * Set once a transport write failed: from then on no record reaches the peer, so a send() that
   * completes afterwards must reject rather than report bytes as sent that never left.
   */
  protected writeFailed = false;

  /** The `idleTimeoutMs` timer of an established connection, if the option is set. */
  protected readonly idle: IdleTimer | undefined;

  protected dispatchEvents(): void {
    for (const event of this.connection.takeEvents()) this.handleEvent(event);
  }

  private handleEvent(event: ConnectionEvent): void {
    switch (event.type) {
      case 'handshakeComplete':
        if (event.parameters.renegotiated === true) {
          this.requests.onRenegotiated();
        }
        this.parameters = event.parameters;
        if (!this.handshakeSettled) {
          // Resolve first, deliver afterwards: events wait one macrotask, by which time whoever
          // awaited the handshake has attached its listeners.
          setTimeout(() => this.openMailbox(), 0);
        }
        this.handshakeSettled = true;
        this.idle?.touch();
        this.resolveHandshake();
        break;
      case 'data':
        this.receiveData(event.data);
        break;
      case 'closed':
        this.peerClosed = true;
        this.peerEnd = 'close_notify';
        // Records after close_notify in the same read are not TLS any more (see pump()).
        this.afterClose.push(this.connection.takeUnread());
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
        if (event.alert.description === 'no_renegotiation') this.requests.onNoRenegotiation();
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
        this.requests.onPeerCertificate(event.chain);
        break;
      case 'keylog':
        this.keylogLines.push(event.line);
        break;
      case 'newSessionTicket':
        this.sessions.push(event.session);
        this.onSession?.(event.session);
        this.mailbox.post('session', event.session);
        break;
      default:
        break;
    }
  }

  /** Plaintext from the engine: as it came (packet 0 / raw), or cut into Erlang packets. */
  private receiveData(data: Uint8Array): void {
    if (this.framer === undefined) {
      this.deliver(data);
      return;
    }
    this.framer.push(data);
    this.deliverPackets();
  }

  /** Delivers each complete packet the framer holds; a too-long one fails the socket (emsgsize). */
  protected deliverPackets(): void {
    const error = this.framer?.drain((packet) => this.deliver(packet));
    if (error !== undefined) this.fail(error);
  }

  /** A received unit (a chunk, or a packet in packet modes): to the mailbox when active, else the inbox. */
  protected deliver(data: Uint8Array): void {
    if (this.isActive) {
      // Erlang counts messages sent to the mailbox: 'once' and N turn passive as data is posted.
      this.mailbox.post('data', data);
      if (this.activeMode === 'once') this.activeMode = false;
      else if (typeof this.activeMode === 'number') {
        this.activeMode--;
        if (this.activeMode === 0) {
          this.activeMode = false;
          this.mailbox.post('passive');
        }
      }
      return;
    }
    this.inbox.push(data);
    this.inbox.serve(this.closedError());
  }

  private deliverClosed(): void {
    const rest = this.framer?.takeRest();
    if (rest !== undefined && rest.length > 0) {
      // A last line without its newline is still a line (Erlang delivers it); a length-prefixed
      // packet cut short is data lost, reported rather than dropped.
      if (this.packetMode === 'line') this.deliver(rest);
      else this.cutPacket = rest.length;
    }
    if (this.isActive && this.cutPacket > 0) this.mailbox.post('error', this.closedError() as SocketStateError);
    this.announceClosed();
    this.inbox.serve(this.closedError());
  }

  /**
   * Posts `closed` once, when the peer has closed and the socket is active (now, or later through
   * setopts): like Erlang's single `{ssl_closed, S}`, however often the mode changes afterwards.
   */
  protected announceClosed(): void {
    if (this.closedAnnounced || !this.isActive || !this.peerClosed) return;
    this.closedAnnounced = true;
    this.mailbox.post('closed', this.peerEnd ?? 'close_notify');
  }

  /** What a read at the end of the stream fails with, once the peer has closed; else undefined. */
  protected closedError(): SocketStateError | undefined {
    if (!this.peerClosed) return undefined;
    if (this.cutPacket > 0) {
      return new SocketStateError('truncated', `the stream ended ${this.cutPacket} bytes into a packet`);
    }
    if (this.peerEnd === 'truncated' && this.truncationIsError) {
      return new SocketStateError(
        'truncated',
        'the peer ended the stream without close_notify: the data may be truncated (RFC 8446 §6.1)',
      );
    }
    return new SocketStateError('closed', 'connection closed');
  }

  protected fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.requests.failAll(error);
    if (!this.handshakeSettled) {
      this.handshakeSettled = true;
      this.rejectHandshake(error);
      setTimeout(() => this.openMailbox(), 0);
    }
    this.resolvePeerClose();
    this.inbox.wake();
    if (!this.inbox.rejectWaiter(error) && (this.isActive || this.listenerCount('error') > 0)) {
      this.mailbox.post('error', error);
    }
    // Give the alert a chance to leave, then release the transport.
    void this.flushOutput().then(() => this.transport.destroy());
  }
}
