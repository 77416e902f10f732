/**
 * Options that only matter when TLS 1.2 is negotiated (Erlang `ssl` names, camelCased). Kept apart
 * so the TLS 1.3 options read on their own; `ClientOptions` / `ServerOptions` include these.
 * @module
 */
import type { ServerSessionCache } from '@sslsocket/handshake';

/** Erlang `user_lookup_fun`: the PSK for an identity (server) or a server hint (client). */
export type UserLookupFun = (identityOrHint: Uint8Array) => Uint8Array | undefined | Promise<Uint8Array | undefined>;

/** TLS 1.2 options both sides accept. */
export interface Tls12CommonOptions {
  /** RFC 5746: refuse renegotiation with a peer that lacks secure renegotiation (default true). */
  readonly secureRenegotiate?: boolean;
  /** RFC 7627: refuse a peer without extended master secret (default false: always offered and preferred, its absence accepted). */
  readonly requireExtendedMasterSecret?: boolean;
  /** RFC 7627: offer / accept extended master secret at all (default true; false is for tests and interop). */
  readonly extendedMasterSecret?: boolean;
  /** RFC 7366 encrypt-then-MAC for CBC suites (default true). */
  readonly encryptThenMac?: boolean;
  /**
   * Erlang `user_lookup_fun` (RFC 4279 PSK, RFC 8446 §4.2.11 external PSKs): on a server, the
   * pre-shared key for the identity a client sends; on a TLS 1.2 client, the key for the server's
   * identity hint. Returns the key bytes, or undefined for an unknown identity (the handshake then
   * fails). May be async.
   *
   * @example
   * userLookupFun: (identity) => (new TextDecoder().decode(identity) === 'client1' ? psk : undefined)
   */
  readonly userLookupFun?: UserLookupFun;
}

/** TLS 1.2 client options. */
export interface Tls12ClientOptions extends Tls12CommonOptions {
  /** The PSK identity to send for PSK suites (Erlang `psk_identity`). */
  readonly pskIdentity?: string | Uint8Array;
  /** Send TLS_FALLBACK_SCSV (RFC 7507): this connection retries with lower versions. */
  readonly fallback?: boolean;
  /** RFC 6066 max_fragment_length to request. */
  readonly maxFragmentLength?: 512 | 1024 | 2048 | 4096;
}

/** Erlang server `reuse_session` policy. */
export type ReuseSessionPolicy = (
  sessionId: Uint8Array,
  peerCertificate: Uint8Array | undefined,
  compression: number,
  cipherSuite: number,
) => boolean;

/** TLS 1.2 server options. */
export interface Tls12ServerOptions extends Tls12CommonOptions {
  /** Allow client-initiated renegotiation (default true; rate limited). */
  readonly clientRenegotiation?: boolean;
  /** Custom DHE parameters: PKCS#3 PEM text or DER (Erlang `dh`). */
  readonly dh?: string | Uint8Array;
  /** A PEM file with DHE parameters (Erlang `dhfile`). */
  readonly dhfile?: string;
  /** The PSK identity hint sent in ServerKeyExchange (Erlang server `psk_identity`). */
  readonly pskIdentity?: string | Uint8Array;
  /** Keep a session-id cache and resume from it (Erlang server `reuse_sessions`, default true). */
  readonly reuseSessions?: boolean;
  /** Erlang server `reuse_session`: decides whether a cached session may be resumed. */
  readonly reuseSession?: ReuseSessionPolicy;
  /**
   * Seconds a cached TLS 1.2 session stays resumable (Erlang `session_lifetime`, default 7200); also
   * the TTL of its `sessionStore` entry. 0 caches none.
   */
  readonly sessionLifetime?: number;
  /** Largest number of cached sessions in the default `MemorySessionStore` (Erlang `session_cache_server_max`, default 1000). */
  readonly sessionCacheServerMax?: number;
  /**
   * Superseded by `sessionStore` (which also serves other processes and asynchronous stores); kept
   * for existing code: the in-process session-id cache to use instead of a fresh store per listener
   * (one shared by several listeners, or a subclass). `sessionLifetime` and `sessionCacheServerMax`
   * are then its own. Exclusive with `sessionStore`.
   */
  readonly sessionCache?: ServerSessionCache;
}
