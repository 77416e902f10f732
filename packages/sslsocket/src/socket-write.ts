import type { ClientConnection, ServerConnection } from '@sslsocket/handshake';
import type { Transport } from '@sslsocket/transport';
import { SocketStateError, TimeoutError } from './errors.js';
import { IdleTimer } from './idle-timer.js';
import { type SendBatch, SendCoalescer, settleBatch } from './send-coalescer.js';
import { SocketDelivery, type SocketPumpOptions } from './socket-delivery.js';

/**
 * The write path of an {@link SslSocket}: hands what the engine sealed to the transport, honours
 * the transport's backpressure, and remembers a failed write so later sends reject. Shared by
 * `send()`, the read loop (answers such as KeyUpdate or alerts) and close(). Small sends of one tick
 * are gathered here into one record and one transport write (send-coalescer.ts).
 */
export abstract class SocketWrite extends SocketDelivery {
  /**
   * Set once a transport write failed: from then on no record reaches the peer, so a send() that
   * completes afterwards must reject rather than report bytes as sent that never left.
   */
  protected writeFailed = false;
  /** The `idleTimeoutMs` timer of an established connection, if the option is set. */
  protected readonly idle: IdleTimer | undefined;
  /** The first handshake completed or failed: from then on traffic counts for the idle timer. */
  protected handshakeSettled = false;
  /** The error that ended the connection (set by the read side), if any. */
  protected abstract failure: Error | undefined;
  /** Small sends of this tick, gathered into one record's plaintext (see send-coalescer.ts). */
  protected readonly gathered = new SendCoalescer();
  private flushQueued = false;
  /** Bytes handed to the engine from gathered sends since the last transport write. */
  private unflushed = 0;

  constructor(
    /** The byte stream TLS runs over (TCP, WebSocket, Web Streams, in memory, ...). */
    readonly transport: Transport,
    /** The engine's connection state machine (@sslsocket/handshake), for diagnostics and tests. */
    readonly connection: ClientConnection | ServerConnection,
    /** Which side of the handshake this socket played. */
    readonly role: 'client' | 'server',
    options: SocketPumpOptions,
  ) {
    super(options);
    const idleMs = options.idleTimeoutMs;
    if (idleMs !== undefined) {
      this.idle = new IdleTimer(idleMs, () => {
        // RFC 8446 §6.1: closing an established connection for a local reason is close_notify.
        this.connection.close();
        this.fail(new TimeoutError(`no traffic for ${idleMs} ms (idleTimeoutMs)`));
      });
    }
  }

  /**
   * Gathers a small `send()` (the caller checked it is shorter than a record and the handshake is
   * done): sealed with the other sends of this tick as few records as possible and written in one
   * transport write from a microtask, or at once when a full record's worth of them piled up.
   * Returns the batch's Promise.
   */
  protected gather(data: Uint8Array): Promise<void> {
    if (!this.gathered.fits(data)) {
      this.unflushed += this.gathered.bytes;
      this.pushGathered();
      // A sender that writes many small pieces in one tick: records leave every 64 KiB, so the
      // transport's backpressure is seen (and the output buffer stays bounded) without waiting for
      // the tick to end.
      if (this.unflushed >= 4 * 16 * 1024) void this.flushNow();
    }
    this.gathered.add(data);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => {
        this.flushQueued = false;
        void this.flushNow();
        // The tick's sends are out: an idle connection keeps no send buffer.
        this.gathered.release();
      });
    }
    return this.gathered.promise();
  }

  /**
   * Hands gathered sends to the engine, which seals them (at once with a synchronous provider).
   * Every path that makes the engine write records calls this first, so gathered bytes always go
   * out before a later record (close_notify, KeyUpdate, a flight) in the order they were sent.
   */
  protected pushGathered(): void {
    const data = this.gathered.take();
    if (data === undefined) return;
    if (this.failure !== undefined) {
      this.gathered.detachBatch()?.reject(this.failure);
      return;
    }
    try {
      this.connection.write(data);
    } catch (error) {
      this.gathered.detachBatch()?.reject(error as Error);
      return;
    }
    // An asynchronous seal still reads the gathered buffer: the next sends take a fresh one.
    if (this.connection.sealing) this.gathered.release();
  }

  /**
   * What `sendQueueLimit` counts (send-queue.ts): ciphertext the transport accepted and has not
   * passed to the operating system (`stats.pendingWrite`), plaintext of gathered sends already
   * handed to the engine and not yet written, and gathered sends not yet handed to it. Bytes.
   */
  protected heldOutput(): number {
    return this.transport.stats.pendingWrite + this.unflushed + this.gathered.bytes;
  }

  /** Writes what is gathered, then resolves once the transport drained (or closed, or failed). */
  protected outputRoom(): Promise<void> {
    const written = this.flushNow();
    return written ?? this.transport.drained().catch(() => undefined);
  }

  /** The gathered sends' batch, pushed to the engine, for the flush that writes them to settle. */
  private takeBatch(): SendBatch | undefined {
    this.pushGathered();
    return this.gathered.detachBatch();
  }

  /** Why bytes handed to the engine did not leave: the transport failed or refused the write. */
  protected refusedWrite(): Error {
    return this.failure ?? new SocketStateError('closed', 'the transport refused the write');
  }

  /**
   * The write path of `send()` and the pump: hands the engine's output (every record sealed since
   * the last flush, in one buffer) to the transport in one write, at once, when no asynchronous
   * seal is running, which is always the case with a synchronous provider. Returns a Promise only
   * when there is something to wait for: asynchronous seals, or the transport's backpressure
   * (`write()` returned false; the Promise resolves on drain, as with node streams). Settles the
   * batch of gathered sends it wrote.
   */
  protected flushNow(): Promise<void> | undefined {
    if (this.connection.sealing) return this.flushOutput();
    const batch = this.takeBatch();
    this.unflushed = 0;
    let written: Promise<void> | undefined;
    try {
      const output = this.connection.takeOutput();
      if (output !== null) {
        if (this.idle !== undefined && this.handshakeSettled) this.idle.touch();
        if (!this.transport.write(output)) {
          written = this.transport.drained().catch((error: unknown) => {
            this.writeFailed = true;
            this.fail(error as Error);
          });
        }
      }
    } catch (error) {
      this.writeFailed = true;
      this.fail(error as Error);
    }
    settleBatch(batch, written, () => (this.writeFailed ? this.refusedWrite() : undefined));
    return written;
  }

  /** Sends whatever the engine produced; transport failures end the socket, never escape. */
  protected async flushOutput(): Promise<void> {
    const batch = this.takeBatch();
    this.unflushed = 0;
    try {
      await this.connection.settle();
      const output = this.connection.takeOutput();
      if (output !== null) {
        if (this.handshakeSettled) this.idle?.touch();
        if (!this.transport.write(output)) await this.transport.drained();
      }
    } catch (error) {
      this.writeFailed = true;
      this.fail(error as Error);
    }
    settleBatch(batch, undefined, () => (this.writeFailed ? this.refusedWrite() : undefined));
  }
}
