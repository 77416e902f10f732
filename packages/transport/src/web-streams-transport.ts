import { newStats, type Transport, type TransportAddress, TransportError, type TransportStats } from './transport.js';

/** A duplex made of Web Streams, e.g. what `Deno.connect` or a WebSocketStream gives. */
export interface WebStreamPair {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

class WebStreamsTransport implements Transport {
  readonly stats: TransportStats = newStats();
  readonly closed: Promise<void>;
  readonly remoteAddress: TransportAddress | undefined;
  readonly localAddress: TransportAddress | undefined;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private lastWrite: Promise<void> = Promise.resolve();
  private writeError: Error | undefined;
  private resolveClosed!: () => void;
  private readDone = false;
  private writeDone = false;

  constructor(pair: WebStreamPair, addresses: { remote?: TransportAddress; local?: TransportAddress }) {
    this.reader = pair.readable.getReader();
    this.writer = pair.writable.getWriter();
    this.remoteAddress = addresses.remote;
    this.localAddress = addresses.local;
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  async read(): Promise<Uint8Array | null> {
    if (this.readDone) return null;
    let result: ReadableStreamReadResult<Uint8Array>;
    try {
      result = await this.reader.read();
    } catch (error) {
      throw new TransportError('ECONNRESET', (error as Error).message ?? 'stream error', { cause: error });
    }
    if (result.done) {
      this.readDone = true;
      this.maybeClosed();
      return null;
    }
    this.stats.bytesRead += result.value.length;
    this.stats.reads++;
    return result.value;
  }

  write(data: Uint8Array): boolean {
    if (this.writeDone) throw new TransportError('EPIPE', 'write after close');
    if (this.writeError !== undefined) throw this.writeError;
    this.stats.bytesWritten += data.length;
    this.stats.writes++;
    this.stats.pendingWrite += data.length;
    this.lastWrite = this.writer.write(data).then(
      () => {
        this.stats.pendingWrite -= data.length;
      },
      (error: unknown) => {
        this.writeError = new TransportError('EPIPE', String(error), { cause: error });
      },
    );
    return (this.writer.desiredSize ?? 0) > 0;
  }

  async drained(): Promise<void> {
    await this.writer.ready.catch(() => undefined);
  }

  async closeWrite(): Promise<void> {
    if (this.writeDone) return;
    this.writeDone = true;
    await this.lastWrite;
    await this.writer.close().catch(() => undefined);
    this.maybeClosed();
  }

  async close(): Promise<void> {
    await this.closeWrite();
    await this.reader.cancel().catch(() => undefined);
    this.readDone = true;
    this.maybeClosed();
  }

  destroy(error?: Error): void {
    this.readDone = true;
    this.writeDone = true;
    void this.reader.cancel(error).catch(() => undefined);
    void this.writer.abort(error).catch(() => undefined);
    this.resolveClosed();
  }

  private maybeClosed(): void {
    if (this.readDone && this.writeDone) this.resolveClosed();
  }

  setNoDelay(): void {}
}

/**
 * Adapts a `{ readable, writable }` pair.
 *
 * @example
 * const transport = fromWebStreams(await Deno.connect({ hostname, port }));
 */
export function fromWebStreams(
  pair: WebStreamPair,
  addresses: { remote?: TransportAddress; local?: TransportAddress } = {},
): Transport {
  return new WebStreamsTransport(pair, addresses);
}
