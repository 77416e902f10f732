import type { Transport, TransportAddress, TransportStats } from '@sslsocket/transport';

/**
 * The transport `close({ downgrade: true })` returns: wholly the caller's. Its first reads return
 * the bytes the socket had already read past the peer's close_notify (Erlang hands them back with
 * the socket), then the result of the socket's own outstanding read (so the caller never meets a
 * busy transport), then the underlying transport's reads. Everything else passes straight through.
 */
export class HandedBackTransport implements Transport {
  private readonly leftover: Uint8Array[];

  constructor(
    private readonly inner: Transport,
    leftover: readonly Uint8Array[],
    /** The underlying stream already ended (after the leftover bytes). */
    private ended: boolean,
    /** A read the socket started and nobody will await any more. */
    private pending: Promise<Uint8Array | null> | undefined,
  ) {
    this.leftover = [...leftover];
  }

  read(): Promise<Uint8Array | null> {
    const next = this.leftover.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.ended) return Promise.resolve(null);
    const pending = this.pending;
    if (pending !== undefined) {
      this.pending = undefined;
      return pending;
    }
    return this.inner.read();
  }

  write(data: Uint8Array): boolean {
    return this.inner.write(data);
  }

  drained(): Promise<void> {
    return this.inner.drained();
  }

  closeWrite(): Promise<void> {
    return this.inner.closeWrite();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  destroy(error?: Error): void {
    this.inner.destroy(error);
  }

  get closed(): Promise<void> {
    return this.inner.closed;
  }

  get remoteAddress(): TransportAddress | undefined {
    return this.inner.remoteAddress;
  }

  get localAddress(): TransportAddress | undefined {
    return this.inner.localAddress;
  }

  get stats(): TransportStats {
    return this.inner.stats;
  }

  setNoDelay(enabled: boolean): void {
    this.inner.setNoDelay(enabled);
  }
}
