import * as net from 'node:net';
import { decodePem, verifyChain } from '@sslsocket/pkix';
import { type Transport, TransportError, type TransportListener } from '@sslsocket/transport';
import { fromNodeSocket } from '@sslsocket/transport/node';
import { listenOn, type ServerOptions, type SslListenSocket, type SslSocket } from 'sslsocket';
import { nodeError, verifyCode } from './node-errors.js';
import { certKeyOf, pemOrDer, type SecureContextOptions, serverOptions, type TlsServerOptions } from './options.js';
import { kAttach, kFail, type PeerVerdict, TLSSocket } from './tls-socket.js';

/** node's `tls.createSecureContext()`: the options, kept for `SNICallback` answers and `secureContext`. */
export class SecureContext {
  constructor(readonly options: SecureContextOptions) {}
  /** node code reads `context.context`; here it is the context itself. */
  get context(): this {
    return this;
  }
}

/**
 * node's `tls.createSecureContext(options)`.
 *
 * @example
 * const context = createSecureContext({ cert: pem, key: keyPem });
 */
export function createSecureContext(options: SecureContextOptions = {}): SecureContext {
  return new SecureContext(options);
}

/** A listener SslListenSocket is built on; connections come from the net.Server, not accept(). */
function netListener(server: net.Server): TransportListener {
  return {
    get address() {
      const info = server.address() as net.AddressInfo | null;
      return { address: info?.address ?? '', port: info?.port ?? 0, family: info?.family ?? 'IPv4' };
    },
    accept: () => Promise.reject(new TransportError('EINVAL', 'the node-compat server accepts through net.Server')),
    close: async () => undefined,
  };
}

/**
 * node's `tls.Server`: a `net.Server` whose connections become {@link TLSSocket}s. Handshakes run
 * concurrently, each bounded by `handshakeTimeout` (default 120 s, node's); a client that fails
 * (plain HTTP, a bad certificate, silence) is reported through `tlsClientError` and dropped
 * without touching the others. Events: `secureConnection` (socket), `tlsClientError` (error,
 * socket), `keylog` (line, socket) and net.Server's. Certificates and keys load at the first
 * connection or `listen()`; a bad one is an `error` event naming the option.
 *
 * `close()` is net.Server's: it stops accepting and calls back once every connection has closed.
 *
 * @example
 * const server = createServer({ cert, key, ALPNProtocols: ['h2', 'http/1.1'] }, (socket) => {
 *   socket.end(`hello over ${socket.getProtocol()}\n`);
 * }).listen(8443);
 */
export class Server extends net.Server {
  private readonly sslOptions: ServerOptions;
  private readonly requestCert: boolean;
  private readonly strict: boolean;
  private readonly clientRoots: readonly (string | Uint8Array)[];
  private context: Promise<SslListenSocket> | undefined;

  constructor(options: TlsServerOptions = {}, secureConnectionListener?: (socket: TLSSocket) => void) {
    super({ allowHalfOpen: true, pauseOnConnect: options.pauseOnConnect === true }, (tcp) => this.onTcp(tcp));
    this.requestCert = options.requestCert === true;
    this.strict = this.requestCert && options.rejectUnauthorized !== false;
    this.clientRoots = [options.ca ?? []].flat().map((c) => pemOrDer(c as string | Uint8Array));
    const sni = options.SNICallback;
    this.sslOptions = {
      ...serverOptions(options),
      ...(sni === undefined
        ? {}
        : {
            sniFun: (name: string | undefined) =>
              new Promise((resolve, reject) => {
                sni(name ?? '', (error, context) => {
                  if (error !== null && error !== undefined) reject(error);
                  else resolve(context instanceof SecureContext ? certKeyOf(context.options) : undefined);
                });
              }),
          }),
    };
    if (secureConnectionListener !== undefined) this.on('secureConnection', secureConnectionListener);
    this.once('listening', () => void this.loaded().catch(() => undefined));
  }

  /** Loads certificates and keys once; `keylog` listeners present by then get every connection's lines. */
  private loaded(): Promise<SslListenSocket> {
    this.context ??= listenOn(netListener(this), {
      ...this.sslOptions,
      ...(this.listenerCount('keylog') > 0 ? { keepSecrets: true } : {}),
    });
    this.context.catch((error: unknown) => this.emit('error', error));
    return this.context;
  }

  private onTcp(tcp: net.Socket): void {
    const socket = new TLSSocket(tcp, { isServer: true });
    // Errors before the handshake ends belong to tlsClientError, never to an unhandled 'error'.
    tcp.on('error', () => undefined);
    const transport: Transport = fromNodeSocket(tcp);
    this.loaded()
      .then((context) => context.handshakeOn(transport))
      .then(
        (ssl) => this.secured(socket, ssl),
        (error: unknown) => {
          const failure = nodeError(error, 'handshake');
          socket.on('error', () => undefined);
          socket[kFail](failure);
          this.emit('tlsClientError', failure, socket);
        },
      );
  }

  private async secured(socket: TLSSocket, ssl: SslSocket): Promise<void> {
    const verdict = await this.verdict(ssl);
    if (this.listenerCount('keylog') > 0) {
      for (const line of ssl.connectionInformation(['keylog']).keylog ?? [])
        this.emit('keylog', Buffer.from(`${line}\n`), socket);
    }
    socket[kAttach](ssl, verdict);
    if (socket.destroyed) return;
    socket.emit('secure');
    this.emit('secureConnection', socket);
  }

  /** node's `authorized`: a client certificate that verified against `ca` (only with requestCert). */
  private async verdict(ssl: SslSocket): Promise<PeerVerdict> {
    if (!this.requestCert) return { authorized: false };
    if (this.strict) return { authorized: true };
    const leaf = ssl.peercert();
    if (leaf === undefined) return { authorized: false, authorizationError: 'UNABLE_TO_GET_ISSUER_CERT' };
    try {
      const roots = this.clientRoots.flatMap((root) =>
        typeof root === 'string' ? decodePem(root).map((block) => block.der) : [root],
      );
      await verifyChain([leaf], { roots, purpose: 'sslclient' });
      return { authorized: true };
    } catch (error) {
      const reason = (error as { reason?: Parameters<typeof verifyCode>[0] }).reason;
      return { authorized: false, authorizationError: reason === undefined ? 'CERT_REJECTED' : verifyCode(reason) };
    }
  }
}

/**
 * node's `tls.createServer(options, secureConnectionListener)`.
 *
 * Throws NodeOptionError for an option it cannot honour (e.g. requestCert without ca).
 *
 * @example
 * createServer({ cert, key }, (socket) => socket.pipe(socket)).listen(0, '127.0.0.1');
 */
export function createServer(
  options: TlsServerOptions = {},
  secureConnectionListener?: (socket: TLSSocket) => void,
): Server {
  return new Server(options, secureConnectionListener);
}
