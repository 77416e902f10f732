import {
  ClientConnection,
  type ConnectionConfig,
  ServerConnection,
  type Session12,
  type Session13,
} from '@sslsocket/handshake';
import type { DatagramTransport, Transport, TransportAddress, TransportListener } from '@sslsocket/transport';
import { connectTcp, listenTcp, loadDtls } from '#platform';
import { type DtlsClientOptions, type DtlsServerOptions, isDtls } from './dtls-options.js';
import type { DtlsSocket } from './dtls-socket.js';
import { clientEngineConfig, type PeerAuthSink, serverEngineConfig } from './engine-config.js';
import { SocketStateError } from './errors.js';
import { settled } from './handshake-settle.js';
import { DEFAULT_HELLO_TIMEOUT_MS, DEFAULT_MAX_PENDING_HELLOS, HelloGate, sentHello } from './hello-gate.js';
import { type ServeOptions, type Serving, serve } from './serve.js';
import { saveSession, sessionKey, takeSession } from './session-store.js';
import type { ClientOptions, ServerOptions } from './socket-options.js';
import { SslSocket } from './ssl-socket.js';
import { DEFAULT_MIN_HANDSHAKE_STALL_MS, StallWatch } from './stall-watch.js';
import { TimedAccept } from './timed-accept.js';
import { OptionError, validateClientOptions, validateServerOptions } from './validate-options.js';

export { handshakeCancel, handshakeContinue } from './handshake-settle.js';

/**
 * Erlang `ssl:connect/3,4` and `connect/2`: opens TCP to host:port (or upgrades an existing
 * transport) and completes the TLS handshake. With `protocol: 'dtls'` it opens UDP to host:port,
 * or runs DTLS 1.2 (RFC 6347) over any {@link DatagramTransport} given instead (`host` then names
 * the server for SNI and certificate checks), and resolves to a {@link DtlsSocket}.
 *
 * @example
 * const socket = await connect('example.com', 443, { cacertfile: '/etc/ssl/certs/ca-certificates.crt' });
 * await socket.send('GET / HTTP/1.0\r\n\r\n');
 * // DTLS over a datagram transport of your own (a memoryDatagramPair end, a WebRTC-like channel):
 * const dtls = await connect(datagramTransport, { protocol: 'dtls', host: 'localhost', cacerts: [caPem] });
 */
export async function connect(host: string, port: number, options: DtlsClientOptions): Promise<DtlsSocket>;
export async function connect(
  transport: DatagramTransport,
  options: DtlsClientOptions & { host?: string },
): Promise<DtlsSocket>;
export async function connect(host: string, port: number, options?: ClientOptions): Promise<SslSocket>;
export async function connect(transport: Transport, options?: ClientOptions & { host?: string }): Promise<SslSocket>;
export async function connect(
  target: string | Transport | DatagramTransport,
  portOrOptions?: number | (ClientOptions & { host?: string }) | (DtlsClientOptions & { host?: string }),
  maybeOptions: ClientOptions | DtlsClientOptions = {},
): Promise<SslSocket | DtlsSocket> {
  // Erlang {protocol, dtls}: loaded on demand through the platform (browser bundles have no UDP and no DTLS).
  if (typeof target === 'string' && isDtls(maybeOptions)) {
    const { connectDtls } = await loadDtls();
    return connectDtls(target, portOrOptions as number, maybeOptions as DtlsClientOptions);
  }
  if (typeof target !== 'string' && typeof portOrOptions === 'object' && isDtls(portOrOptions)) {
    const { connectDtls } = await loadDtls();
    const { host, ...dtlsOptions } = portOrOptions as DtlsClientOptions & { host?: string };
    return connectDtls(host, 0, dtlsOptions, target as DatagramTransport);
  }
  const upgrading = typeof target !== 'string';
  const options = (
    upgrading ? ((portOrOptions as (ClientOptions & { host?: string }) | undefined) ?? {}) : maybeOptions
  ) as ClientOptions & { host?: string };
  const { host: explicitHost, ...clientOptions } = options;
  validateClientOptions(clientOptions);
  const host = upgrading ? explicitHost : target;
  const port = upgrading ? undefined : (portOrOptions as number);
  const sni = clientOptions.serverNameIndication === 'disable' ? undefined : clientOptions.serverNameIndication;
  const storeKey = sessionKey(host, port, sni);
  // Erlang reuse_sessions (default true): resume with a saved session unless one was given.
  const reuse = clientOptions.reuseSessions ?? true;
  const saved =
    reuse === true && clientOptions.reuseSession === undefined ? takeSession(storeKey, Date.now()) : undefined;
  const peerAuth: PeerAuthSink = {};
  const config = await clientEngineConfig(
    saved === undefined ? clientOptions : { ...clientOptions, reuseSession: saved },
    host,
    peerAuth,
  );
  const transport = upgrading
    ? (target as Transport)
    : await connectTcp(target, portOrOptions as number, { timeoutMs: clientOptions.handshakeTimeoutMs ?? 30_000 });
  // The session store is fed directly, not through a `session` listener: the mailbox delivers each
  // event to the listeners present when it leaves, and the application's own must not miss it.
  const socket = new SslSocket(transport, new ClientConnection(config), 'client', {
    ...clientOptions,
    peerAuth,
    ...(reuse === false ? {} : { onSession: (session: Session13 | Session12) => saveSession(storeKey, session) }),
  });
  await socket.start();
  return settled(socket, clientOptions, host);
}

/** A listening socket (Erlang's ListenSocket); `transportAccept()` takes connections. */
export class SslListenSocket {
  constructor(
    private readonly listener: TransportListener,
    /** The server options this listener was created with (`host`/`ip` taken out). */
    readonly options: ServerOptions,
    /** Loaded once at listen(): certificates, keys and ticket keys are not re-read per connection. */
    private readonly config: ConnectionConfig,
  ) {}

  /**
   * The bound address and port, as `getsockname` reports them: `{ address: '::', port, family:
   * 'IPv6' }` for a listener on every interface, `'127.0.0.1'` when bound to that (Erlang `ssl:sockname/1`).
   */
  get address(): TransportAddress {
    return this.listener.address;
  }

  /**
   * For monitoring: connections waiting for `transportAccept()` (`queued`) and those reset by
   * `maxQueued` (`refused`); accepted ones that have not sent a byte yet (`silent`) and those closed
   * for it by `helloTimeoutMs` or `maxPendingHellos` (`dropped`); handshakes cut because they had
   * waited on their peer for `minHandshakeStallMs` while another connection needed the slot (`stalled`).
   */
  get queue(): {
    readonly queued: number;
    readonly refused: number;
    readonly silent: number;
    readonly dropped: number;
    readonly stalled: number;
  } {
    return {
      stalled: this.stallWatch?.cut ?? 0,
      queued: this.listener.queued ?? 0,
      refused: this.listener.refused ?? 0,
      silent: this.hellos?.waiting ?? 0,
      dropped: this.hellos?.dropped ?? 0,
    };
  }

  /**
   * Erlang `transport_accept/1,2`: the next TCP connection, before its handshake; call
   * `handshake()` on it. With `timeoutMs`, rejects with a TimeoutError when none arrives in time
   * (the connection that arrives later goes to the next call).
   */
  async transportAccept(timeoutMs?: number): Promise<Transport> {
    const transport = await this.accepts.next(timeoutMs, 'connection');
    acceptedBy.set(transport, this);
    return transport;
  }

  /** Accepts, with any that outlived a transportAccept timeout handed to the next callers. */
  private readonly accepts = new TimedAccept<Transport>(() => this.listener.accept());

  /** Accepts and handshakes the next connection in one call. */
  async accept(extra?: ServerOptions): Promise<SslSocket> {
    return this.handshakeOn(await this.transportAccept(), extra);
  }

  /**
   * The handshake on a transport this listener accepted. Extra options make a fresh configuration,
   * but ticket keys, the session cache and the 0-RTT replay record stay the listener's, so
   * resumption works across all its connections.
   */
  async handshakeOn(transport: Transport, extra?: ServerOptions): Promise<SslSocket> {
    // A connection takes a handshake slot only once it has sent something (see awaitHello).
    const ready = await this.awaitHello(transport);
    const limit = this.options.maxConcurrentHandshakes ?? 1024;
    // All slots taken: one stalled on its peer for minHandshakeStallMs makes room (StallWatch).
    if (this.handshakes.size >= limit && !this.handshakes.cutOne()) {
      ready.destroy();
      throw new SocketStateError('einval', `${limit} handshakes are already running on this listener`);
    }
    const tracked = this.handshakes.track(ready);
    try {
      return await this.handshakeWith(tracked.transport, extra, tracked.cut);
    } finally {
      tracked.done();
    }
  }

  /**
   * Cuts the running handshake that has waited on its peer longest, if that wait reached
   * `minHandshakeStallMs` (user_canceled + close_notify, as a handshake timeout); returns whether
   * one was cut. `serve()` calls it while connections wait for a slot. See `minHandshakeStallMs`.
   *
   * @example
   * if (waitingForSlot > 0) server.cutStalledHandshake();
   */
  cutStalledHandshake(): boolean {
    return this.handshakes.cutOne();
  }

  /**
   * The pre-hello stage (`helloTimeoutMs`, `maxPendingHellos`): resolves with the transport once its
   * peer has sent its first bytes; a silent peer is closed (no alert) and this rejects with a
   * TimeoutError. `handshakeOn()` calls it; `serve()` calls it before waiting for a handshake slot.
   *
   * @example
   * const transport = await server.transportAccept();
   * const ready = await server.awaitHello(transport); // TimeoutError after helloTimeoutMs of silence
   * const socket = await server.handshakeOn(ready);
   */
  awaitHello(transport: Transport): Promise<Transport> {
    if (sentHello(transport)) return Promise.resolve(transport);
    this.hellos ??= new HelloGate(
      this.options.maxPendingHellos ?? DEFAULT_MAX_PENDING_HELLOS,
      this.options.helloTimeoutMs ??
        Math.min(DEFAULT_HELLO_TIMEOUT_MS, this.options.handshakeTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS),
    );
    return this.hellos.wait(transport);
  }

  /** Connections that have not sent their first byte yet (made on first use). */
  private hellos: HelloGate | undefined;

  /** Handshakes in progress (bounded by `maxConcurrentHandshakes`), watched for stalls. */
  private get handshakes(): StallWatch {
    this.stallWatch ??= new StallWatch(this.options.minHandshakeStallMs ?? DEFAULT_MIN_HANDSHAKE_STALL_MS);
    return this.stallWatch;
  }

  private stallWatch: StallWatch | undefined;

  private async handshakeWith(transport: Transport, extra?: ServerOptions, cut?: Promise<never>): Promise<SslSocket> {
    if (extra === undefined || Object.keys(extra).length === 0) {
      return serverHandshake(transport, this.config, this.options, cut);
    }
    const options = { ...this.options, ...extra };
    validateServerOptions(options);
    const fresh = await serverEngineConfig(options);
    const shared = this.config;
    const config: ConnectionConfig = {
      ...fresh,
      ...(shared.ticketKeys === undefined || extra.ticketKeys !== undefined ? {} : { ticketKeys: shared.ticketKeys }),
      ...(shared.sessionCache === undefined ? {} : { sessionCache: shared.sessionCache }),
      ...(shared.sessionStore === undefined || extra.sessionStore !== undefined
        ? {}
        : { sessionStore: shared.sessionStore }),
      ...(shared.ticketStore === undefined || extra.sessionStore !== undefined
        ? {}
        : { ticketStore: shared.ticketStore }),
      ...(shared.earlyDataReplay === undefined ? {} : { earlyDataReplay: shared.earlyDataReplay }),
    };
    return serverHandshake(transport, config, options, cut);
  }

  /**
   * Serves every connection: handshakes run concurrently (a plain-HTTP or silent client cannot
   * stall or stop the others), established sockets go to `handler`, failures to `onError`. See
   * {@link serve}; the loop ends when this listener is closed.
   *
   * @example
   * server.serve(async (socket) => { for await (const chunk of socket) await socket.send(chunk); });
   */
  serve(handler: (socket: SslSocket) => unknown, options?: ServeOptions): Serving {
    return serve(this, handler, options);
  }

  /**
   * Erlang `ssl:close/1` on a listen socket: stops accepting; pending `accept()` /
   * `transportAccept()` calls reject, connections already accepted stay open. Resolves once the
   * port is released.
   */
  close(): Promise<void> {
    return this.listener.close();
  }
}

/** Where {@link listen} binds. */
export interface ListenAddressOptions {
  /**
   * The local address to bind: an IP literal or a host name (`'127.0.0.1'`, `'::1'`,
   * `'localhost'`). Default: every interface, as node's `server.listen(port)` and Erlang's
   * `ssl:listen/2` without `{ip, Address}` — the unspecified IPv6 address `::` (IPv4 clients
   * included) where the host has IPv6, else `0.0.0.0`. Pass `'127.0.0.1'` to serve this machine only.
   */
  readonly host?: string;
  /** Erlang's spelling of `host` (`{ip, Address}` of `gen_tcp:listen/2`); give one or the other. */
  readonly ip?: string;
}

/**
 * Erlang `ssl:listen/2`: a TLS listener on TCP `port` (0 picks a free one; `server.address.port`
 * tells which). It binds every interface unless `host` (or Erlang's `ip`) names one, like node's
 * `server.listen(port)` and Erlang; certificates and keys load now, so a bad file or a key that does
 * not match its certificate fails here rather than at the first client.
 *
 * Throws OptionError for bad options (`host` and `ip` that disagree included), TransportError
 * for a port in use (`EADDRINUSE`) or an address not on this host (`EADDRNOTAVAIL`).
 *
 * @example
 * const server = await listen(8443, { certfile: 'cert.pem', keyfile: 'key.pem' }); // every interface
 * const local = await listen(8443, { host: '127.0.0.1', certfile: 'cert.pem', keyfile: 'key.pem' });
 * const socket = await server.accept();
 */
export async function listen(
  port: number,
  options: DtlsServerOptions & ListenAddressOptions,
): Promise<import('./dtls-api.js').DtlsListenSocket>;
export async function listen(port: number, options: ServerOptions & ListenAddressOptions): Promise<SslListenSocket>;
export async function listen(
  port: number,
  options: (ServerOptions | DtlsServerOptions) & ListenAddressOptions,
): Promise<SslListenSocket | import('./dtls-api.js').DtlsListenSocket> {
  const { host: hostOption, ip, ...rest } = options;
  if (hostOption !== undefined && ip !== undefined && hostOption !== ip)
    throw new OptionError('ip', `host '${hostOption}' and ip '${ip}' name different addresses: give one of them`);
  const host = hostOption ?? ip;
  if (isDtls(options)) {
    const { listenDtls } = await loadDtls();
    return listenDtls(port, { ...(rest as DtlsServerOptions), ...(host === undefined ? {} : { host }) });
  }
  const serverOptions = rest as ServerOptions;
  validateServerOptions(serverOptions);
  // Load certificates now so a bad file fails listen(), not the first client.
  const config = await serverEngineConfig(serverOptions);
  const listener = await listenTcp(port, {
    ...(host === undefined ? {} : { host }),
    ...(serverOptions.maxQueued === undefined ? {} : { maxQueued: serverOptions.maxQueued }),
  });
  return new SslListenSocket(listener, serverOptions, config);
}

/**
 * Erlang `ssl:handshake/2,3`: runs the server handshake on an accepted transport (or upgrades any
 * transport to TLS on the server side).
 */
export async function handshake(transport: DatagramTransport): Promise<DtlsSocket>;
export async function handshake(transport: Transport, options?: ServerOptions): Promise<SslSocket>;
export async function handshake(
  transport: Transport | DatagramTransport,
  options?: ServerOptions,
): Promise<SslSocket | DtlsSocket> {
  // A peer from a DTLS listener's transportAccept (Erlang {protocol, dtls}).
  if (!('read' in transport)) {
    const { handshakeDtls } = await loadDtls();
    return handshakeDtls(transport);
  }
  return handshakeTls(transport, options);
}

async function handshakeTls(transport: Transport, options?: ServerOptions): Promise<SslSocket> {
  // Erlang handshake/1,2 after transport_accept: the listener's options, plus any extra ones.
  const listener = acceptedBy.get(transport);
  if (listener !== undefined) return listener.handshakeOn(transport, options);
  if (options === undefined)
    throw new OptionError('options', 'a transport not accepted by listen() needs server options');
  validateServerOptions(options);
  return serverHandshake(transport, await serverEngineConfig(options), options);
}

/** Which listener accepted a transport, so handshake(transport) can use its configuration. */
const acceptedBy = new WeakMap<Transport, SslListenSocket>();

async function serverHandshake(
  transport: Transport,
  config: ConnectionConfig,
  options: ServerOptions,
  cut?: Promise<never>,
): Promise<SslSocket> {
  // A staple function gives each connection a fresh OCSP response (RFC 6066 §8).
  const staple = options.ocspResponse;
  let connectionConfig = config;
  if (typeof staple === 'function') {
    try {
      connectionConfig = withStaple(config, await staple());
    } catch (error) {
      transport.destroy();
      throw error;
    }
  }
  const socket = new SslSocket(transport, new ServerConnection(connectionConfig), 'server', options);
  await socket.start();
  return settled(socket, options, undefined, cut);
}

/** `config` with this connection's OCSP staple (or none). */
function withStaple(config: ConnectionConfig, staple: Uint8Array | undefined): ConnectionConfig {
  const { ocspResponse: _previous, ...rest } = config;
  return staple === undefined ? rest : { ...rest, ocspResponse: staple };
}
