import type { ClientConnection, ServerConnection } from '@sslsocket/handshake';
import type { Transport } from '@sslsocket/transport';
import { TimeoutError } from './errors.js';
import { IdleTimer } from './idle-timer.js';
import { SocketDelivery, type SocketPumpOptions } from './socket-delivery.js';

/**
 * The write path of an {@link SslSocket}: hands what the engine sealed to the transport, honours
 * the transport's backpressure, and remembers a failed write so later sends reject. Shared by
 * `send()`, the read loop (answers such as KeyUpdate or alerts) and close().
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

  constructor(
    readonly transport: Transport,
    readonly connection: ClientConnection | ServerConnection,
    readonly role: 'client' | 'server',
    options: SocketPumpOptions,
  ) {
    super(options);
    const idleMs = options.idleTimeoutMs;
    if (idleMs !== undefined) {
      this.idle = new IdleTimer(idleMs, () =>
        this.fail(new TimeoutError(`no traffic for ${idleMs} ms (idleTimeoutMs)`)),
      );
    }
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
}
