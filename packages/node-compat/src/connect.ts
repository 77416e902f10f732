import * as net from 'node:net';
import { decodePem, type VerifyFun } from '@sslsocket/pkix';
import { fromNodeSocket } from '@sslsocket/transport/node';
import { type ClientOptions, defaultRoots, connect as sslConnect } from 'sslsocket';
import { halfOpen } from './half-open.js';
import { nodeError, verifyCode } from './node-errors.js';
import { alpnList, contextOptions, type SecureContextOptions } from './options.js';
import { type NodePeerCertificate, nodeCertificate } from './peer-certificate.js';
import { sessionFromBuffer } from './session-registry.js';
import { kAttach, kFail, TLSSocket } from './tls-socket.js';

/** node's `tls.connect()` options that the facade understands. */
export interface ConnectionOptions extends SecureContextOptions {
  /**
   * node:tls `host`: the server's host name or IP address (default `'localhost'`). Also the SNI name
   * and the name the certificate must match unless `servername` is given (an IP is sent without SNI).
   */
  readonly host?: string;
  /** node:tls `port`: the server's TCP port (default 443). Ignored with `path` or `socket`. */
  readonly port?: number;
  /** node:tls `path`: a Unix socket path to connect to instead of `host` and `port` (ignored with `socket`). */
  readonly path?: string | null;
  /**
   * node:tls `socket`: run TLS over this `net.Socket` (connected or connecting) instead of opening
   * one; `host`, `port` and `path` then only name the server (`host` for SNI and the name check).
   */
  readonly socket?: net.Socket;
  /**
   * node:tls `servername`: the SNI name (RFC 6066 §3) and the name the certificate must match
   * (default: `host`; an IP address is never sent as SNI). `''` sends no SNI. Maps to sslsocket's
   * `serverNameIndication` (Erlang `server_name_indication`).
   */
  readonly servername?: string;
  /**
   * node:tls `ALPNProtocols`: the protocols we offer, in preference order (RFC 7301): strings,
   * Buffers, or one Buffer in wire format. Maps to sslsocket's `alpnAdvertisedProtocols` (Erlang
   * `alpn_advertised_protocols`); the server's pick is `socket.alpnProtocol`. Default: no ALPN.
   * Throws NodeOptionError naming `ALPNProtocols` for another shape or a malformed wire format.
   */
  readonly ALPNProtocols?: readonly (string | Uint8Array)[] | Uint8Array;
  /**
   * node:tls `rejectUnauthorized`: true (default) fails the handshake when the server's certificate
   * does not verify against `ca` or does not match the name (an `error` event with node's `code`);
   * false completes it anyway and reports the verdict in `authorized` / `authorizationError`.
   * Implemented with sslsocket's `verifyFun` (Erlang `verify_fun`) under `verify: 'verify_peer'`.
   */
  readonly rejectUnauthorized?: boolean;
  /**
   * node:tls `checkServerIdentity(hostname, cert)`: replaces the RFC 6125 host name check; it runs
   * after the handshake with the `servername` (or `host`) and the peer certificate in node's shape.
   * Return an Error to refuse the certificate: with `rejectUnauthorized` that error is the socket's
   * `error` event, otherwise its `code` (default `ERR_TLS_CERT_ALTNAME_INVALID`) becomes
   * `authorizationError`.
   */
  readonly checkServerIdentity?: (hostname: string, cert: NodePeerCertificate) => Error | undefined;
  /**
   * node:tls `session`: a Buffer from `getSession()` or the `session` event of an earlier
   * connection in this process, to resume it (RFC 8446 §2.2, RFC 5077). Maps to sslsocket's
   * `reuseSession` (Erlang `reuse_session`); without it nothing is resumed (`reuseSessions: false`).
   * An unknown Buffer is ignored: a full handshake.
   */
  readonly session?: Uint8Array;
  /**
   * node:tls / net `timeout`: idle milliseconds before the `timeout` event, as
   * `socket.setTimeout()` (default none).
   */
  readonly timeout?: number;
  /**
   * net.Socket `allowHalfOpen`: keep our writable side open after the server ends its side
   * (default false: we end too, as node). Given to the TLSSocket.
   */
  readonly allowHalfOpen?: boolean;
  /** stream `highWaterMark`: bytes the TLSSocket buffers before reads pause (default node's stream default). */
  readonly highWaterMark?: number;
  /**
   * node:tls `secureContext`: a context from {@link createSecureContext}; its options apply under
   * the ones given here (an option given here wins).
   */
  readonly secureContext?: { readonly options: SecureContextOptions };
  /**
   * node:tls `minDHSize`: accepted for ported code and ignored: sslsocket offers only RFC 7919 FFDHE
   * groups (2048 bits and more) and checks a server's DH group itself.
   */
  readonly minDHSize?: number;
  /**
   * Extra sslsocket client options for what node has no name for (`ocspStapling`, `earlyData`,
   * `verifyFun`, ...); they override what the node options above map to.
   */
  readonly sslsocket?: ClientOptions;
}

/** DER of the trusted CAs (PEM text may hold several). */
function trustedDer(cacerts: readonly (string | Uint8Array)[]): Uint8Array[] {
  return cacerts.flatMap((entry) =>
    typeof entry === 'string'
      ? decodePem(entry)
          .filter((block) => block.label === 'CERTIFICATE')
          .map((block) => block.der)
      : [entry],
  );
}

type ConnectArgs =
  | [ConnectionOptions, (() => void)?]
  | [number, (string | ConnectionOptions | (() => void))?, (ConnectionOptions | (() => void))?, (() => void)?];

function normalize(args: ConnectArgs): [ConnectionOptions, (() => void) | undefined] {
  if (typeof args[0] === 'object') return [args[0], args[1] as (() => void) | undefined];
  let options: ConnectionOptions = { port: args[0] };
  let callback: (() => void) | undefined;
  for (const arg of args.slice(1)) {
    if (typeof arg === 'string') options = { ...options, host: arg };
    else if (typeof arg === 'function') callback = arg as () => void;
    else if (typeof arg === 'object' && arg !== null) options = { ...arg, ...options };
  }
  return [options, callback];
}

/**
 * node's `tls.connect()`: returns a {@link TLSSocket} at once; `secureConnect` (and `callback`)
 * follow the handshake. Verification follows node: the CAs in `ca`, else node's bundled roots; the
 * host name (or `servername`) checked unless `checkServerIdentity` replaces the check; with
 * `rejectUnauthorized: false` the handshake completes and `authorized` / `authorizationError`
 * tell the verdict. Handshake failures arrive as an `error` event whose `code` is node's
 * (`DEPTH_ZERO_SELF_SIGNED_CERT`, `ERR_TLS_CERT_ALTNAME_INVALID`, `ERR_SSL_HANDSHAKE_FAILURE`, ...).
 *
 * Throws NodeOptionError (synchronously, as node does) for an option it cannot honour.
 *
 * @example
 * const socket = connect({ host: 'localhost', port: 8443, ca: [caPem], ALPNProtocols: ['h2'] }, () => {
 *   socket.end('hello');
 * });
 */
export function connect(options: ConnectionOptions, callback?: () => void): TLSSocket;
export function connect(port: number, host?: string, options?: ConnectionOptions, callback?: () => void): TLSSocket;
export function connect(port: number, options?: ConnectionOptions, callback?: () => void): TLSSocket;
export function connect(...args: unknown[]): TLSSocket {
  const [given, callback] = normalize(args as ConnectArgs);
  const options: ConnectionOptions = { ...(given.secureContext?.options ?? {}), ...given };
  const host = options.host ?? 'localhost';
  const identity = options.servername !== undefined && options.servername !== '' ? options.servername : host;
  const strict = options.rejectUnauthorized !== false;
  const failures: { reason: Parameters<typeof verifyCode>[0] }[] = [];
  const verifyFun: VerifyFun = (_certificate, event) => {
    if (event.type === 'bad_cert') {
      // A custom checkServerIdentity decides the name after the handshake, as in node.
      if (event.reason === 'hostname_check_failed' && options.checkServerIdentity !== undefined) return 'valid';
      failures.push({ reason: event.reason });
      return strict ? 'fail' : 'valid';
    }
    return event.type === 'extension' ? 'unknown' : 'valid';
  };
  const base = contextOptions(options);
  const alpn = alpnList(options.ALPNProtocols, 'ALPNProtocols');
  const session = sessionFromBuffer(options.session);
  let socket: TLSSocket | undefined;
  const clientOptions: ClientOptions = {
    ...base,
    // No ca: node's bundled Mozilla roots (sslsocket's default store is the same list).
    cacerts: (base.cacerts as ClientOptions['cacerts']) ?? defaultRoots(),
    verify: 'verify_peer',
    verifyFun,
    ...(net.isIP(identity) !== 0 ? {} : { serverNameIndication: identity }),
    ...(options.servername === '' ? { serverNameIndication: 'disable' } : {}),
    ...(alpn === undefined ? {} : { alpnAdvertisedProtocols: alpn }),
    // node resumes only the session it is handed (an Agent hands back the one it cached).
    ...(session === undefined ? { reuseSessions: false } : { reuseSessions: true, reuseSession: session }),
    keylog: (line: string) => socket?.emit('keylog', Buffer.from(`${line}\n`)),
    ...(options.sslsocket ?? {}),
  };
  const tcp =
    options.socket ??
    net.connect({
      ...(typeof options.path === 'string' && options.path !== ''
        ? { path: options.path }
        : { host, port: options.port ?? 443 }),
      allowHalfOpen: true,
    });
  const tls = new TLSSocket(tcp, {
    ...(options.allowHalfOpen === undefined ? {} : { allowHalfOpen: options.allowHalfOpen }),
    ...(options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark }),
  });
  socket = tls;
  if (callback !== undefined) tls.once('secureConnect', callback);
  if (options.timeout !== undefined) tls.setTimeout(options.timeout);
  const onTcpError = (error: Error): void => {
    tls.destroy(error);
  };
  tcp.once('error', onTcpError);
  const start = (): void => {
    sslConnect(halfOpen(fromNodeSocket(tcp)), { ...clientOptions, host }).then(
      (ssl) => {
        const failure = failures[0];
        let authorizationError = failure === undefined ? undefined : verifyCode(failure.reason);
        const check = options.checkServerIdentity;
        if (check !== undefined) {
          const peer = nodeCertificate([ssl.peercert() ?? new Uint8Array(0)], false);
          const error = peer === undefined ? undefined : check(identity, peer);
          if (error !== undefined) {
            authorizationError ??= (error as { code?: string }).code ?? 'ERR_TLS_CERT_ALTNAME_INVALID';
            if (strict) {
              tls[kFail](error);
              void ssl.close({ timeoutMs: 0 }).catch(() => undefined);
              return;
            }
          }
        }
        tls[kAttach](ssl, {
          trusted: trustedDer(clientOptions.cacerts ?? []),
          authorized: authorizationError === undefined,
          ...(authorizationError === undefined ? {} : { authorizationError }),
        });
        if (!tls.destroyed) tls.emit('secureConnect');
      },
      (error: unknown) => tls[kFail](nodeError(error, 'handshake')),
    );
  };
  if (tcp.connecting) tcp.once('connect', start);
  else queueMicrotask(start);
  return tls;
}
