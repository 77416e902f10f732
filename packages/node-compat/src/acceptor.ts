import type * as net from 'node:net';
import { decodePem, verifyChain } from '@sslsocket/pkix';
import { type Transport, TransportError, type TransportListener } from '@sslsocket/transport';
import { fromNodeSocket } from '@sslsocket/transport/node';
import { listenOn, type ServerOptions, type SslListenSocket, type SslSocket } from 'sslsocket';
import { halfOpen } from './half-open.js';
import { nodeError, verifyCode } from './node-errors.js';
import { certKeyOf, pemOrDer, type SecureContextOptions, serverOptions, type TlsServerOptions } from './options.js';
import { NodeSessionStore } from './session-events.js';
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
 * Turns accepted TCP sockets into {@link TLSSocket}s for a server (node's tls.Server, or an
 * http.Server made HTTPS): each handshake runs on its own, bounded by `handshakeTimeout`, and ends
 * in `secureConnection` (socket) or `tlsClientError` (error, socket) on that server; `keylog`
 * (line, socket) is emitted there too. Certificates and keys load once, at `listening` or the
 * first connection; a bad one is the server's `error` event.
 */
export class TlsAcceptor {
  private readonly sslOptions: ServerOptions;
  private readonly requestCert: boolean;
  private readonly strict: boolean;
  private readonly clientRoots: readonly (string | Uint8Array)[];
  private context: Promise<SslListenSocket> | undefined;

  constructor(
    options: TlsServerOptions,
    private readonly server: net.Server,
  ) {
    this.requestCert = options.requestCert === true;
    this.strict = this.requestCert && options.rejectUnauthorized !== false;
    this.clientRoots = [options.ca ?? []].flat().map((c) => pemOrDer(c as string | Uint8Array));
    const sni = options.SNICallback;
    const base = serverOptions(options);
    this.sslOptions = {
      ...base,
      // node's newSession / resumeSession events hook the TLS 1.2 session-id cache.
      ...(base.sessionCache === undefined && base.sessionStore === undefined && base.reuseSessions !== false
        ? { sessionStore: new NodeSessionStore(server) }
        : {}),
      ...(sni === undefined
        ? {}
        : {
            sniFun: (name: string | undefined) =>
              new Promise((resolve, reject) => {
                sni(name ?? '', (error, context) => {
                  if (error !== null && error !== undefined) reject(error);
                  // No context: the server's own certificate, as node falls back to its default context.
                  else resolve(certKeyOf(context instanceof SecureContext ? context.options : options));
                });
              }),
          }),
    };
    server.once('listening', () => void this.loaded().catch(() => undefined));
  }

  /** Loads certificates and keys once; `keylog` listeners present by then get every connection's lines. */
  private loaded(): Promise<SslListenSocket> {
    if (this.context === undefined) {
      this.context = listenOn(netListener(this.server), {
        ...this.sslOptions,
        ...(this.server.listenerCount('keylog') > 0 ? { keepSecrets: true } : {}),
      });
      this.context.catch((error: unknown) => this.server.emit('error', error));
    }
    return this.context;
  }

  /** Runs the handshake on an accepted TCP socket. */
  accept(tcp: net.Socket): void {
    const socket = new TLSSocket(tcp, { isServer: true });
    // Errors before the handshake ends belong to tlsClientError, never to an unhandled 'error'.
    tcp.on('error', () => undefined);
    const transport: Transport = halfOpen(fromNodeSocket(tcp));
    this.loaded()
      .then((context) => context.handshakeOn(transport))
      .then(
        (ssl) => this.secured(socket, ssl),
        (error: unknown) => {
          const failure = nodeError(error, 'handshake');
          socket.on('error', () => undefined);
          socket[kFail](failure);
          this.server.emit('tlsClientError', failure, socket);
        },
      );
  }

  private async secured(socket: TLSSocket, ssl: SslSocket): Promise<void> {
    const verdict = await this.verdict(ssl);
    if (this.server.listenerCount('keylog') > 0) {
      for (const line of ssl.connectionInformation(['keylog']).keylog ?? [])
        this.server.emit('keylog', Buffer.from(`${line}\n`), socket);
    }
    socket[kAttach](ssl, verdict);
    if (socket.destroyed) return;
    socket.emit('secure');
    this.server.emit('secureConnection', socket);
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
