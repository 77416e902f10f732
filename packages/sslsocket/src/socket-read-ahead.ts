/**
 * Reading on while the engine opens records asynchronously (WebCrypto). The read loop hands the
 * engine one transport chunk, and with an asynchronous provider `receive()` stays pending while the
 * chunk's records are decrypted. Meanwhile the next chunks are usually already there: fed to the
 * engine at once (receive() only appends them while it is busy), their complete records join the
 * record reader's open window, so more records are in flight at once (RecordReaderOptions.openWindow)
 * and WebCrypto's thread pool is not left idle between chunks.
 *
 * Order and failures are the engine's: records are still opened, checked and delivered in order,
 * one that fails to open is still `bad_record_mac` at its position, and nothing after a failure or
 * a close_notify is delivered (the engine drops bytes fed after either). Bounded: at most
 * `limit` bytes are fed ahead per busy period, and nothing while the socket must pause for its reader.
 * @module
 */

/** Resolves a race when the engine settled first. */
const SETTLED: unique symbol = Symbol('settled');
/** Resolves a race when the transport read failed; the read itself carries the error. */
const FAILED: unique symbol = Symbol('failed');

/** Default bytes fed ahead per busy period: sixteen full records, the reader's default open window. */
export const READ_AHEAD_LIMIT = 16 * 16 * 1024;

export class ReadAhead {
  /** A read started here that the read loop must consume next (settled or still pending). */
  private carried: Promise<Uint8Array | null> | undefined;

  /**
   * @param read the transport's `read()`
   * @param allowed whether a chunk may go to the engine now (established, not failed or closed,
   *   no backpressure)
   * @param feed hands a chunk to the engine as the read loop would (its receive() is busy)
   */
  constructor(
    private readonly read: () => Promise<Uint8Array | null>,
    private readonly allowed: () => boolean,
    private readonly feed: (chunk: Uint8Array) => void,
    private readonly limit = READ_AHEAD_LIMIT,
  ) {}

  /** The read the loop must take next instead of starting its own, if one was started here. */
  take(): Promise<Uint8Array | null> | undefined {
    const carried = this.carried;
    this.carried = undefined;
    return carried;
  }

  /** Waits for `busy` (the engine's pending receive()), feeding chunks that arrive meanwhile. */
  async whileBusy(busy: Promise<void>): Promise<void> {
    let settled = false;
    const done = busy.then(
      (): typeof SETTLED => {
        settled = true;
        return SETTLED;
      },
      (): typeof SETTLED => {
        settled = true;
        return SETTLED;
      },
    );
    let fed = 0;
    while (fed < this.limit && this.allowed()) {
      const read = this.read();
      const first = await Promise.race([
        done,
        read.then(
          (chunk) => chunk,
          (): typeof FAILED => FAILED,
        ),
      ]);
      if (first === SETTLED) {
        // The engine caught up first: the read loop takes this read over.
        this.carried = read;
        return;
      }
      if (first === FAILED || first === null || settled || !this.allowed()) {
        // The end of the stream, an error, or a state that no longer takes bytes: the read loop
        // handles it in its turn, after the engine settled.
        this.carried = read;
        break;
      }
      fed += first.length;
      this.feed(first);
    }
    await busy;
  }
}
