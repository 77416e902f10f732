/**
 * The public sans-IO engine: {@link ClientConnection} and {@link ServerConnection}. Feed received
 * bytes to `receive()`, send what `takeOutput()` returns, and read `takeEvents()` (or listen with
 * `on()`). Nothing here touches a socket or a clock.
 * @module
 */
import type { MaybePromise, TlsAlert } from '@sslsocket/suites';
import type { ConnectionConfig } from './config.js';
import { ConnectionCore } from './core.js';
import { ConnectionStateError } from './errors.js';
import type { ConnectionEvent } from './events.js';
import { erlangPrf } from './tls12/keys.js';
import { ClientStart } from './tls13/client.js';
import { ExpectClientHello } from './tls13/server.js';
import { ServerHandshake } from './tls13/server-handshake.js';

/** What both sides offer. */
export abstract class Connection {
  protected readonly core: ConnectionCore;

  protected constructor(core: ConnectionCore) {
    this.core = core;
  }

  /**
   * Feeds bytes received from the peer. Never throws: protocol failures queue a fatal alert in the
   * output and an `error` event. Returns a Promise only while an asynchronous provider or hook runs.
   */
  receive(bytes: Uint8Array): MaybePromise<void> {
    return this.core.receive(bytes);
  }

  /** Queues application data (buffered until the handshake completes). Throws after close/failure. */
  write(data: Uint8Array): void {
    this.core.write(data);
  }

  /** Sends close_notify; the peer may keep sending until it closes too (half-close). */
  close(): void {
    this.core.close();
  }

  /** Sends a KeyUpdate; `requestPeer` asks the peer to update its keys too (RFC 8446 §4.6.3). */
  keyUpdate(requestPeer: boolean): void {
    if (this.core.version === 'tlsv1.2') {
      throw new ConnectionStateError('KeyUpdate is TLS 1.3 only; TLS 1.2 rekeys by renegotiate()');
    }
    try {
      if (this.core.request({ type: 'keyUpdate', requestPeer }) === false) {
        throw new ConnectionStateError('KeyUpdate before the handshake completed');
      }
    } catch (e) {
      if (e instanceof ConnectionStateError) throw e;
      this.core.fail(e);
    }
  }

  /**
   * After close_notify: the bytes that followed it in what was fed to `receive()`, which TLS
   * ignores (RFC 8446 §6.1) and a plaintext downgrade hands to the application. Empty otherwise.
   */
  takeUnread(): Uint8Array {
    return this.core.readClosed ? this.core.record.takeUnread() : new Uint8Array(0);
  }

  /** Bytes to send to the peer, or null when there is nothing (or sealing is still running). */
  takeOutput(): Uint8Array | null {
    return this.core.takeOutput();
  }

  /**
   * True while records are still being sealed asynchronously (WebCrypto): `takeOutput()` then
   * returns null until `settle()` resolves. Always false with a synchronous provider.
   */
  get sealing(): boolean {
    return this.core.sealingInProgress;
  }

  /** Waits for asynchronous record sealing (a no-op with synchronous providers). */
  settle(): Promise<void> {
    return this.core.settle();
  }

  /** Events since the last call, oldest first. */
  takeEvents(): ConnectionEvent[] {
    return this.core.takeEvents();
  }

  /** Also delivers every event to `listener` as it happens. */
  on(listener: (event: ConnectionEvent) => void): void {
    this.core.on(listener);
  }

  /**
   * `handshake: 'hello'`: resumes after the `hello` event, with extra options merged into the
   * configuration (e.g. a certificate chosen from the ClientHello).
   *
   * @example
   * conn.on((e) => { if (e.type === 'hello') conn.continue({ alpn: ['h2'] }); });
   */
  continue(extra: Partial<ConnectionConfig> = {}): void {
    this.core.continueHandshake(extra);
  }

  /**
   * Abandons the handshake — paused by `handshake: 'hello'` or still running (a handshake timeout)
   * — with user_canceled + close_notify (RFC 8446 §6.1). Throws ConnectionStateError once the
   * handshake completed or failed.
   */
  cancel(reason?: string): void {
    this.core.cancelHandshake(reason);
  }

  get handshakeComplete(): boolean {
    return this.core.handshakeComplete;
  }

  /** The fatal alert that ended the connection, if any. */
  get error(): TlsAlert | undefined {
    return this.core.failed;
  }

  /** True once close_notify was received. */
  get readClosed(): boolean {
    return this.core.readClosed;
  }

  /** True once we sent close_notify or a fatal alert. */
  get writeClosed(): boolean {
    return this.core.writeClosed;
  }

  /** The name of the current handshake state (for tests and diagnostics). */
  get stateName(): string {
    return this.core.state.name;
  }

  /**
   * RFC 8446 §7.5 / RFC 5705 exporter.
   *
   * @example
   * const key = conn.exportKeyingMaterial('EXPORTER-my-proto', new Uint8Array(0), 32);
   */
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    const secrets = this.core.secrets;
    if (secrets === undefined) throw new ConnectionStateError('exporter before the handshake');
    return secrets.exportKeyingMaterial(label, context, length);
  }

  /** TLS 1.2 randoms and master secret (Erlang connection_information secrets), once known. */
  secrets12(): { clientRandom: Uint8Array; serverRandom: Uint8Array; masterSecret: Uint8Array } | undefined {
    const keys = this.core.secrets?.masterKeys;
    if (keys === undefined) return undefined;
    return { clientRandom: keys.clientRandom, serverRandom: keys.serverRandom, masterSecret: keys.masterSecret };
  }

  /** The negotiated protocol version, once known. */
  get version(): 'tlsv1.3' | 'tlsv1.2' | undefined {
    return this.core.version;
  }

  /**
   * Erlang `ssl:prf/5` (TLS 1.2 only): PRF(master_secret, label, seed, length) where the seed
   * concatenates literal bytes and the randoms.
   *
   * @example
   * conn.prf(utf8('my label'), ['clientRandom', 'serverRandom'], 32);
   */
  prf(
    label: Uint8Array,
    seed: readonly (Uint8Array | 'clientRandom' | 'serverRandom')[],
    length: number,
    secret: Uint8Array | 'masterSecret' = 'masterSecret',
  ): Uint8Array {
    const keys = this.core.secrets?.masterKeys;
    if (this.core.version !== 'tlsv1.2' || keys === undefined) {
      throw new ConnectionStateError('prf is defined for TLS 1.2 connections only; use exportKeyingMaterial');
    }
    return erlangPrf(this.core.provider, keys, label, seed, length, secret);
  }

  /**
   * TLS 1.2 renegotiation (RFC 5746): a client sends a new ClientHello; a server sends HelloRequest.
   * Data keeps flowing under the current keys until the new handshake completes.
   */
  renegotiate(): void {
    if (this.core.request('renegotiate') !== false) return;
    throw new ConnectionStateError(
      this.core.version === 'tlsv1.3'
        ? 'TLS 1.3 has no renegotiation (use keyUpdate)'
        : 'renegotiation needs a completed TLS 1.2 handshake',
    );
  }
}

/**
 * The client side. Call `start()` once, then pump bytes.
 *
 * @example
 * const conn = new ClientConnection({ provider: nobleProvider, serverName: 'example.com', verifyCertificate });
 * conn.start();
 * socket.write(conn.takeOutput());
 */
export class ClientConnection extends Connection {
  private started = false;

  constructor(config: ConnectionConfig) {
    super(new ConnectionCore(config, 'client', (core) => new ClientStart(core)));
  }

  /** Builds and queues the ClientHello. Never throws; failures become an `error` event. */
  start(): MaybePromise<void> {
    if (this.started) return;
    this.started = true;
    try {
      const started = this.core.request('start');
      if (started !== false) return started;
    } catch (e) {
      this.core.fail(e);
    }
  }
}

/**
 * The server side.
 *
 * @example
 * const conn = new ServerConnection({ provider, certificateChain: [der], privateKey });
 * conn.receive(clientBytes);
 */
export class ServerConnection extends Connection {
  constructor(config: ConnectionConfig) {
    super(
      new ConnectionCore(
        config,
        'server',
        (core) => new ExpectClientHello(core, new ServerHandshake(core, core.config)),
      ),
    );
  }

  /** RFC 8446 §4.6.2: request a client certificate after the handshake. */
  requestClientCertificate(): void {
    if (this.core.request('requestCertificate') === false) {
      throw new ConnectionStateError('handshake not complete');
    }
  }
}
