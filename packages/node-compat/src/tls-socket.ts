import { X509Certificate } from 'node:crypto';
import type * as net from 'node:net';
import { Duplex } from 'node:stream';
import type { SslSocket } from 'sslsocket';
import { nodeCipher, nodeEphemeralKeyInfo } from './cipher-info.js';
import { nodeError } from './node-errors.js';
import { type NodePeerCertificate, nodeCertificate } from './peer-certificate.js';
import { sessionBuffer } from './session-registry.js';
import type { PeerVerdict, TLSSocketOptions } from './tls-socket-options.js';

export type { PeerVerdict, TLSSocketOptions } from './tls-socket-options.js';

/** Internal: makes a TLSSocket secure. A symbol, so it stays out of the public surface. */
export const kAttach: unique symbol = Symbol('sslsocket.attach');
/** Internal: the handshake failed; the socket is destroyed with the error. */
export const kFail: unique symbol = Symbol('sslsocket.fail');

const toBuffer = (data: Uint8Array): Buffer => Buffer.from(data.buffer, data.byteOffset, data.length);

/**
 * node's `tls.TLSSocket` over sslsocket: a `stream.Duplex` carrying the plaintext, with node's
 * properties and methods (`authorized`, `authorizationError`, `alpnProtocol`, `servername`,
 * `getPeerCertificate(detailed)`, `getCipher()`, `getProtocol()`, `getSession()`,
 * `isSessionReused()`, `exportKeyingMaterial()`, `ref()`/`unref()`, `setTimeout()` with `timeout`
 * events, `setNoDelay()`/`setKeepAlive()` passed to the TCP socket). Events: `connect` (TCP),
 * `secureConnect` (client) or `secure` (server), `session` (a resumable session, as a Buffer for
 * `connect({ session })`), `keylog`, `timeout`, and the Duplex events.
 *
 * Writes made before the handshake completes are held and sent once it does. Created by
 * {@link connect} and by the server for each connection.
 *
 * @example
 * const socket = connect({ host: 'localhost', port: 8443, ca: [pem] }, () => {
 *   console.log(socket.authorized, socket.alpnProtocol, socket.getProtocol());
 * });
 */
export class TLSSocket extends Duplex {
  readonly encrypted = true;
  /** True when the peer's certificate verified against the trusted CAs (and host name, on clients). */
  authorized = false;
  /** Why the peer's certificate did not verify: an OpenSSL verify code such as 'DEPTH_ZERO_SELF_SIGNED_CERT'. */
  authorizationError: string | undefined = undefined;
  /** The ALPN protocol agreed on, or false (RFC 7301). */
  alpnProtocol: string | false = false;
  /** The SNI name the client asked for (server side) or sent (client side); false when none. */
  servername: string | false | undefined = undefined;
  /** True until the TCP connection is up (net.Socket's meaning). */
  connecting: boolean;
  /** The sslsocket connection, once the handshake completed. */
  sslSocket: SslSocket | undefined;
  readonly isServer: boolean;
  private readonly tcp: net.Socket | undefined;
  private ready: Promise<SslSocket>;
  private resolveReady!: (ssl: SslSocket) => void;
  private rejectReady!: (error: Error) => void;
  private peerEnded = false;
  private pausedReading = false;
  private timeoutMs = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private session: Buffer | undefined;
  private localChain: readonly Uint8Array[] = [];
  private trusted: readonly Uint8Array[] = [];
  /** The newest send still handing records to the transport; destroy() lets it finish. */
  private lastSend: Promise<unknown> = Promise.resolve();
  private plaintextRead = 0;
  private plaintextWritten = 0;

  /**
   * @param tcp the TCP socket underneath (for ref/unref, keep-alive, addresses); may be undefined
   *   when the transport is something else.
   */
  constructor(tcp?: net.Socket, options: TLSSocketOptions = {}) {
    super({
      allowHalfOpen: options.allowHalfOpen ?? false,
      ...(options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark }),
    });
    this.tcp = tcp;
    this.isServer = options.isServer === true;
    this.connecting = tcp?.connecting ?? false;
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Whoever writes observes a failed handshake through destroy(); never an unhandled rejection.
    this.ready.catch(() => undefined);
    if (tcp?.connecting === true) {
      tcp.once('connect', () => {
        this.connecting = false;
        this.emit('connect');
      });
    }
  }

  /** Internal: the handshake completed on `ssl`. */
  [kAttach](ssl: SslSocket, verdict: PeerVerdict): void {
    if (this.destroyed) {
      void ssl.close({ timeoutMs: 0 }).catch(() => undefined);
      return;
    }
    this.sslSocket = ssl;
    this.connecting = false;
    this.authorized = verdict.authorized;
    this.authorizationError = verdict.authorizationError;
    this.localChain = verdict.localChain ?? [];
    this.trusted = verdict.trusted ?? [];
    const info = ssl.connectionInformation();
    this.alpnProtocol = info.alpn ?? false;
    this.servername = info.sniHostname ?? false;
    ssl.on('data', (data) => {
      this.touch();
      this.plaintextRead += data.length;
      if (!this.push(toBuffer(data))) {
        this.pausedReading = true;
        ssl.setopts({ active: false });
      }
    });
    ssl.on('closed', () => {
      this.peerEnded = true;
      this.push(null);
      // As net.Socket does at EOF: read(0) lets 'end' fire when nothing is left unread, even
      // while the application never reads. Without it an idle socket never ends, so (without
      // allowHalfOpen) it never ends its own side nor releases the TCP socket, and the server's
      // close() waits for that connection forever.
      this.read(0);
    });
    ssl.on('error', (error) => {
      // After the peer's close, a failed write of our own close_notify is no news to anyone.
      if (!this.peerEnded) this.destroy(nodeError(error));
    });
    ssl.on('session', (session) => {
      this.session = sessionBuffer(session);
      this.emit('session', this.session);
    });
    for (const session of ssl.savedSessions) this.session = sessionBuffer(session);
    this.resolveReady(ssl);
    ssl.setopts({ active: true });
    this.touch();
  }

  /** Internal: the handshake failed. */
  [kFail](error: Error): void {
    this.rejectReady(error);
    this.destroy(error);
  }

  override _read(): void {
    // Only a socket this stream paused is resumed: setopts({ active: true }) re-announces a close.
    if (!this.pausedReading) return;
    this.pausedReading = false;
    this.sslSocket?.setopts({ active: true });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.plaintextWritten += chunk.length;
    const send = (ssl: SslSocket): void => {
      const sending = ssl.send(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      this.lastSend = sending.catch(() => undefined);
      sending.then(
        () => {
          this.touch();
          callback();
        },
        (error: unknown) => callback(nodeError(error)),
      );
    };
    if (this.sslSocket !== undefined) send(this.sslSocket);
    else this.ready.then(send, (error: Error) => callback(error));
  }

  override _writev(
    chunks: { chunk: Buffer; encoding: BufferEncoding }[],
    callback: (error?: Error | null) => void,
  ): void {
    // One send for everything queued (HTTP headers and body): fewer, fuller records.
    this._write(Buffer.concat(chunks.map((c) => c.chunk)), 'binary', callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.ready.then(
      (ssl) =>
        ssl.shutdown('write').then(
          () => callback(),
          (error: unknown) => callback(this.peerEnded ? null : nodeError(error)),
        ),
      () => callback(),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.clearTimer();
    this.rejectReady(error ?? new Error('socket destroyed before the handshake completed'));
    // Records of a write already accepted still leave (an HTTP 408 written just before destroy(),
    // as node's socket hands them to the kernel at once); nothing after them does.
    const ssl = this.sslSocket;
    void this.lastSend.then(() => {
      ssl?.transport.destroy();
      this.tcp?.destroy();
    });
    callback(error);
  }

  /** net.Socket's `resetAndDestroy()`: the TCP connection ends with a RST (no close_notify), then destroy(). */
  resetAndDestroy(): this {
    if (this.tcp !== undefined && !this.tcp.destroyed) this.tcp.resetAndDestroy();
    return this.destroy();
  }

  /** The peer's certificate in node's shape; `{}` when it sent none, null before the handshake. */
  getPeerCertificate(detailed = false): NodePeerCertificate | Record<string, never> | null {
    if (this.sslSocket === undefined) return null;
    return nodeCertificate(this.sslSocket.peerCertificateChain(), detailed, this.trusted) ?? {};
  }

  /** Our own certificate in node's shape; `{}` when we sent none. */
  getCertificate(): NodePeerCertificate | Record<string, never> | null {
    if (this.sslSocket === undefined) return null;
    return nodeCertificate(this.localChain, false) ?? {};
  }

  /** The peer's leaf as node's X509Certificate. */
  getPeerX509Certificate(): X509Certificate | undefined {
    const der = this.sslSocket?.peercert();
    return der === undefined ? undefined : new X509Certificate(der);
  }

  getX509Certificate(): X509Certificate | undefined {
    const der = this.localChain[0];
    return der === undefined ? undefined : new X509Certificate(der);
  }

  /** `{ name, standardName, version }`: OpenSSL's and the RFC's suite names, the suite's minimum version. */
  getCipher(): { name: string; standardName: string; version: string } | null {
    if (this.sslSocket === undefined) return null;
    return nodeCipher(this.sslSocket);
  }

  /** 'TLSv1.3' or 'TLSv1.2'; null before the handshake. */
  getProtocol(): string | null {
    if (this.sslSocket === undefined) return null;
    return this.sslSocket.connectionInformation().protocol === 'tlsv1.3' ? 'TLSv1.3' : 'TLSv1.2';
  }

  /** The key exchange, as node reports it to clients: `{ type: 'ECDH', name: 'X25519', size: 253 }`. */
  getEphemeralKeyInfo(): { type?: string; name?: string; size?: number } | null {
    if (this.sslSocket === undefined) return null;
    if (this.isServer) return {};
    return nodeEphemeralKeyInfo(this.sslSocket);
  }

  /** The latest resumable session (a Buffer for `connect({ session })`), or undefined. */
  getSession(): Buffer | undefined {
    return this.session;
  }

  /** Whether this connection resumed a session. */
  isSessionReused(): boolean {
    return this.sslSocket?.connectionInformation().sessionResumption ?? false;
  }

  /** RFC 5705 / RFC 8446 §7.5 exporter, with node's argument order. */
  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Buffer {
    if (this.sslSocket === undefined) throw nodeError(new Error('the handshake has not completed'));
    return toBuffer(this.sslSocket.exportKeyingMaterial(label, context, length));
  }

  /** TLS 1.2 renegotiation (RFC 5746); the callback gets an error when the peer declines. */
  renegotiate(_options: unknown, callback?: (error: Error | null) => void): boolean {
    const ssl = this.sslSocket;
    if (ssl === undefined) return false;
    ssl.renegotiate().then(
      () => callback?.(null),
      (error: unknown) => callback?.(nodeError(error)),
    );
    return true;
  }

  /** Accepted for ported code: sslsocket's record size follows RFC 8449 `recordSizeLimit`. */
  setMaxSendFragment(_size: number): boolean {
    return false;
  }

  /** Accepted for ported code: use the `keylog` event or `-msg` in the CLI. */
  enableTrace(): void {}

  /** Idle timeout (ms, 0 = none): `timeout` is emitted after that long without data either way. */
  setTimeout(ms: number, callback?: () => void): this {
    this.timeoutMs = ms;
    if (callback !== undefined) {
      if (ms === 0) this.off('timeout', callback);
      else this.once('timeout', callback);
    }
    this.touch();
    return this;
  }

  get timeout(): number | undefined {
    return this.timeoutMs === 0 ? undefined : this.timeoutMs;
  }

  private touch(): void {
    this.clearTimer();
    if (this.timeoutMs <= 0 || this.destroyed) return;
    this.timer = setTimeout(() => this.emit('timeout'), this.timeoutMs);
    // As node's socket timers: an idle timeout never keeps the process alive by itself.
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  setNoDelay(noDelay = true): this {
    this.tcp?.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable = false, initialDelay = 0): this {
    this.tcp?.setKeepAlive(enable, initialDelay);
    return this;
  }

  ref(): this {
    this.tcp?.ref();
    return this;
  }

  unref(): this {
    this.tcp?.unref();
    return this;
  }

  address(): net.AddressInfo | Record<string, never> {
    return (this.tcp?.address() as net.AddressInfo | undefined) ?? {};
  }

  get remoteAddress(): string | undefined {
    return this.tcp?.remoteAddress ?? this.sslSocket?.peername()?.address;
  }

  get remotePort(): number | undefined {
    return this.tcp?.remotePort ?? this.sslSocket?.peername()?.port;
  }

  get remoteFamily(): string | undefined {
    return this.tcp?.remoteFamily ?? this.sslSocket?.peername()?.family;
  }

  get localAddress(): string | undefined {
    return this.tcp?.localAddress ?? this.sslSocket?.sockname()?.address;
  }

  get localPort(): number | undefined {
    return this.tcp?.localPort ?? this.sslSocket?.sockname()?.port;
  }

  /** Plaintext bytes received (node's HTTP server reads these counters). */
  get bytesRead(): number {
    return this.plaintextRead;
  }

  /** Plaintext bytes written. */
  get bytesWritten(): number {
    return this.plaintextWritten;
  }

  get pending(): boolean {
    return this.connecting;
  }

  get readyState(): string {
    if (this.connecting) return 'opening';
    if (this.readable && this.writable) return 'open';
    if (this.readable) return 'readOnly';
    if (this.writable) return 'writeOnly';
    return 'closed';
  }
}
