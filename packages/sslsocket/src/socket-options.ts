import type {
  CrlCheckMode,
  CrlSource,
  HostnameMatchFun,
  ParsedCertificate,
  VerificationProfile,
  VerifyFun,
} from '@sslsocket/pkix';
import type {
  CertificateCompressionAlgorithm,
  CipherSuite,
  CryptoProvider,
  GroupName,
  PrivateKey,
  SignatureSchemeName,
} from '@sslsocket/suites';
import type { CommonLimitOptions, ListenerLimitOptions } from './limit-options.js';
import type { PacketMode } from './packet-framing.js';
import type { RawPublicKeyOptions } from './raw-public-key-options.js';
import type { ClientSessionOptions, ServerSessionOptions, TicketKeyProvider } from './session-options.js';
import type { Tls12ClientOptions, Tls12ServerOptions } from './tls12-options.js';

/** Erlang's active modes: deliver data as events (`true`), once, N times, or only through recv (`false`). */
export type ActiveMode = boolean | 'once' | number;

/** A TLS 1.2 signature_algorithms entry written as Erlang does: `[hash, sign]` (RFC 5246 §7.4.1.4.1). */
export type HashSignPair = readonly [
  'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512',
  'rsa' | 'dsa' | 'ecdsa',
];

/** Options shared by clients and servers (Erlang common options, camelCased). */
export interface CommonOptions extends RawPublicKeyOptions, CommonLimitOptions {
  /** Crypto implementation (default 'node' where node:crypto exists, else 'noble'). */
  readonly provider?: 'noble' | 'webcrypto' | 'node' | CryptoProvider;
  /**
   * Protocol versions to speak (Erlang `versions`), any order; default both,
   * `['tlsv1.3', 'tlsv1.2']`. The highest both sides share wins (RFC 8446 §4.2.1; TLS 1.3's
   * downgrade sentinel, §4.1.3, guards the choice). TLS 1.0/1.1 are not offered (RFC 8996).
   * An empty list or another name is an OptionError.
   *
   * @example
   * await connect('example.com', 443, { versions: ['tlsv1.3'] });
   */
  readonly versions?: readonly ('tlsv1.2' | 'tlsv1.3')[];
  /** Suites: an OpenSSL cipher string, or a list of names or suite objects (Erlang `ciphers`). */
  readonly ciphers?: string | readonly (string | CipherSuite)[];
  /**
   * Key-exchange groups in preference order (Erlang `eccs` / `supported_groups`): IANA names, and
   * for TLS 1.3 the ML-KEM groups as OpenSSL 3.5 spells them (`X25519MLKEM768`,
   * `SecP256r1MLKEM768`, `SecP384r1MLKEM1024`, `MLKEM512`, `MLKEM768`, `MLKEM1024`).
   */
  readonly eccs?: readonly GroupName[];
  /**
   * TLS 1.3 certificate compression (RFC 8879), in preference order: `'zlib'`, `'brotli'`
   * (`'zstd'` is accepted but no bundled provider has it). The list is offered for the peer's
   * certificate (client: in the ClientHello; server: in the CertificateRequest) and our own
   * certificate is sent compressed with the first of these the peer offered. Only algorithms the
   * provider implements take part: the node provider has zlib and brotli (node:zlib), noble and
   * webcrypto zlib (fflate). A received certificate may decompress to at most `maxHandshakeSize`
   * bytes and must match its announced length exactly, else the handshake fails with
   * `bad_certificate`. Default: none (no compression). Not an Erlang option (OTP has none).
   *
   * @example
   * await connect('example.com', 443, { certificateCompression: ['brotli', 'zlib'] });
   */
  readonly certificateCompression?: readonly CertificateCompressionAlgorithm[];
  /** Scheme names, or Erlang's TLS 1.2 `[hash, sign]` pairs (e.g. `['sha256', 'rsa']`). */
  readonly signatureAlgs?: readonly (SignatureSchemeName | HashSignPair)[];
  /**
   * Erlang `signature_algs_cert`: the schemes we accept in certificate signatures, sent as the
   * signature_algorithms_cert extension (RFC 8446 §4.2.3). Default: not sent, so `signatureAlgs`
   * governs certificates too. Scheme names as in `signatureAlgs` (e.g. `'rsa_pkcs1_sha256'`).
   */
  readonly signatureAlgsCert?: readonly SignatureSchemeName[];
  /**
   * Erlang `verify`: `'verify_peer'` validates the peer's chain (RFC 5280 path validation with the
   * `profile`, plus the host name on a client) and fails the handshake with the matching alert;
   * `'verify_none'` accepts any certificate. Default: `'verify_peer'` for clients (as OTP 26+),
   * `'verify_none'` for servers (a server asks for client certificates only with `'verify_peer'`).
   */
  readonly verify?: 'verify_none' | 'verify_peer';
  /**
   * Trusted roots (Erlang `cacerts`): each DER bytes or PEM text (one PEM string may hold many
   * certificates). Default with `verify_peer`: the platform's roots (Node's `tls.rootCertificates`).
   * A path string here is an OptionError that points to `cacertfile`.
   */
  readonly cacerts?: readonly (Uint8Array | string)[];
  /**
   * Erlang `cacertfile`: a PEM file of trusted roots, read when the socket is created (an unreadable
   * or empty file is an OptionError). Combined with `cacerts` when both are given.
   */
  readonly cacertfile?: string;
  /** Our chain: DER (one or a list, leaf first) or PEM text. */
  readonly cert?: Uint8Array | readonly Uint8Array[] | string;
  /**
   * Erlang `certfile`: a PEM file with our certificate, intermediates after it (leaf first, RFC 8446
   * §4.4.2). `listen()` reads it at once and refuses a key that does not match, naming both files.
   */
  readonly certfile?: string;
  /** Our private key: parsed, PEM text or PKCS#8 DER. */
  readonly key?: PrivateKey | string | Uint8Array;
  /**
   * Erlang `keyfile`: a PEM file with our private key (`PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`,
   * `RSA PRIVATE KEY`, `EC PRIVATE KEY`, legacy `Proc-Type: 4,ENCRYPTED`); encrypted ones need
   * `password`. Default: the key is looked for in `certfile`.
   */
  readonly keyfile?: string;
  /** Password for an encrypted key. */
  readonly password?: string;
  /** Erlang `depth`: intermediates allowed after the peer certificate (default 10). */
  readonly depth?: number;
  /** Erlang `partial_chain`: trust any listed root met in the chain (true), or pick the anchor per chain. */
  readonly partialChain?: boolean | ((chain: readonly ParsedCertificate[]) => ParsedCertificate | undefined);
  /**
   * Erlang `verify_fun`: `(certificate, event, state)` is called for each certificate from the
   * anchor's child down to the peer, with `{ type: 'valid' }` / `{ type: 'valid_peer' }`, and for each
   * problem found (`{ type: 'bad_cert', reason, message }`, `{ type: 'extension', oid, critical }`).
   * It answers `'valid'` (go on, overriding the problem), `'fail'` (abort: `user_rejected`) or
   * `'unknown'` (no opinion: a problem still fails with its own reason, an extension is left to
   * validation), optionally as `{ decision, state }` to
   * thread a state through the calls as Erlang's UserState. Runs with `verify_peer`.
   *
   * @example
   * verifyFun: (cert, event) => (event.type === 'bad_cert' && event.reason === 'cert_expired' ? 'valid' : 'unknown')
   */
  readonly verifyFun?: VerifyFun;
  /**
   * Erlang `customize_hostname_check` `match_fun`: compares a reference identity (the host we
   * connected to) with each presented name; true accepts, false rejects, undefined falls back to
   * the default RFC 6125 match (wildcards only as the whole left-most label, never over a public
   * suffix).
   */
  readonly customizeHostnameCheck?: HostnameMatchFun;
  /** Erlang `crl_check` (RFC 5280 §6.3): true, 'peer' or 'best_effort'. */
  readonly crlCheck?: CrlCheckMode;
  /**
   * Erlang `crl_cache`: where CRLs are found (`CrlCache`, `CrlDirectoryStore`, or `HttpCrlCache`
   * to download them from the certificates' http cRLDistributionPoints, Erlang `{http, Timeout}`).
   */
  readonly crlCache?: CrlSource;
  /**
   * The certificate profile peer validation applies (default `'webpki'`: RFC 5280 plus the CA/Browser
   * Forum Baseline Requirements); `'rfc5280'` relaxes the Web-PKI-only rules for a private PKI.
   * See pkix `VerificationProfile` for the list.
   */
  readonly profile?: VerificationProfile;
  /** Active mode for data delivery (default false: use recv() or the async iterator). */
  readonly active?: ActiveMode;
  /** SSLKEYLOGFILE lines, for Wireshark. */
  readonly keylog?: (line: string) => void;
  /** Keep this connection's SSLKEYLOGFILE lines for `connectionInformation(['keylog'])` (Erlang keep_secrets). */
  readonly keepSecrets?: boolean;
  /**
   * What a stream that ends without close_notify (a possible truncation, RFC 8446 §6.1 / RFC 5246
   * §7.2.1) does to passive reads: 'closed' (default, as Erlang) ends them like a clean close;
   * 'error' makes `recv()` and the async iterator fail with SocketStateError('truncated'), as
   * OpenSSL 3 reports "unexpected eof". Either way the `closed` event, `connectionInformation()`
   * and `getstat()` say `'truncated'`.
   */
  readonly unexpectedEof?: 'closed' | 'error';
  /** Unread bytes buffered before reading from the transport pauses (default 1 MiB). */
  readonly highWaterMark?: number;
  /**
   * TLS 1.3 psk_key_exchange_modes (RFC 8446 §4.2.9), preferred first: 'psk_dhe_ke' (default; a
   * fresh (EC)DHE share gives forward secrecy) and/or 'psk_ke' (PSK alone, for constrained peers).
   * Applies to resumption and to external PSKs (`pskIdentity` + `userLookupFun`).
   */
  readonly pskModes?: readonly ('psk_dhe_ke' | 'psk_ke')[];
  /** Erlang `handshake`: 'hello' pauses after the peer's hello; see handshakeContinue / handshakeCancel. */
  readonly handshake?: 'hello' | 'full';
  /** Erlang `protocol`: 'tls' (default); `connect`/`listen` with 'dtls' take `DtlsClientOptions` / `DtlsServerOptions`. */
  readonly protocol?: 'tls';
  /** Accepted for ported code and ignored: errors are values (`TlsAlert`), there is no logger. */
  readonly logLevel?:
    | 'none'
    | 'all'
    | 'emergency'
    | 'alert'
    | 'critical'
    | 'error'
    | 'warning'
    | 'notice'
    | 'info'
    | 'debug';
  /** Accepted and ignored (Erlang `log_alert`, deprecated there too). */
  readonly logAlert?: boolean;
  /** Accepted and ignored: there is no process to hibernate; an idle socket holds only its buffers. */
  readonly hibernateAfter?: number;
  /** Accepted and ignored: TLS 1.0 only; sslsocket speaks TLS 1.2 and 1.3. */
  readonly paddingCheck?: boolean;
  /** Accepted and ignored: TLS 1.0 only. */
  readonly beastMitigation?: 'one_n_minus_one' | 'zero_n' | 'disabled';
  /** Accepted and ignored (no effect in Erlang either). */
  readonly sslImp?: 'new' | 'old';
  /** Socket option `mode`: only 'binary' (data is always a Uint8Array). */
  readonly mode?: 'binary';
  /**
   * Erlang socket option `packet`: 0 / 'raw' (default) delivers data as it arrives; 1, 2 or 4
   * strip (on receive) and add (on send) a big-endian length header of that many bytes, one
   * message per packet; 'line' delivers one line (with its `\n`) per message. Applies to recv(),
   * the iterator and `data` events; changeable with `setopts`.
   */
  readonly packet?: PacketMode;
  /**
   * Erlang `packet_size`: the largest packet accepted (a longer one fails the socket with
   * SocketStateError('emsgsize')), or the longest line (a longer one arrives in pieces). 0 (default)
   * means the 64 MiB ceiling Erlang's ssl keeps.
   */
  readonly packetSize?: number;
  /** Socket option `header`: only 0. */
  readonly header?: 0;
  /** @deprecated Not supported: pass a `Transport` to `connect(transport, ...)` / `handshake(transport, ...)`. */
  readonly cbInfo?: never;
}

/** Client options (Erlang client options). */
export interface ClientOptions extends CommonOptions, Tls12ClientOptions, ClientSessionOptions {
  /** SNI name and the name the certificate must match; 'disable' sends none (Erlang server_name_indication). */
  readonly serverNameIndication?: string | 'disable';
  /**
   * Erlang `alpn_advertised_protocols`: the protocols we offer (RFC 7301), preferred first, e.g.
   * `['h2', 'http/1.1']`; each 1–255 bytes. The server's pick is `negotiatedProtocol()`; a server
   * that shares none answers `no_application_protocol`. Default: no ALPN extension.
   */
  readonly alpnAdvertisedProtocols?: readonly string[];
  /** A saved session to resume (Erlang reuse_session). */
  readonly reuseSession?: unknown;
  /** Keep sessions for later connections to the same host and port (Erlang reuse_sessions). */
  readonly reuseSessions?: boolean | 'save';
  /**
   * Erlang `middlebox_comp_mode`: TLS 1.3 middlebox compatibility mode (RFC 8446 App. D.4): a fake
   * session id and change_cipher_spec records so TLS 1.2-era middleboxes let the handshake through.
   * Default true; false sends an empty session id.
   */
  readonly middleboxCompMode?: boolean;
  /**
   * TLS 1.3 0-RTT: bytes sent with the ClientHello when resuming a session that allows early data
   * (replayable by an attacker: only for idempotent requests).
   */
  readonly earlyData?: Uint8Array | string;
  /**
   * RFC 8446 §4.6.2: offer post-handshake client authentication (OpenSSL `-enable_pha`), so the
   * server may ask for our certificate (`cert`/`key`) after the handshake. TLS 1.3 only.
   */
  readonly postHandshakeAuth?: boolean;
  /**
   * RFC 6066 §8 status_request: ask the server to staple an OCSP response (OpenSSL `-status`). The
   * DER response is given to `verifyFun` as its initial state `{ ocspResponse }` and reported by
   * `connectionInformation().ocspResponse` (undefined when the server sent none).
   */
  readonly ocspStapling?: boolean;
  /**
   * With `ocspStapling` and `verify_peer`: how the pkix OCSP verifier (RFC 6960: signature, CertID,
   * freshness) judges the staple. 'best_effort' (default) fails the handshake on a revoked
   * certificate (alert certificate_revoked) and accepts a missing or unusable staple; 'staple'
   * requires a good one (must-staple); false leaves the decision to `verifyFun`.
   */
  readonly ocspCheck?: 'staple' | 'best_effort' | false;
  /** @deprecated Not supported: SRP suites are not offered. */
  readonly srpIdentity?: never;
  /** @deprecated Not supported: NPN was replaced by ALPN; use `alpnAdvertisedProtocols`. */
  readonly clientPreferredNextProtocols?: never;
}

/** A certificate and key, as `sniHosts` entries and `certsKeys` give them. */
export interface CertKeyOptions {
  /** The chain for this host name: as {@link CommonOptions.cert}. */
  readonly cert?: CommonOptions['cert'];
  /** As {@link CommonOptions.certfile}. */
  readonly certfile?: string;
  /** The private key for `cert`: as {@link CommonOptions.key}. */
  readonly key?: CommonOptions['key'];
  /** As {@link CommonOptions.keyfile}. */
  readonly keyfile?: string;
  /** Password of an encrypted `key` / `keyfile`. */
  readonly password?: string;
}

/** Server options (Erlang server options). */
export interface ServerOptions extends CommonOptions, Tls12ServerOptions, ServerSessionOptions, ListenerLimitOptions {
  /**
   * Erlang `alpn_preferred_protocols`: the protocols we accept (RFC 7301), in our preference order;
   * the first one the client also offers is chosen. A client offering only others gets the
   * `no_application_protocol` alert (RFC 7301 §3.2). Default: ALPN ignored.
   */
  readonly alpnPreferredProtocols?: readonly string[];
  /**
   * Erlang `fail_if_no_peer_cert`: with `verify: 'verify_peer'`, a client that sends no certificate
   * fails the handshake (`certificate_required` in TLS 1.3, RFC 8446 §4.4.2.4;
   * `handshake_failure` in TLS 1.2). Default false: a client may stay anonymous.
   */
  readonly failIfNoPeerCert?: boolean;
  /**
   * Erlang `sni_hosts`: certificate and key per server name (RFC 6066 §3), matched
   * case-insensitively against the client's SNI; other names get the listener's own `cert`/`key`.
   *
   * @example
   * sniHosts: { 'a.example': { certfile: 'a.pem', keyfile: 'a.key' } }
   */
  readonly sniHosts?: Readonly<Record<string, CertKeyOptions>>;
  /**
   * Erlang `sni_fun`: called with the client's server name (undefined without SNI); returns the
   * options for that name (certificate, key, ...) or undefined to use the listener's. May be async.
   */
  readonly sniFun?: (
    serverName: string | undefined,
  ) => CertKeyOptions | undefined | Promise<CertKeyOptions | undefined>;
  /**
   * Erlang `honor_cipher_order`: true (default) picks the suite by our `ciphers` order, false by the
   * client's.
   */
  readonly honorCipherOrder?: boolean;
  /**
   * Erlang `honor_ecc_order`: true picks strictly our first group the client supports (a
   * HelloRetryRequest when it sent no share for it, RFC 8446 §4.1.4); false the client's order;
   * default a group the client already sent a share for, in our order (saves a round trip).
   */
  readonly honorEccOrder?: boolean;
  /**
   * TLS 1.3 tickets (Erlang `session_tickets`): 'stateless' (default) seals the session into the
   * ticket with `ticketKeys`; 'stateful' sends a random id and keeps the session in `sessionStore`
   * for `ticketLifetime` seconds, each ticket used once (RFC 8446 §8.1); 'disabled' sends none.
   */
  readonly sessionTickets?: 'disabled' | 'stateless' | 'stateful';
  /**
   * Ticket-sealing secrets (TLS 1.3 stateless tickets and RFC 5077 TLS 1.2 tickets; default one
   * random key per listener), each 32 bytes or more: a list whose first key seals and whose every
   * key opens, or a provider `() => { current, accepted }` (may return a Promise) asked at each
   * seal and open, so a fleet rotates keys together (README "Ticket key rotation").
   */
  readonly ticketKeys?: readonly Uint8Array[] | TicketKeyProvider;
  /**
   * Session ticket lifetime in seconds (default 7200, at most 604800 = 7 days, RFC 8446 §4.6.1),
   * sent as ticket_lifetime_hint / ticket_lifetime; older tickets are refused on resumption.
   */
  readonly ticketLifetime?: number;
  /**
   * TLS 1.3 0-RTT: accept early data on resumed connections (default 'disabled'). Each ticket's
   * early data is accepted once (RFC 8446 §8.1): the listener remembers the ticket until it expires
   * (`ticketLifetime` + 10 s), at most 50,000 tickets at a time; past that, early data is refused
   * and the handshake continues in 1-RTT.
   */
  readonly earlyData?: 'enabled' | 'disabled';
  /** TLS 1.3 0-RTT: the most early data a ticket allows (default 16384 when enabled). */
  readonly maxEarlyDataSize?: number;
  /**
   * RFC 6066 §8 / RFC 8446 §4.4.2.1: the OCSP response (DER) to staple for clients that send
   * status_request, or a function that returns a fresh one for each connection (undefined: none).
   */
  readonly ocspResponse?: Uint8Array | (() => Uint8Array | undefined | Promise<Uint8Array | undefined>);
  /**
   * TLS 1.3: with `verify: 'verify_peer'`, ask for the client certificate after the handshake only,
   * with `socket.requestClientCertificate()` (OpenSSL's SSL_VERIFY_POST_HANDSHAKE), instead of in
   * the handshake. The chain is verified as in the handshake. TLS 1.2 clients are then not asked.
   */
  readonly postHandshakeAuth?: boolean;
  /** A file holding the DER OCSP response to staple (OpenSSL `s_server -status_file`); read at listen(). */
  readonly ocspResponseFile?: string;
  /** @deprecated Not supported: NPN was replaced by ALPN; use `alpnPreferredProtocols`. */
  readonly nextProtocolsAdvertised?: never;
}
