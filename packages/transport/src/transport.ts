/**
 * The Transport contract: a reliable, ordered byte stream with backpressure in both directions. It is
 * sslsocket's counterpart of Erlang's `cb_info` transport callback module.
 * @module
 */

/** An endpoint address. */
export interface TransportAddress {
  readonly address: string;
  readonly port: number;
  readonly family: 'IPv4' | 'IPv6' | string;
}

/** Counters for Erlang `getstat` (recv_oct, recv_cnt, send_oct, send_cnt, send_pend). */
export interface TransportStats {
  bytesRead: number;
  reads: number;
  bytesWritten: number;
  writes: number;
  /**
   * Bytes accepted by `write()` but not yet handed to the operating system (may be a getter that
   * reads the live figure: copy it by name, a spread of the stats skips it).
   */
  pendingWrite: number;
}

/**
 * A reliable byte stream.
 *
 * Reading is pull-based: the underlying source is paused while unread data piles up, which is how
 * backpressure reaches the peer. Writing returns false once the buffered amount passes the
 * high-water mark; the caller then waits for `drained()`.
 */
export interface Transport {
  /** The next chunk, or null at end of stream. Rejects with a TransportError on failure. */
  read(): Promise<Uint8Array | null>;
  /** Queues bytes; false means "above the high-water mark: wait for `drained()`". Takes ownership of `data`. */
  write(data: Uint8Array): boolean;
  /** Resolves when buffered writes fall below the high-water mark. */
  drained(): Promise<void>;
  /** Half-close: no more writes; reading continues. */
  closeWrite(): Promise<void>;
  /** Graceful close of both directions; resolves when released. */
  close(): Promise<void>;
  /** Immediate teardown; pending reads resolve null, or reject when `error` is given. */
  destroy(error?: Error): void;
  /** Resolves once the transport is fully closed (either way). */
  readonly closed: Promise<void>;
  readonly remoteAddress: TransportAddress | undefined;
  readonly localAddress: TransportAddress | undefined;
  readonly stats: TransportStats;
  /** TCP_NODELAY where meaningful (a no-op elsewhere). */
  setNoDelay(enabled: boolean): void;
}

/** A listener whose connections are taken with `accept()` (TCP in `./node`, or any other source). */
export interface TransportListener {
  accept(): Promise<Transport>;
  readonly address: TransportAddress;
  close(): Promise<void>;
  /** Connections waiting for `accept()` right now. */
  readonly queued?: number;
  /** Connections reset on arrival because `maxQueued` were already waiting. */
  readonly refused?: number;
}

/** Transport failures with a stable code. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly code: 'ECONNRESET' | 'ECONNREFUSED' | 'ETIMEDOUT' | 'EPIPE' | 'CLOSED' | 'EOF' | string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function newStats(): TransportStats {
  return { bytesRead: 0, reads: 0, bytesWritten: 0, writes: 0, pendingWrite: 0 };
}
