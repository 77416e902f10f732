/**
 * Connection configuration: what both sides of the TLS 1.3 engine accept. Names follow Erlang `ssl`
 * options (camelCased). Every source of randomness and time is injectable so traces replay exactly.
 * @module
 */
import type {
  CertificateCompressionAlgorithm,
  CryptoProvider,
  DhParameters,
  GroupName,
  HashAlgorithm,
  MaybePromise,
  PrivateKey,
  PublicKey,
  SignatureSchemeName,
} from '@sslsocket/suites';
import type { Extension } from './messages/extensions.js';
import type { SessionStore } from './session-store.js';
import type { TicketKeys } from './ticket-keys.js';
import type { TicketStore } from './tickets.js';
import type { ServerSessionCache, Session12 } from './tls12/session.js';

export type { Session12 } from './tls12/session.js';

/** A certificate chain (DER, leaf first) with its private key. */
/**
 * The server's record of PSK identities (hex) whose 0-RTT data was accepted (RFC 8446 §8.1).
 * `has(identity)` true means: refuse this identity's early data (seen before, or the record is
 * full); `add(identity)` records an acceptance.
 */
export interface EarlyDataReplay {
  has(identity: string): boolean;
  add(identity: string): unknown;
}

export interface CertifiedKey {
  readonly certificateChain: readonly Uint8Array[];
  readonly privateKey: PrivateKey;
}

/** What the certificate verification hook learns about the handshake. */
export interface VerifyContext {
  readonly role: 'client' | 'server';
  /** The server name the client asked for (SNI), if any. */
  readonly serverName: string | undefined;
  /** OCSP response stapled to the leaf (status_request), if any. */
  readonly ocspResponse: Uint8Array | undefined;
}

/**
 * Verifies a peer chain and returns the leaf's public key; throws/rejects with a TlsAlert (or an
 * error with an `alert` property naming one) to refuse it.
 */
export type VerifyCertificate = (chain: readonly Uint8Array[], ctx: VerifyContext) => MaybePromise<PublicKey>;

/** RFC 7250 certificate types: an X.509 chain, or a bare SubjectPublicKeyInfo. */
export type CertificateType = 'x509' | 'raw_public_key';

/** A resumable TLS 1.3 session (from a NewSessionTicket), kept by the client. */
export interface Session13 {
  readonly version?: 'tlsv1.3';
  readonly cipherSuite: number;
  readonly psk: Uint8Array;
  readonly ticket: Uint8Array;
  readonly ticketAgeAdd: number;
  /** Lifetime in seconds from the server. */
  readonly lifetime: number;
  /** clock.now() when received (ms). */
  readonly receivedAt: number;
  readonly maxEarlyDataSize: number;
  readonly alpn: string | undefined;
  readonly serverName: string | undefined;
}

/** An external PSK (RFC 8446 §2.2, §4.2.11). */
export interface ExternalPsk {
  readonly identity: Uint8Array;
  readonly key: Uint8Array;
  /** The hash the PSK is bound to (default SHA-256). */
  readonly hash?: HashAlgorithm;
}

export interface ConnectionConfig {
  readonly provider: CryptoProvider;
  /** Random bytes for randoms, session ids, ticket nonces (default provider.randomBytes). */
  readonly random?: (length: number) => Uint8Array;
  readonly clock?: { now(): number };
  /** Versions to negotiate (default ['tlsv1.3', 'tlsv1.2']). */
  readonly versions?: readonly string[];
  /** Suites (TLS 1.3 and 1.2), by IANA name or code, in preference order. */
  readonly cipherSuites?: readonly (string | number)[];
  readonly groups?: readonly GroupName[];
  /** Client: groups that get a key share in the first ClientHello (default: the first group). */
  readonly keyShareGroups?: readonly GroupName[];
  /** Signature schemes by name or raw code (raw codes are sent as-is, e.g. legacy DSA codes). */
  readonly signatureAlgs?: readonly (SignatureSchemeName | number)[];
  readonly signatureAlgsCert?: readonly (SignatureSchemeName | number)[];
  /** Client: SNI host name; false disables SNI. Server: ignored. */
  readonly serverName?: string | false;
  /** Client: offered protocols. Server: supported protocols in preference order. */
  readonly alpn?: readonly string[];
  readonly certificateChain?: readonly Uint8Array[];
  readonly privateKey?: PrivateKey;
  /** Server: choose the certificate from the ClientHello's SNI. */
  readonly sniFun?: (serverName: string | undefined) => MaybePromise<CertifiedKey | undefined>;
  readonly sniHosts?: Readonly<Record<string, CertifiedKey>>;
  /** verify_peer (default true for clients, false for servers). */
  readonly verifyPeer?: boolean;
  /** Server: abort with certificate_required when the client sends no certificate. */
  readonly failIfNoPeerCert?: boolean;
  readonly verifyCertificate?: VerifyCertificate;
  /**
   * RFC 7250, TLS 1.3: types of the server's certificate, preferred first (default ['x509']). A
   * client offers them in server_certificate_type; a server picks the first one listed here that
   * the client offered (raw_public_key needs `rawPublicKey`).
   */
  readonly serverCertificateTypes?: readonly CertificateType[];
  /**
   * RFC 7250, TLS 1.3: types of the client's certificate (default ['x509']). A client offers the
   * ones it can present (raw_public_key needs `rawPublicKey`); a server lists what it
   * accepts, preferred first.
   */
  readonly clientCertificateTypes?: readonly CertificateType[];
  /** RFC 7250: our raw public key, a DER SubjectPublicKeyInfo of `privateKey`'s public half. */
  readonly rawPublicKey?: Uint8Array;
  /**
   * RFC 7250: decides whether the peer's raw public key (DER SubjectPublicKeyInfo) is trusted;
   * false, a throw or a rejection refuses it (bad_certificate unless the error names an alert).
   */
  readonly verifyRawPublicKey?: (spki: Uint8Array, ctx: VerifyContext) => MaybePromise<boolean>;
  /** Accept the peer iff its leaf equals this DER (used when no verifyCertificate hook is given). */
  readonly pinnedCertificate?: Uint8Array;
  /** Client: offer post_handshake_auth. Server: allow requesting it. */
  readonly postHandshakeAuth?: boolean;
  /**
   * Server: issue stateless tickets (TLS 1.3 and RFC 5077) sealed with the first key; any key opens
   * (rotation). Or a provider a fleet shares, asked at each seal / open for `{ current, accepted }`
   * (see `ticket-keys.ts`).
   */
  readonly ticketKeys?: TicketKeys;
  /**
   * Server: a custom TLS 1.3 ticket store used instead of ticketKeys, e.g. `statefulTickets(store,
   * random)` (stateful tickets in a shared {@link SessionStore}).
   */
  readonly ticketStore?: TicketStore;
  /** Server: early_data size advertised in tickets (RFC 8446 §4.2.10; default 0 = no 0-RTT). */
  readonly maxEarlyDataSize?: number;
  /** Server: tickets issued after the handshake (default 1 when ticketKeys is set). */
  readonly ticketCount?: number;
  /** Ticket lifetime in seconds (default 7200). */
  readonly ticketLifetime?: number;
  /** psk_key_exchange_modes, preferred first (default ['psk_dhe_ke']). */
  readonly pskModes?: readonly ('psk_dhe_ke' | 'psk_ke')[];
  /** Client: a session to resume (a TLS 1.3 ticket or a TLS 1.2 session id / ticket). */
  readonly session?: Session13 | Session12;
  /** Client: offer RFC 5077 session tickets in TLS 1.2 (default true). */
  readonly sessionTickets12?: boolean;
  /**
   * Server: the TLS 1.2 session-id cache shared by a listener's connections; without one no
   * session ids are issued (tickets still work when ticketKeys are set).
   */
  readonly sessionCache?: ServerSessionCache;
  /**
   * Server: the TLS 1.2 session-id cache as a {@link SessionStore} (possibly asynchronous, shared by
   * processes); used instead of `sessionCache`. Values use the stable encoding of `session-codec.ts`.
   */
  readonly sessionStore?: SessionStore;
  /** Server: seconds a session in `sessionStore` stays resumable (Erlang `session_lifetime`, default 7200; 0 stores none). */
  readonly sessionLifetime?: number;
  /**
   * Server: Erlang `reuse_session` policy: whether a TLS 1.2 session found in the cache or a
   * ticket may be resumed.
   */
  readonly reuseSessionPolicy?: (info: {
    readonly sessionId: Uint8Array;
    readonly peerCertificates: readonly Uint8Array[];
    readonly cipherSuite: number;
  }) => boolean;
  /**
   * TLS 1.2: require RFC 7627 extended master secret from the peer (default false: it is always
   * offered and used when the peer supports it, and a peer without it is accepted, as OpenSSL,
   * rustls, Go and NSS do). With true, a peer without it gets handshake_failure. Resumption follows
   * RFC 7627 §5.3 either way.
   */
  readonly requireExtendedMasterSecret?: boolean;
  /**
   * TLS 1.2: offer (client) / accept (server) RFC 7627 extended master secret at all (default true).
   * false behaves like a stack without it (OpenSSL `SSL_OP_NO_EXTENDED_MASTER_SECRET`, GnuTLS
   * `%NO_SESSION_HASH`): for tests and interop, not for production.
   */
  readonly extendedMasterSecret?: boolean;
  /** TLS 1.2 CBC suites: offer / accept RFC 7366 encrypt-then-MAC (default true). */
  readonly encryptThenMac?: boolean;
  /**
   * TLS 1.2: refuse renegotiation with a peer that lacks RFC 5746 secure renegotiation (default
   * true, Erlang `secure_renegotiate`).
   */
  readonly secureRenegotiate?: boolean;
  /** Server, TLS 1.2: allow client-initiated renegotiation (default true, Erlang `client_renegotiation`). */
  readonly clientRenegotiation?: boolean;
  /**
   * Records in a row that carry nothing (empty records, warning / user_canceled alerts, TLS 1.3
   * compatibility ChangeCipherSpec, ignored HelloRequests, TLS 1.3 NewSessionTickets) before the
   * peer is cut off with unexpected_message (default 32); refused TLS 1.2 renegotiation requests
   * count too and end with handshake_failure (RFC 5246 §7.2.2). Application data resets the count.
   * Bounds what a flooding peer costs.
   */
  readonly maxIdleRecords?: number;
  /** Server, TLS 1.2: client-initiated renegotiations allowed per minute (default 3). */
  readonly clientRenegotiationLimit?: number;
  /** Client, TLS 1.2: renegotiate when the server sends HelloRequest (default true). */
  readonly acceptHelloRequest?: boolean;
  /**
   * Server, TLS 1.2 DHE: custom group parameters (Erlang `dh` / `dhfile`), used when the client
   * names no RFC 7919 group (default ffdhe2048).
   */
  readonly dhParameters?: DhParameters;
  /** Client, TLS 1.2 DHE: smallest prime accepted from the server, in bits (default 1024). */
  readonly minDhBits?: number;
  /** Server, TLS 1.2 PSK suites: identity hint in ServerKeyExchange (Erlang `psk_identity`). */
  readonly pskIdentityHint?: Uint8Array;
  /**
   * Client, TLS 1.2 PSK suites without externalPsk: the identity to send; the key comes from
   * userLookupFun(hint) (Erlang `psk_identity` + `user_lookup_fun`).
   */
  readonly pskIdentity?: Uint8Array;
  /** Client: add TLS_FALLBACK_SCSV (RFC 7507) to a ClientHello that retries with lower versions. */
  readonly fallback?: boolean;
  /** Client: RFC 6066 max_fragment_length to request (512, 1024, 2048 or 4096). */
  readonly maxFragmentLength?: 512 | 1024 | 2048 | 4096;
  /**
   * Client: 0-RTT data sent with the ClientHello when resuming a session that allows early data
   * (RFC 8446 §4.2.10). Replayable by an attacker: only for idempotent requests.
   */
  readonly earlyData?: Uint8Array;
  /**
   * Server: shared record of tickets whose early data was accepted; a ticket seen again gets its
   * early data rejected (single-use tickets for 0-RTT, RFC 8446 §8.1). A `Set<string>` will do; a
   * bounded record answers `has` with true when it can remember no more (early data refused).
   */
  readonly earlyDataReplay?: EarlyDataReplay;
  /** Server: accepted difference between the client's and our ticket age, ms (default 10000). */
  readonly earlyDataAgeWindow?: number;
  /** Client: an external PSK to offer. */
  readonly externalPsk?: ExternalPsk;
  /** Server: external PSK lookup by identity; client (TLS 1.2): by the server's hint (Erlang user_lookup_fun). */
  readonly userLookupFun?: (identity: Uint8Array) => MaybePromise<Uint8Array | undefined>;
  /** Client: RFC 8446 App. D.4 middlebox compatibility (default true). */
  readonly middleboxCompat?: boolean;
  /** Client: pad ClientHellos of 256-511 bytes to 512 (RFC 7685; default true). */
  readonly padding?: boolean;
  /** Client: send RFC 8701 GREASE values (default false). */
  readonly grease?: boolean;
  /** RFC 8449 record_size_limit we advertise (default: not sent). */
  readonly recordSizeLimit?: number;
  /**
   * Largest handshake message accepted (default 256 KiB); also the largest Certificate a received
   * CompressedCertificate may decompress to (RFC 8879 §4-§5).
   */
  readonly maxHandshakeSize?: number;
  /**
   * RFC 8879 certificate compression (TLS 1.3), in our order of preference: offered in the
   * ClientHello / CertificateRequest for the peer's certificate, and used for ours when the peer
   * offers one. Only algorithms the provider's `certificateCompression` handles take effect
   * (default: none, no compression).
   */
  readonly certificateCompression?: readonly CertificateCompressionAlgorithm[];
  /** Server: choose the suite by our order, not the client's (default true). */
  readonly honorCipherOrder?: boolean;
  /**
   * Server group choice: true = strictly our first mutual group (HelloRetryRequest if the client sent
   * no share for it); false = the client's order; default = a group the client already sent a share
   * for, in our order, to save a round trip.
   */
  readonly honorEccOrder?: boolean;
  /**
   * Server: put a cookie in every HelloRetryRequest (RFC 8446 §4.2.2): random bytes, or what the
   * function returns for the first ClientHello.
   */
  readonly helloRetryCookie?: boolean | ((clientHello: Uint8Array) => Uint8Array);
  /** Server: always answer the first ClientHello with a HelloRetryRequest (with a cookie). */
  readonly helloRetryAlways?: boolean;
  /** Client: request an OCSP staple (status_request). Server: the staple to send. */
  readonly ocspStapling?: boolean;
  readonly ocspResponse?: Uint8Array;
  /** Server: send certificate_authorities in CertificateRequest. */
  readonly certificateAuthorities?: readonly Uint8Array[];
  /** KeyUpdate requests we accept without the peer answering (default 4). */
  readonly maxUnansweredKeyUpdates?: number;
  /**
   * Erlang `handshake: hello`: stop after the peer's hello (ClientHello on a server, ServerHello on
   * a client), emit a `hello` event with its extensions, and wait for `continue()` or `cancel()`.
   */
  readonly handshake?: 'full' | 'hello';
  /** Receives SSLKEYLOGFILE lines. */
  readonly keylog?: (line: string) => void;
  /** Test hook: fixed ephemeral secret per group (RFC 8448 replays). */
  readonly keyShareSecret?: (group: GroupName) => Uint8Array | undefined;
  /** Test hook: extra ClientHello extensions, placed by code in `extensionOrder` if given. */
  readonly extraExtensions?: readonly Extension[];
  /** Test hook: order of ClientHello / EncryptedExtensions extensions by code. */
  readonly extensionOrder?: readonly number[];
}
