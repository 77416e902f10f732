/**
 * Erlang's `protocol => dtls` for `connect`, `listen`, `transport_accept` and `handshake`: DTLS 1.2
 * (RFC 6347) over UDP, with the TLS options shared (certificates, verification, ciphers, groups,
 * signature algorithms, ALPN, SNI, keylog) and the DTLS ones of {@link DtlsOptions}.
 * @module
 */
import { admitDatagram, CookieGate, type DtlsConfig, DtlsConnection, readmitDatagram } from '@sslsocket/dtls';
import type { ConnectionConfig } from '@sslsocket/handshake';
import type { DatagramListener, DatagramTransport, TransportAddress } from '@sslsocket/transport';
import { connectUdp, listenUdp } from '#platform';
import type { DtlsClientOptions, DtlsServerOptions } from './dtls-options.js';
import { DtlsSocket, type DtlsSocketOptions } from './dtls-socket.js';
import { clientEngineConfig, serverEngineConfig } from './engine-config.js';
import { TimeoutError } from './errors.js';
import type { ClientOptions, ServerOptions } from './socket-options.js';
import { TimedAccept } from './timed-accept.js';
import { OptionError, validateClientOptions, validateServerOptions } from './validate-options.js';

type DtlsOnly =
  | 'protocol'
  | 'versions'
  | 'mtu'
  | 'retransmitInitialMs'
  | 'retransmitMaxMs'
  | 'maxRetransmits'
  | 'srtpProfiles'
  | 'cookies'
  | 'maxQueuedDatagrams'
  | 'maxAcceptWaitMs';

/** Splits DTLS options into the TLS options the shared loaders take and the DTLS engine's own. */
function split<T extends DtlsClientOptions | DtlsServerOptions>(
  options: T,
): {
  tls: Omit<T, DtlsOnly> & { versions: readonly 'tlsv1.2'[] };
  dtls: Partial<DtlsConfig>;
  socket: DtlsSocketOptions;
  maxAcceptWaitMs: number | undefined;
} {
  const {
    protocol: _p,
    versions,
    mtu,
    retransmitInitialMs,
    retransmitMaxMs,
    maxRetransmits,
    srtpProfiles,
    cookies,
    maxQueuedDatagrams,
    maxAcceptWaitMs,
    ...rest
  } = options;
  for (const v of versions ?? []) {
    if (v !== 'dtlsv1.2')
      throw new OptionError('versions', `unsupported version ${String(v)} with protocol dtls (only 'dtlsv1.2')`);
  }
  const integer = (name: string, value: number | undefined, min: number, max: number): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      throw new OptionError(name, `must be an integer from ${min} to ${max}, got ${String(value)}`);
    }
  };
  // 65507: the largest UDP payload over IPv4.
  integer('mtu', mtu, 256, 65507);
  integer('retransmitInitialMs', retransmitInitialMs, 1, 600_000);
  integer('retransmitMaxMs', retransmitMaxMs, 1, 3_600_000);
  integer('maxRetransmits', maxRetransmits, 0, 100);
  integer('maxQueuedDatagrams', maxQueuedDatagrams, 1, 1_048_576);
  integer('maxAcceptWaitMs', maxAcceptWaitMs, 1, 3_600_000);
  return {
    tls: { ...rest, versions: ['tlsv1.2'] } as Omit<T, DtlsOnly> & { versions: readonly 'tlsv1.2'[] },
    dtls: {
      ...(mtu === undefined ? {} : { mtu }),
      ...(retransmitInitialMs === undefined ? {} : { retransmitInitial: retransmitInitialMs }),
      ...(retransmitMaxMs === undefined ? {} : { retransmitMax: retransmitMaxMs }),
      ...(maxRetransmits === undefined ? {} : { maxRetransmits }),
      ...(srtpProfiles === undefined ? {} : { srtpProfiles }),
      ...(cookies === false ? { cookies: false as const } : {}),
    },
    socket: maxQueuedDatagrams === undefined ? {} : { maxQueuedDatagrams },
    maxAcceptWaitMs,
  };
}

async function withTimeout(socket: DtlsSocket, timeoutMs: number | undefined): Promise<DtlsSocket> {
  const limit = timeoutMs ?? 30_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`DTLS handshake did not finish within ${limit} ms`)), limit);
  });
  try {
    await Promise.race([socket.handshakeDone, timeout]);
    return socket;
  } catch (error) {
    await socket.transport.close();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Erlang `ssl:connect(Host, Port, [{protocol, dtls} | Options])`: a connected UDP socket and the
 * DTLS 1.2 client handshake (over `transport` when given, e.g. a memoryDatagramPair end).
 *
 * @example
 * const socket = await connectDtls('127.0.0.1', 4433, { protocol: 'dtls', cacertfile: 'ca.pem' });
 * await socket.send('ping');
 */
export async function connectDtls(
  host: string | undefined,
  port: number,
  options: DtlsClientOptions,
  transport?: DatagramTransport,
): Promise<DtlsSocket> {
  const { tls, dtls, socket: socketOptions } = split(options);
  validateClientOptions(tls as ClientOptions);
  const base: ConnectionConfig = await clientEngineConfig(tls as ClientOptions, host);
  const connection = DtlsConnection.client({ ...base, ...dtls });
  if (transport === undefined && host === undefined) throw new OptionError('host', 'a host is needed to open UDP');
  const socket = new DtlsSocket(
    transport ?? (await connectUdp(host as string, port)),
    connection,
    'client',
    socketOptions,
  );
  socket.start();
  return withTimeout(socket, options.handshakeTimeoutMs);
}

/** Peers whose association's first ClientHello random is kept (the listener's default maxPeers, twice). */
const MAX_REMEMBERED = 8192;

/** A listening DTLS socket: one UDP socket, one association per peer address. */
export class DtlsListenSocket {
  constructor(
    private readonly listener: DatagramListener,
    readonly options: DtlsServerOptions,
    private readonly config: DtlsConfig,
    private readonly socketOptions: DtlsSocketOptions = {},
  ) {}

  get address(): TransportAddress {
    return this.listener.address;
  }

  /**
   * For monitoring: peers with state on this listener (waiting, handshaking or established), and
   * admitted peers dropped because no accept took them within `maxAcceptWaitMs`.
   */
  get stats(): { readonly peers: number; readonly expired: number } {
    return { peers: this.listener.peers, expired: this.listener.expired ?? 0 };
  }

  /**
   * Erlang `transport_accept/1,2`: the next peer that passed the cookie exchange (RFC 6347 §4.2.1:
   * peers without a valid cookie only got a HelloVerifyRequest and no state); then `handshake()`
   * (this listener's, or the module's `handshake(transport)`).
   */
  async transportAccept(timeoutMs?: number): Promise<DatagramTransport> {
    // An accept that timed out earlier is still running: this caller gets its peer.
    const transport = await this.accepts.next(timeoutMs, 'DTLS peer');
    acceptedBy.set(transport, this);
    return transport;
  }

  private readonly accepts = new TimedAccept<DatagramTransport>(() => this.listener.accept());

  /** Erlang `handshake/1,2` on an accepted peer. */
  async handshake(transport: DatagramTransport): Promise<DtlsSocket> {
    const peer = transport.remoteAddress;
    const connection = DtlsConnection.server({
      ...this.config,
      // The listener's front door already checked the cookie, statelessly.
      cookies: false,
      ...(peer === undefined ? {} : { peerAddress: `${peer.address}:${peer.port}` }),
    });
    const socket = new DtlsSocket(transport, connection, 'server', this.socketOptions);
    socket.start();
    return withTimeout(socket, this.options.handshakeTimeoutMs);
  }

  /** transportAccept and handshake in one call. */
  async accept(): Promise<DtlsSocket> {
    return this.handshake(await this.transportAccept());
  }

  close(): Promise<void> {
    return this.listener.close();
  }
}

/** Which DTLS listener accepted a peer, so `handshake(transport)` uses its configuration. */
const acceptedBy = new WeakMap<DatagramTransport, DtlsListenSocket>();

/**
 * Erlang `ssl:handshake(Socket)` after `transport_accept` on a DTLS listener: the server handshake
 * with that listener's configuration.
 */
export function handshakeDtls(transport: DatagramTransport): Promise<DtlsSocket> {
  const listener = acceptedBy.get(transport);
  if (listener === undefined) {
    return Promise.reject(new OptionError('transport', 'a datagram transport must come from a DTLS listener'));
  }
  return listener.handshake(transport);
}

/**
 * Erlang `ssl:listen(Port, [{protocol, dtls} | Options])`.
 *
 * @example
 * const server = await listenDtls(4433, { protocol: 'dtls', certfile: 'cert.pem', keyfile: 'key.pem' });
 * const socket = await server.accept();
 */
export async function listenDtls(
  port: number,
  options: DtlsServerOptions & { host?: string },
): Promise<DtlsListenSocket> {
  const { host, ...serverOptions } = options;
  const { tls, dtls, socket, maxAcceptWaitMs } = split(serverOptions);
  validateServerOptions(tls as ServerOptions);
  const base = await serverEngineConfig(tls as ServerOptions);
  const config: DtlsConfig = { ...base, ...dtls };
  const gate = dtls.cookies === false ? undefined : new CookieGate(base.provider);
  // The ClientHello random that started each peer's association, to tell a client that restarts
  // (RFC 6347 §4.2.8) from the running handshake's retransmissions. Bounded like the listener.
  const started = new Map<string, Uint8Array>();
  const remember = (peer: string, random: Uint8Array): void => {
    started.delete(peer);
    started.set(peer, random);
    if (started.size > MAX_REMEMBERED) started.delete(started.keys().next().value as string);
  };
  const listener = await listenUdp(port, {
    ...(host === undefined ? {} : { host }),
    maxAcceptWaitMs: maxAcceptWaitMs ?? serverOptions.handshakeTimeoutMs ?? 30_000,
    ...(gate === undefined
      ? {}
      : {
          admit: (datagram: Uint8Array, peer: string, reply: (d: Uint8Array) => void): boolean => {
            const verdict = admitDatagram(gate, peer, datagram);
            if (verdict.kind === 'reply') reply(verdict.datagram);
            if (verdict.kind === 'accept') remember(peer, verdict.random);
            return verdict.kind === 'accept';
          },
          readmit: (datagram: Uint8Array, peer: string, reply: (d: Uint8Array) => void): 'pass' | 'drop' | 'new' => {
            const verdict = readmitDatagram(gate, peer, datagram, started.get(peer));
            if (verdict.kind === 'reply') reply(verdict.datagram);
            if (verdict.kind === 'new') remember(peer, verdict.random);
            return verdict.kind === 'reply' ? 'drop' : verdict.kind === 'new' ? 'new' : 'pass';
          },
        }),
  });
  return new DtlsListenSocket(listener, serverOptions, config, socket);
}
