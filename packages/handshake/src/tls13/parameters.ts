/**
 * What a completed TLS 1.3 handshake agreed, built the same way on both sides.
 * @module
 */
import type { CipherSuite, PublicKey, SignatureSchemeName } from '@sslsocket/suites';
import type { NegotiatedCertificateTypes } from '../certificate-type.js';
import type { NegotiatedParameters } from '../events.js';
import { groupName } from '../negotiate.js';

/** What either side's handshake data learned (ClientHandshake and ServerHandshake both have it). */
interface Learned13 {
  readonly group: number | undefined;
  readonly alpn: string | undefined;
  readonly helloRetry: boolean;
  readonly peerChain: Uint8Array[];
  readonly peerKey: PublicKey | undefined;
  readonly peerRecordSizeLimit: number | undefined;
  readonly certificateTypes?: NegotiatedCertificateTypes;
  readonly peerRawPublicKey?: Uint8Array | undefined;
}

/**
 * The parameters of a completed TLS 1.3 handshake. `signatureScheme` is the server's
 * CertificateVerify scheme on both sides, so both report the same one.
 */
export function parameters13(
  hs: Learned13,
  suite: CipherSuite,
  side: { signatureScheme: SignatureSchemeName | undefined; serverName: string | undefined; resumed: boolean },
): NegotiatedParameters {
  return {
    version: 'tlsv1.3',
    cipherSuite: suite.name,
    cipherSuiteCode: suite.code,
    group: hs.group === undefined ? undefined : groupName(hs.group),
    signatureScheme: side.signatureScheme,
    alpn: hs.alpn,
    serverName: side.serverName,
    resumed: side.resumed,
    helloRetry: hs.helloRetry,
    peerCertificates: hs.peerChain,
    peerPublicKey: hs.peerKey,
    peerRecordSizeLimit: hs.peerRecordSizeLimit,
    ...(hs.certificateTypes === undefined ? {} : { certificateTypes: hs.certificateTypes }),
    ...(hs.peerRawPublicKey === undefined ? {} : { peerRawPublicKey: hs.peerRawPublicKey }),
  };
}
