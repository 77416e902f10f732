import type {
  ClientConnection,
  ConnectionEvent,
  NegotiatedParameters,
  ServerConnection,
  Session12,
  Session13,
} from '@sslsocket/handshake';
import { TlsAlert } from '@sslsocket/suites';
import type { Transport } from '@sslsocket/transport';
import { Emitter } from './emitter.js';
import { SocketStateError } from './errors.js';
import { Inbox } from './inbox.js';
import type { HelloExtensions, SslSocketEvents } from './socket-events.js';
import type { ActiveMode } from './socket-options.js';

/**
 * The moving half of an {@link SslSocket}: reads the transport into the engine, writes the engine's
 * output, turns engine events into socket state, and delivers plaintext to the inbox (passive) or
 * as events (active modes). The public API lives in ssl-socket.ts.
 */
export abstract class SocketPump extends Emitter<SslSocketEvents> {
  protected readonly inbox: Inbox;
  protected activeMode: ActiveMode;
  protected parameters: NegotiatedParameters | undefined;
  protected earlyData: boolean | undefined;
  protected readonly keylogLines: string[] = [];
  protected renegotiationWaiter: { resolve: () => void; reject: (e: Error) => void } | undefined;
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
  private resolveHello: ((extensions: HelloExtensions) => void) | undefined;
  /** With `handshake: 'hello'`: resolves with the peer's hello extensions when the handshake pauses. */
  readonly helloReceived: Promise<HelloExtensions>;

  constructor(
    readonly transport: Transport,
    readonly connection: ClientConnection | ServerConnection,
    readonly role: 'client' | 'server',
    options: { active?: ActiveMode; highWaterMark?: number },
  ) {
    super();
    this.activeMode = options.active ?? false;
    this.inbox = new Inbox(options.highWaterMark ?? 1024 * 1024);
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
        while (this.failure === undefined && !this.isActive && this.inbox.full) {
          await this.inbox.waitForRoom();
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  protected get isActive(): boolean {
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
  protected async flushOutput(): Promise<void> {
    try {
      await this.connection.settle();
      const output = this.connection.takeOutput();
      if (output === null) return;
      if (!this.transport.write(output)) await this.transport.drained();
    } catch (error) {
      this.fail(error as Error);
    }
  }

  protected dispatchEvents(): void {
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

  protected deliver(data: Uint8Array): void {
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
    this.inbox.serve(this.peerClosed);
  }

  private deliverClosed(): void {
    if (this.isActive) this.emit('closed');
    this.inbox.serve(this.peerClosed);
  }

  protected fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.renegotiationWaiter?.reject(error);
    this.renegotiationWaiter = undefined;
    if (!this.handshakeSettled) {
      this.handshakeSettled = true;
      this.rejectHandshake(error);
    }
    this.resolvePeerClose();
    this.inbox.wake();
    if (!this.inbox.rejectWaiter(error) && (this.isActive || this.listenerCount('error') > 0)) {
      this.emit('error', error);
    }
    // Give the alert a chance to leave, then release the transport.
    void this.flushOutput().then(() => this.transport.destroy());
  }
}
