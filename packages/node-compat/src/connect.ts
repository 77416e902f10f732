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
  readonly host?: string;
  readonly port?: number;
  /** A Unix socket path instead of host and port. */
  readonly path?: string | null;
  /** Run TLS over this already connected socket instead of opening one. */
  readonly socket?: net.Socket;
  /** SNI name, and the name the certificate must match (default: host, unless it is an IP). */
  readonly servername?: string;
  readonly ALPNProtocols?: readonly (string | Uint8Array)[] | Uint8Array;
  /** false: complete the handshake whatever the certificate, and report it in `authorized` (default true). */
  readonly rejectUnauthorized?: boolean;
  /** Replaces the RFC 6125 host name check: return an Error to refuse the certificate. */
  readonly checkServerIdentity?: (hostname: string, cert: NodePeerCertificate) => Error | undefined;
  /** A session from `getSession()` or the `session` event, to resume. */
  readonly session?: Uint8Array;
  /** Idle timeout in ms, as `socket.setTimeout()`. */
  readonly timeout?: number;
  readonly allowHalfOpen?: boolean;
  readonly highWaterMark?: number;
  /** A context from {@link createSecureContext}; its options apply under the ones given here. */
  readonly secureContext?: { readonly options: SecureContextOptions };
  /** Accepted for ported code: sslsocket offers only RFC 7919 groups and checks server DH groups itself. */
  readonly minDHSize?: number;
  /** Extra sslsocket client options for what node has no name for. */
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
