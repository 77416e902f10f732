import type { ClientConnection, ConnectionConfig, ServerConnection } from '@sslsocket/handshake';
import { TlsAlert } from '@sslsocket/suites';
import type { Transport } from '@sslsocket/transport';
import { SocketStateError, TimeoutError } from './errors.js';
import { WHOLE_CHUNK } from './inbox.js';
import { framePacket, isFramed, PacketFramer, type PacketMode } from './packet-framing.js';
import { STAGE_LIMIT } from './send-coalescer.js';
import { DEFAULT_SEND_QUEUE_LIMIT, SendQueue, sendAllowance } from './send-queue.js';
import { SocketInfo } from './socket-info.js';
import type { ActiveMode } from './socket-options.js';
import type { SocketPumpOptions } from './socket-pump.js';
import { validateSocketOptions } from './validate-options.js';

/** What `send()` returns when nothing is left to wait for: one shared, already-resolved Promise. */
const SENT: Promise<void> = Promise.resolve();

export type { ConnectionInformation, InformationItem, SecretInformationItem } from './connection-information.js';
export type { HelloExtensions, PeerClose, SslSocketEvents } from './socket-events.js';

/**
 * A TLS connection over any {@link Transport}: Erlang's `sslsocket()`. Created by `connect()`,
 * `transportAccept()` + `handshake()`; reads in passive mode with `recv()` or the async iterator,
 * or in active mode through `data` events.
 */
export class SslSocket extends SocketInfo {
  /**
   * Sends waiting for the transport to drain below `sendQueueLimit`: made the first time a send
   * must wait, so the many connections that never fill their output keep none (#17).
   */
  private waitingSends: SendQueue | undefined;
  private readonly sendQueueLimit: number;

  constructor(
    transport: Transport,
    connection: ClientConnection | ServerConnection,
    role: 'client' | 'server',
    options: SocketPumpOptions,
  ) {
    super(transport, connection, role, options);
    this.sendQueueLimit = options.sendQueueLimit ?? DEFAULT_SEND_QUEUE_LIMIT;
  }

  private get sendQueue(): SendQueue {
    this.waitingSends ??= new SendQueue(
      { held: () => this.heldOutput(), room: () => this.outputRoom() },
      this.sendQueueLimit,
    );
    return this.waitingSends;
  }

  /** A send must wait (send-queue.ts): earlier sends wait, or the socket holds the limit already. */
  private get sendBlocks(): boolean {
    return this.waitingSends?.blocks ?? this.heldOutput() >= this.sendQueueLimit;
  }

  /**
   * Erlang `ssl:recv/2,3` in passive mode: `length` 0 returns whatever is available (at least one
   * byte); N waits for exactly N bytes. Rejects with SocketStateError('closed') at end of stream
   * (SocketStateError('truncated') when the stream ended without close_notify and the socket has
   * `unexpectedEof: 'error'`) and TimeoutError after `timeoutMs`.
   *
   * @example
   * const reply = await socket.recv(0, 5000);
   */
  recv(length = 0, timeoutMs?: number): Promise<Uint8Array> {
    if (this.isActive)
      return Promise.reject(new SocketStateError('einval', 'recv() is for passive mode (active: false)'));
    if (this.inbox.hasWaiter) return Promise.reject(new SocketStateError('einval', 'another recv() is pending'));
    if (!Number.isInteger(length) || length < 0)
      return Promise.reject(new SocketStateError('einval', 'length must be a non-negative integer'));
    // Erlang: the length "is only meaningful when the socket is in raw mode"; framed modes read a packet.
    const unit = this.framer === undefined ? length : WHOLE_CHUNK;
    if (this.inbox.has(unit)) return Promise.resolve(this.inbox.takeUnit(unit));
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const closed = this.closedError();
    if (closed !== undefined) return Promise.reject(closed);
    return this.inbox.wait(unit, timeoutMs);
  }

  /**
   * Erlang `ssl:send/2`: resolves once the records are handed to the transport. A send of at least
   * 16 KiB is sealed and written before `send` returns (past `sendQueueLimit`, the part that fits;
   * the rest as the transport drains, before any later send); smaller sends issued in the same tick are
   * gathered and sealed together into as few records as possible (RFC 8446 §5.1: record boundaries
   * carry no meaning for application data), handed to the transport in one write from a microtask,
   * and share one Promise. The Promise resolves once that write is done (on drain when the
   * transport pushes back) and rejects with the connection's error when the records could not be
   * handed over (the transport failed or was closed): a send never reports bytes as sent that never
   * left. Bytes keep their order across sends of any size and with close(), updateKeys() and the
   * other calls that write records.
   *
   * @example
   * for (const line of lines) void socket.send(line); // one record, one transport write
   * await socket.send('done\n');
   */
  send(data: Uint8Array | string): Promise<void> {
    // sendQueueLimit: past it, sends wait in order for the transport to drain (send-queue.ts).
    if (this.sendBlocks && this.failure === undefined && !this.closedLocally) {
      return this.sendQueue.enqueue(data.length, () => this.sendNow(data));
    }
    return this.sendNow(data);
  }

  private sendNow(data: Uint8Array | string): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closedLocally) return Promise.reject(new SocketStateError('closed', 'send after close'));
    let framed: Uint8Array;
    try {
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      // Erlang {packet, 1 | 2 | 4} puts the length header on every send.
      framed = framePacket(this.packetMode, bytes);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.sendFramed(framed);
  }

  /** Seals framed bytes: gathered when small, else at once, in parts past `sendQueueLimit`. */
  private sendFramed(framed: Uint8Array): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closedLocally) return Promise.reject(new SocketStateError('closed', 'send after close'));
    if (framed.length < STAGE_LIMIT && this.parameters !== undefined) return this.gather(framed);
    // sendQueueLimit counts sealed records too: what does not fit now waits at the head of the
    // queue (before the handshake the engine only holds the bytes, so they go whole).
    const allowed =
      this.parameters === undefined ? framed.length : sendAllowance(this.sendQueueLimit, this.heldOutput());
    if (framed.length <= allowed) return this.sealNow(framed);
    const first = this.sealNow(framed.subarray(0, allowed));
    const rest = framed.subarray(allowed);
    const later = this.sendQueue.enqueueFirst(rest.length, () => this.sendFramed(rest));
    return Promise.all([first, later]).then(() => undefined);
  }

  private sealNow(framed: Uint8Array): Promise<void> {
    try {
      // Gathered sends of this tick go first, then this one: all in the one write below.
      this.pushGathered();
      this.connection.write(framed);
    } catch (error) {
      return Promise.reject(error);
    }
    const flushed = this.flushNow();
    if (this.writeFailed) return Promise.reject(this.refusedWrite());
    if (flushed === undefined) return SENT;
    return flushed.then(() => {
      if (this.writeFailed) throw this.refusedWrite();
    });
  }

  /**
   * Erlang `setopts`: the active mode can change at any time (buffered data is delivered at once),
   * and so can `packet` / `packetSize` (unread raw bytes and an unfinished packet are cut again in
   * the new mode; packets already complete stay as they were).
   *
   * @example
   * socket.setopts({ packet: 2, active: 'once' }); // one 2-byte-length-prefixed message as one event
   */
  setopts(options: { active?: ActiveMode; packet?: PacketMode; packetSize?: number }): void {
    validateSocketOptions(options);
    if (options.packet !== undefined || options.packetSize !== undefined) this.reframe(options);
    if (options.active === undefined) return;
    const previous = this.activeMode;
    this.activeMode =
      typeof options.active === 'number' && typeof previous === 'number' ? previous + options.active : options.active;
    while (this.isActive && this.inbox.head !== undefined) {
      this.deliver(this.framer === undefined ? this.inbox.take(0) : this.inbox.takeChunk());
    }
    this.announceClosed();
    this.inbox.wake();
  }

  private reframe(options: { packet?: PacketMode; packetSize?: number }): void {
    // Unread raw bytes are not messages yet: a switch to framing cuts them too, as Erlang re-parses
    // its buffer; packets a framed mode already completed stay whole.
    const rest = this.framer?.takeRest() ?? (this.inbox.bytes > 0 ? this.inbox.take(0) : undefined);
    this.packetMode = options.packet ?? this.packetMode;
    this.packetSize = options.packetSize ?? this.packetSize;
    this.framer = isFramed(this.packetMode) ? new PacketFramer(this.packetMode, this.packetSize) : undefined;
    if (rest === undefined || rest.length === 0) return;
    if (this.framer === undefined) this.deliver(rest);
    else {
      this.framer.push(rest);
      this.deliverPackets();
    }
  }

  /** Erlang `getopts`: the socket options that can change after the handshake. */
  getopts(): { active: ActiveMode; packet: PacketMode; packetSize: number } {
    return { active: this.activeMode, packet: this.packetMode, packetSize: this.packetSize };
  }

  /**
   * Passive reads as an async iterator: `for await (const chunk of socket)`. Ends at close; throws
   * SocketStateError('truncated') instead when the stream ended without close_notify and the socket
   * has `unexpectedEof: 'error'`.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      // Buffered records are handed over one by one as the engine produced them: recv(0) would
      // copy them all into one array, a copy an iterator's consumer has no use for.
      const head = this.isActive ? undefined : this.inbox.head;
      if (head !== undefined) {
        yield this.inbox.takeChunk();
        continue;
      }
      try {
        yield await this.recv(0);
      } catch (error) {
        if (error instanceof SocketStateError && error.reason === 'closed') return;
        throw error;
      }
    }
  }

  /**
   * Erlang `ssl:close/1,2`: sends close_notify and closes the transport. With `downgrade`, waits for
   * the peer's close_notify and returns the transport for plain use (Erlang's {NewController, Timeout}):
   * the returned transport is wholly the caller's, and its first reads return any bytes the socket
   * had already read past the peer's close_notify. Rejects with TimeoutError when the peer does not
   * answer within `timeoutMs` (default 5000).
   *
   * @example
   * const plain = await socket.close({ downgrade: true }); // STARTTLS-style "back to plain text"
   * const next = await plain?.read();
   */
  async close(options: { timeoutMs?: number; downgrade?: boolean } = {}): Promise<Transport | undefined> {
    if (options.downgrade === true) this.downgrading = true;
    const timeoutMs = options.timeoutMs ?? 5000;
    // Every wait below is bounded by timeoutMs: a peer that never reads (drained() and the FIN
    // would wait forever) or never answers must not keep close() pending.
    let flushed = Promise.resolve();
    // Sends still waiting for the transport go out before close_notify, within timeoutMs.
    if (this.sendBlocks) await waitOrTimeout(this.sendQueue.emptied(), timeoutMs);
    if (!this.closedLocally && this.failure === undefined) {
      this.closedLocally = true;
      this.pushGathered();
      this.connection.close();
      flushed = this.flushOutput();
    }
    if (options.downgrade === true) {
      const timedOut = await waitOrTimeout(
        flushed.then(() => this.peerClosedOrFailed()),
        timeoutMs,
      );
      if (timedOut) throw new TimeoutError('the peer did not answer close_notify');
      if (this.failure !== undefined) throw this.failure;
      this.idle?.stop();
      return this.handBack();
    }
    await waitOrTimeout(
      flushed.then(() => this.transport.closeWrite().catch(() => undefined)).then(() => this.peerClosedOrFailed()),
      timeoutMs,
    );
    this.idle?.stop();
    // A failed socket's linger releases the transport itself, once its alert had time to arrive.
    if (this.linger === undefined || this.linger.ended) this.transport.destroy();
    return undefined;
  }

  /** Gives the transport up: the read loop stops, its outstanding read and post-close bytes go along. */
  private handBack(): Transport {
    this.handedBack = true;
    const transport = this.afterClose.handBack(this.transport, this.pendingRead);
    // A read loop paused on post-close bytes sees `handedBack` and ends without reading again.
    this.inbox.wake();
    return transport;
  }

  /** Erlang `ssl:shutdown/2`: 'write' sends close_notify (half-close); 'read' stops delivering data. */
  async shutdown(how: 'read' | 'write' | 'readWrite'): Promise<void> {
    if (how === 'read' || how === 'readWrite') {
      this.inbox.clear();
      this.peerClosed = true;
    }
    if ((how === 'write' || how === 'readWrite') && !this.closedLocally) {
      this.closedLocally = true;
      this.pushGathered();
      this.connection.close();
      await this.flushOutput();
      await this.transport.closeWrite().catch(() => undefined);
    }
  }

  /**
   * Erlang `handshake_continue/2,3`: resumes a handshake paused by `handshake: 'hello'`, with extra
   * engine settings chosen from the hello (e.g. a certificate for the requested name).
   */
  async continueHandshake(extra: Partial<ConnectionConfig>): Promise<void> {
    this.connection.continue(extra);
    await this.flushOutput();
    this.dispatchEvents();
  }

  /**
   * The handshake ran out of time (`handshakeTimeoutMs`): it is abandoned with user_canceled +
   * close_notify (RFC 8446 §6.1: canceled for a reason that is no protocol failure), flushed, and
   * the transport closed after a bounded linger. A socket that already failed is left as it is.
   */
  abortHandshake(error: Error): void {
    if (this.failure !== undefined) return;
    try {
      this.connection.cancel(error.message);
    } catch {
      // The handshake completed or failed meanwhile: nothing to cancel, fail() still ends it.
    }
    this.fail(error);
  }

  /** Erlang `handshake_cancel/1`: aborts a paused handshake with user_canceled. */
  async cancelHandshake(): Promise<void> {
    this.connection.cancel();
    await this.flushOutput();
    this.dispatchEvents();
    this.transport.destroy();
  }

  /** Erlang `update_keys/2`: 'write' updates our keys, 'readWrite' asks the peer to update too. */
  async updateKeys(type: 'write' | 'readWrite'): Promise<void> {
    this.requireParameters();
    this.pushGathered();
    this.connection.keyUpdate(type === 'readWrite');
    await this.flushOutput();
  }

  /**
   * Erlang `renegotiate/1` (TLS 1.2, RFC 5746): resolves when the new handshake completes; rejects
   * when the peer declines (a no_renegotiation warning) or fails. TLS 1.3 has none: use updateKeys.
   */
  async renegotiate(): Promise<void> {
    const p = this.requireParameters();
    if (p.version === 'tlsv1.3')
      throw new TlsAlert('protocol_version', 'TLS 1.3 has no renegotiation; use updateKeys()');
    this.pushGathered();
    const done = this.requests.renegotiate(this.connection);
    await this.flushOutput();
    return done;
  }

  /**
   * RFC 8446 §4.6.2 post-handshake client authentication (server, TLS 1.3): sends a
   * CertificateRequest and resolves with the client's chain (DER, leaf first) once its Certificate,
   * CertificateVerify and Finished checked out; `peercert()` then returns the new leaf. Resolves with
   * an empty list when the client declines (unless `failIfNoPeerCert`, which fails the connection
   * with certificate_required). Rejects with SocketStateError('einval') when the client did not offer
   * post_handshake_auth (OpenSSL `-enable_pha`, our `postHandshakeAuth`), on a client, or in TLS 1.2
   * (use `renegotiate()` there); with the alert when the chain is refused.
   *
   * @example
   * const chain = await socket.requestClientCertificate();
   * console.log(socket.peerCertificate()?.subject);
   */
  async requestClientCertificate(): Promise<readonly Uint8Array[]> {
    const p = this.requireParameters();
    if (this.role !== 'server') throw new SocketStateError('einval', 'only a server requests a client certificate');
    if (p.version !== 'tlsv1.3')
      throw new SocketStateError('einval', 'post-handshake authentication is TLS 1.3; use renegotiate() in TLS 1.2');
    this.pushGathered();
    const done = this.requests.requestCertificate(this.connection as ServerConnection);
    await this.flushOutput();
    return done;
  }
}

async function waitOrTimeout(promise: Promise<void>, timeoutMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), timeoutMs);
  });
  const result = await Promise.race([promise.then(() => false), timeout]);
  clearTimeout(timer);
  return result;
}
