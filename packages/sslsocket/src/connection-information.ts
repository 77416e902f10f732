import type { ClientConnection, NegotiatedParameters, ServerConnection } from '@sslsocket/handshake';
import { suiteByCode } from '@sslsocket/suites';
import { SocketStateError } from './errors.js';
import type { PeerClose } from './socket-events.js';

/** What `connectionInformation()` reports (Erlang connection_information/1,2). */
export interface ConnectionInformation {
  readonly protocol: 'tlsv1.3' | 'tlsv1.2';
  readonly selectedCipherSuite: string;
  readonly cipherSuiteCode: number;
  readonly sniHostname: string | undefined;
  readonly negotiatedGroup: string | undefined;
  readonly signatureScheme: string | undefined;
  readonly alpn: string | undefined;
  readonly sessionResumption: boolean;
  readonly helloRetry: boolean;
  /** TLS 1.2: the session id (empty when the server gave none). */
  readonly sessionId: Uint8Array | undefined;
  /** TLS 1.2: RFC 7627 extended master secret, RFC 7366 encrypt-then-MAC, RFC 5746 secure renegotiation. */
  readonly extendedMasterSecret: boolean | undefined;
  readonly encryptThenMac: boolean | undefined;
  readonly secureRenegotiation: boolean | undefined;
  /** TLS 1.3 0-RTT on this connection (client view: whether the server took our early data). */
  readonly earlyData: 'accepted' | 'rejected' | 'none';
  /** How the peer ended its side: undefined while open, `'truncated'` without close_notify (RFC 8446 §6.1). */
  readonly peerClose: PeerClose | undefined;
  /** Client with `ocspStapling`: the DER OCSP response the server stapled (RFC 6066 §8), if any. */
  readonly ocspResponse: Uint8Array | undefined;
  /**
   * TLS 1.3, RFC 7250: each side's certificate type ('x509' or 'raw_public_key'); absent for TLS 1.2
   * (always X.509 there).
   */
  readonly certificateTypes?: {
    readonly server: 'x509' | 'raw_public_key';
    readonly client: 'x509' | 'raw_public_key';
  };
  /** RFC 7250: the peer's raw public key (DER SubjectPublicKeyInfo) when it sent one; `peercert()` is then undefined. */
  readonly peerRawPublicKey?: Uint8Array;
  /** Only when asked for by name (Erlang: client_random, server_random, master_secret; TLS 1.2). */
  readonly clientRandom?: Uint8Array;
  readonly serverRandom?: Uint8Array;
  readonly masterSecret?: Uint8Array;
  /** SSLKEYLOGFILE lines of this connection (needs `keepSecrets` or a `keylog` callback). */
  readonly keylog?: readonly string[];
}

/** Secret items `connectionInformation()` returns only when asked for explicitly. */
export type SecretInformationItem = 'clientRandom' | 'serverRandom' | 'masterSecret' | 'keylog';

/** Any item `connectionInformation(items)` can name (Erlang connection_information/2 Items). */
export type InformationItem = keyof ConnectionInformation;

const SECRET_ITEMS: ReadonlySet<string> = new Set<SecretInformationItem>([
  'clientRandom',
  'serverRandom',
  'masterSecret',
  'keylog',
]);

/** True for the items only returned when named. */
export function isSecretItem(item: string): item is SecretInformationItem {
  return SECRET_ITEMS.has(item);
}

/**
 * Erlang connection_information/2: just the named items (secrets included when named). An unknown
 * name is an error rather than a silent absence.
 */
export function pickInformation<K extends InformationItem>(
  all: ConnectionInformation,
  items: readonly K[],
): Pick<ConnectionInformation, K> {
  const picked: Partial<Record<InformationItem, unknown>> = {};
  for (const item of items) {
    if (!(item in all) && !isSecretItem(item)) {
      throw new SocketStateError('einval', `connectionInformation: unknown item ${JSON.stringify(item)}`);
    }
    if (item in all) picked[item] = all[item];
  }
  return picked as Pick<ConnectionInformation, K>;
}

/**
 * Builds Erlang's `connection_information/1,2` answer from the negotiated parameters; secrets only
 * when named in `items`.
 */
export function describeConnection(
  p: NegotiatedParameters,
  connection: ClientConnection | ServerConnection,
  earlyData: boolean | undefined,
  peerClose: PeerClose | undefined,
  ocspResponse: Uint8Array | undefined,
  keylogLines: readonly string[],
  items: readonly SecretInformationItem[],
): ConnectionInformation {
  const secrets = items.length > 0 ? connection.secrets12() : undefined;
  const pick = (name: Exclude<SecretInformationItem, 'keylog'>): Partial<ConnectionInformation> =>
    items.includes(name) && secrets !== undefined ? { [name]: secrets[name] } : {};
  return {
    sessionId: p.sessionId,
    extendedMasterSecret: p.extendedMasterSecret,
    encryptThenMac: p.encryptThenMac,
    secureRenegotiation: p.secureRenegotiation,
    earlyData: earlyData === undefined ? 'none' : earlyData ? 'accepted' : 'rejected',
    ...pick('clientRandom'),
    ...pick('serverRandom'),
    ...pick('masterSecret'),
    ...(items.includes('keylog') ? { keylog: [...keylogLines] } : {}),
    protocol: p.version,
    selectedCipherSuite: suiteByCode(p.cipherSuiteCode)?.name ?? p.cipherSuite,
    cipherSuiteCode: p.cipherSuiteCode,
    sniHostname: p.serverName,
    negotiatedGroup: p.group,
    signatureScheme: p.signatureScheme,
    alpn: p.alpn,
    sessionResumption: p.resumed,
    helloRetry: p.helloRetry,
    peerClose,
    ocspResponse,
    ...(p.certificateTypes === undefined ? {} : { certificateTypes: p.certificateTypes }),
    ...(p.peerRawPublicKey === undefined ? {} : { peerRawPublicKey: p.peerRawPublicKey }),
  };
}
