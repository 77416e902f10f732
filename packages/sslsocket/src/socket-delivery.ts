import type { Session12, Session13, SessionStoreError } from '@sslsocket/handshake';
import { Emitter } from './emitter.js';
import type { PeerAuthSink } from './engine-config.js';
import { SocketStateError } from './errors.js';
import { Inbox } from './inbox.js';
import { HAPPENED, Latch } from './latch.js';
import { Mailbox } from './mailbox.js';
import { isFramed, PacketFramer, type PacketMode } from './packet-framing.js';
import type { PeerClose, SslSocketEvents } from './socket-events.js';
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
  /** Client: most sessions kept in `savedSessions` and queued as `session` events (session-options.ts). */
  readonly maxSavedSessions?: number;
  /** Server: a session store or ticket key provider failed; the connection went on (session-options.ts). */
  readonly onSessionStoreError?: (error: SessionStoreError) => void;
  /** `'hello'`: the handshake pauses at the peer's hello (`helloReceived`, `handshakeContinue`). */
  readonly handshake?: 'hello' | 'full';
  /** Closes an established connection after this long without traffic (ms). */
  readonly idleTimeoutMs?: number;
  /** Ciphertext bytes queued for the transport beyond which send() waits (send-queue.ts). */
  readonly sendQueueLimit?: number;
}

/**
 * The delivering end of an {@link SslSocket}: received plaintext goes to the inbox (passive) or the
 * mailbox (Erlang's active modes), cut into packets when a `packet` mode is set, and the peer's
 * close is announced once. The read loop (socket-pump.ts) feeds it; the public API reads from it.
 */
export abstract class SocketDelivery extends Emitter<SslSocketEvents> {
  protected readonly inbox: Inbox;
  /** Active-mode and session events, kept until the application can take them. */
  protected readonly mailbox: Mailbox<SslSocketEvents>;
  /** How the peer ended its side: close_notify, or end of stream without it. */
  protected peerEnd: PeerClose | undefined;
  /** `unexpectedEof: 'error'`: a truncated stream fails recv() and the iterator. */
  protected readonly truncationIsError: boolean;
  protected activeMode: ActiveMode;
  /** Erlang `packet` / `packet_size`: how received plaintext is cut into messages. */
  protected packetMode: PacketMode;
  protected packetSize: number;
  protected framer: PacketFramer | undefined;
  protected peerClosed = false;
  /** Bytes of an incomplete length-prefixed packet the stream ended in. */
  private cutPacket = 0;
  private closedAnnounced = false;
  /** Waits for the mailbox to open; made only when something waits before it does. */
  private mailboxOpenedLatch: Latch | undefined;

  constructor(options: SocketPumpOptions) {
    super();
    this.activeMode = options.active ?? false;
    this.packetMode = options.packet ?? 0;
    this.packetSize = options.packetSize ?? 0;
    this.framer = isFramed(this.packetMode) ? new PacketFramer(this.packetMode, this.packetSize) : undefined;
    this.inbox = new Inbox(options.highWaterMark ?? 1024 * 1024);
    this.truncationIsError = options.unexpectedEof === 'error';
    this.mailbox = new Mailbox<SslSocketEvents>(this, this.inbox);
  }

  /** Ends the socket with `error` (socket-pump.ts). */
  protected abstract fail(error: Error): void;

  /** Lets the mailbox deliver: the application has had its chance to attach listeners. */
  protected openMailbox(): void {
    this.mailbox.open();
    this.mailboxOpenedLatch?.resolve();
  }

  /** Resolves once the mailbox delivers (a macrotask after the handshake settled). */
  protected mailboxOpened(): Promise<void> {
    if (this.mailbox.isOpen) return HAPPENED;
    this.mailboxOpenedLatch ??= new Latch();
    return this.mailboxOpenedLatch.wait();
  }

  /** Also delivers events that waited in the mailbox for a listener of this type. */
  override on<K extends keyof SslSocketEvents>(event: K, handler: (...args: SslSocketEvents[K]) => void): this {
    super.on(event, handler);
    if (this.mailbox.size > 0) queueMicrotask(() => this.mailbox.flush());
    return this;
  }

  protected get isActive(): boolean {
    return this.activeMode !== false && this.activeMode !== 0;
  }

  /** Plaintext from the engine: as it came (packet 0 / raw), or cut into Erlang packets. */
  protected receiveData(data: Uint8Array): void {
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

  protected deliverClosed(): void {
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
}
