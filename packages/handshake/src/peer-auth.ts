/**
 * Peer authentication both versions share: the certificate chain goes through one receiver that
 * runs the verification hook (`verifyCertificate`, else a pinned leaf) with the context our role
 * gives, and hook failures become the alert they name (RFC 8446 §4.4.2.4, RFC 5246 §7.4.2).
 * @module
 */
import type { HandshakeMessageBytes } from '@sslsocket/record';
import {
  isPromiseLike,
  type MaybePromise,
  type PublicKey,
  type SignatureSchemeName,
  TlsAlert,
} from '@sslsocket/suites';
import { equalBytes } from './bytes.js';
import { verifyPeerRawPublicKey } from './certificate-type.js';
import type { CertificateType, ConnectionConfig, VerifyContext } from './config.js';
import { andThen, type ConnectionCore, expectType, type HandshakeState } from './core.js';
import { HandshakeType } from './messages/handshake-type.js';
import { schemeCodes } from './negotiate.js';
import { publicKeyFromSpki, spkiFromCertificate } from './spki.js';
import { checkCertificateVerify } from './tls13/auth.js';
import type { Transcript } from './transcript.js';

/** Converts a hook failure into an alert: TlsAlert as is, `{ alert }` errors by name, else bad_certificate. */
export function hookAlert(error: unknown): TlsAlert {
  if (error instanceof TlsAlert) return error;
  const named = (error as { alert?: unknown } | null)?.alert;
  if (typeof named === 'string' || typeof named === 'number') {
    // A CertificateError's message already starts with its reason; when the reason is the alert's
    // name, say it once ("unknown_ca: no trusted issuer", not "unknown_ca: unknown_ca: ...").
    const message = (error as { message?: unknown }).message;
    const prefix = `${String(named)}: `;
    const text =
      typeof message !== 'string' ? undefined : message.startsWith(prefix) ? message.slice(prefix.length) : message;
    return new TlsAlert(named as ConstructorParameters<typeof TlsAlert>[0], text, { cause: error });
  }
  return new TlsAlert('bad_certificate', error instanceof Error ? error.message : 'certificate rejected', {
    cause: error,
  });
}

/**
 * Runs the verification hook: config.verifyCertificate, else a pinned leaf (config.pinnedCertificate),
 * else bad_certificate (no PKIX validator is wired into the engine by default).
 */
export function verifyPeerChain(
  config: ConnectionConfig,
  chain: readonly Uint8Array[],
  ctx: VerifyContext,
): MaybePromise<PublicKey> {
  try {
    if (config.verifyCertificate !== undefined) {
      const result = config.verifyCertificate(chain, ctx);
      return isPromiseLike(result)
        ? result.then(undefined, (e: unknown) => {
            throw hookAlert(e);
          })
        : result;
    }
  } catch (e) {
    throw hookAlert(e);
  }
  const pinned = config.pinnedCertificate;
  if (pinned !== undefined && chain[0] !== undefined && equalBytes(chain[0], pinned)) {
    return leafPublicKey(chain[0]);
  }
  throw new TlsAlert('bad_certificate', 'no verifyCertificate hook and the leaf is not the pinned certificate');
}

/**
 * Extracts the subjectPublicKeyInfo of an X.509 certificate for the pinned-certificate mode. A tiny
 * DER walk (Certificate → tbsCertificate → 7th field); the real PKIX parser lives in @sslsocket/pkix.
 */
export function leafPublicKey(der: Uint8Array): PublicKey {
  try {
    return publicKeyFromSpki(spkiFromCertificate(der));
  } catch (e) {
    throw new TlsAlert('bad_certificate', 'cannot read the leaf public key', { cause: e });
  }
}

/**
 * The one certificate receiver: verifies the peer's chain for our role and returns the key its
 * CertificateVerify (or TLS 1.2 key exchange) must match. A client gives the hook the name it asked
 * for and any stapled OCSP response (RFC 6066 §8); with `verifyPeer: false` it only reads the leaf
 * key. A server gives the name the client asked for (RFC 6066 §3).
 */
export function authenticatePeer(
  core: ConnectionCore,
  config: ConnectionConfig,
  chain: readonly Uint8Array[],
  seen: {
    readonly serverName?: string | undefined;
    readonly ocspResponse?: Uint8Array | undefined;
    /** RFC 7250: the peer's Certificate carries a raw public key, not a chain. */
    readonly certificateType?: CertificateType;
  } = {},
): MaybePromise<PublicKey> {
  if (seen.certificateType === 'raw_public_key') {
    const serverName = core.role === 'server' || config.serverName === false ? seen.serverName : config.serverName;
    return verifyPeerRawPublicKey(config, chain, { role: core.role, serverName, ocspResponse: undefined }, hookAlert);
  }
  if (core.role === 'server') {
    return verifyPeerChain(config, chain, { role: 'server', serverName: seen.serverName, ocspResponse: undefined });
  }
  if (config.verifyPeer === false) return leafPublicKey(chain[0] as Uint8Array);
  return verifyPeerChain(config, chain, {
    role: 'client',
    serverName: config.serverName === false ? undefined : config.serverName,
    ocspResponse: seen.ocspResponse,
  });
}

/**
 * RFC 8446 §4.4.3: the peer's TLS 1.3 CertificateVerify, for either role — a client checks the
 * server's signature, a server the client's, each over the transcript so far with the peer's
 * context string. Takes exactly the key the peer's certificate carried; `next` receives the scheme.
 */
export class ExpectCertificateVerify implements HandshakeState {
  readonly name: string;

  constructor(
    private readonly core: ConnectionCore,
    /** The handshake transcript the signature covers (RFC 8446 §4.4.3). */
    private readonly transcript: Transcript,
    /** The signature schemes we offered (RFC 8446 §4.4.3: the peer must use one of them). */
    private readonly offered: readonly number[],
    private readonly peerKey: PublicKey,
    private readonly next: (scheme: SignatureSchemeName) => HandshakeState,
  ) {
    this.name = core.role === 'client' ? 'ExpectCertificateVerify' : 'ExpectClientCertificateVerify';
  }

  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    expectType(message, HandshakeType.certificate_verify, this.name);
    return andThen(checkCertificateVerify(this.core, message, this.peerKey, this.offered, this.transcript), this.next);
  }
}

/**
 * TLS 1.3, either role (RFC 8446 §4.4.2-§4.4.3): verifies the peer's certificate chain, adds its
 * Certificate message to `transcript`, and expects the CertificateVerify that must match the
 * chain's key. `accepted` learns the key first and returns what follows a good signature.
 */
export function receivePeerCertificate13(
  core: ConnectionCore,
  config: ConnectionConfig,
  transcript: Transcript,
  message: HandshakeMessageBytes,
  chain: readonly Uint8Array[],
  seen: Parameters<typeof authenticatePeer>[3],
  accepted: (key: PublicKey) => (scheme: SignatureSchemeName) => HandshakeState,
): MaybePromise<HandshakeState> {
  return andThen(authenticatePeer(core, config, chain, seen), (key) => {
    const next = accepted(key);
    transcript.update(message.raw);
    return new ExpectCertificateVerify(core, transcript, schemeCodes(config.signatureAlgs), key, next);
  });
}
