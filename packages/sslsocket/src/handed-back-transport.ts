import type { Transport, TransportAddress, TransportStats } from '@sslsocket/transport';

/**
 * Bytes read from the transport after the peer's close_notify: not TLS any more (RFC 8446 §6.1,
 * RFC 5246 §7.2.1: ignored by TLS), kept for `close({ downgrade })`, where they are the start of the
 * plaintext protocol.
 */
export class AfterCloseBytes {
  readonly chunks: Uint8Array[] = [];
  bytes = 0;
  /** The transport ended after them (what the downgraded transport's reader sees next). */
  ended = false;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  /** Wraps `inner` for the caller, with these bytes first, and forgets them. */
  handBack(inner: Transport, pending: Promise<Uint8Array | null> | undefined): HandedBackTransport {
    const transport = new HandedBackTransport(inner, this.chunks, this.ended, pending);
    this.chunks.length = 0;
    this.bytes = 0;
    return transport;
  }
}

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
