import type { CryptoProvider, PublicKey } from '@sslsocket/suites';
import type { ParsedCertificate } from './certificate.js';
import type { VerificationProfile } from './certificate-profile.js';
import type { CrlSource, ParsedCrl } from './crl.js';
import type { CertificateErrorReason } from './errors.js';
import type { HostnameMatchFun } from './hostname.js';
import type { OcspCheckMode } from './ocsp.js';
import type { CrlCheckMode } from './revocation.js';

/** What `verifyFun` is told about a certificate (Erlang's `{bad_cert, Reason}`, `{extension, _}`, `valid`, `valid_peer`). */
export type VerifyEvent =
  | { readonly type: 'bad_cert'; readonly reason: CertificateErrorReason; readonly message: string }
  | { readonly type: 'extension'; readonly oid: string; readonly critical: boolean }
  | { readonly type: 'valid' }
  | { readonly type: 'valid_peer' };

/** Erlang verify_fun's answer: accept, reject, or (for extensions) let validation decide. */
export type VerifyDecision = 'valid' | 'fail' | 'unknown';

/**
 * Called for each certificate from the trust anchor's child down to the peer; may override errors.
 * Its `state` is threaded through the calls, as Erlang's UserState.
 */
export type VerifyFun<S = unknown> = (
  certificate: ParsedCertificate,
  event: VerifyEvent,
  state: S,
) => { decision: VerifyDecision; state: S } | VerifyDecision;

/** Options for {@link verifyChain}. */
export interface VerifyChainOptions {
  /** Trust anchors, DER. */
  readonly roots: readonly Uint8Array[];
  /** Extra certificates that may serve as intermediates (OpenSSL's -untrusted). */
  readonly untrusted?: readonly Uint8Array[];
  readonly provider?: CryptoProvider;
  /** Validation time (default now). */
  readonly time?: Date;
  readonly hostname?: string;
  readonly ip?: string;
  /** Which extended key usage the leaf needs. */
  readonly purpose?: 'sslserver' | 'sslclient';
  /** Erlang `depth`: how many intermediates may follow the peer certificate (default 10). */
  readonly maxDepth?: number;
  /** Erlang `partial_chain`: trust any root-listed certificate met in the chain (true), or decide per chain. */
  readonly partialChain?: boolean | ((chain: readonly ParsedCertificate[]) => ParsedCertificate | undefined);
  /** Accept SHA-1 (and MD5, never by default) certificate signatures. */
  readonly allowSha1?: boolean;
  readonly allowMd5?: boolean;
  readonly verifyFun?: VerifyFun;
  readonly verifyFunState?: unknown;
  readonly customizeHostnameCheck?: HostnameMatchFun;
  /**
   * Erlang `crl_check`: true (every certificate below the anchor; a missing CRL fails), 'peer' (the
   * peer's certificate only) or 'best_effort' (a missing or unusable CRL is accepted). Default false.
   */
  readonly crlCheck?: CrlCheckMode;
  /** CRLs to use (DER or parsed), e.g. OpenSSL's -CRLfile. */
  readonly crls?: readonly (Uint8Array | ParsedCrl)[];
  /** Where to look CRLs up by issuer: a {@link CrlCache} or a {@link CrlDirectoryStore}. */
  readonly crlCache?: CrlSource;
  /** RFC 5280 §6.1.1 (f) initial-explicit-policy (OpenSSL -explicit_policy): the path must carry a policy. */
  readonly explicitPolicy?: boolean;
  /** RFC 5280 §6.1.1 (c) user-initial-policy-set as OIDs (OpenSSL -policy); default anyPolicy. */
  readonly policies?: readonly string[];
  /**
   * The certificate profile (default `'webpki'`): `'rfc5280'` relaxes the Web-PKI-only rules for a
   * private PKI. {@link VerificationProfile} lists every rule that differs.
   */
  readonly profile?: VerificationProfile;
  /**
   * Most name × constraint comparisons a path may need (default 250 000, as Go and rustls-webpki
   * bound it); past it validation fails with `name_constraints_too_complex` instead of working on.
   */
  readonly maxNameConstraintChecks?: number;
  /**
   * OCSP (RFC 6960) checking of stapled responses, as `crlCheck` for CRLs: false (default) ignores
   * them; `'staple'` requires a usable response for the leaf (missing, unusable or `unknown` fails);
   * `'best_effort'` checks a response when one is given and accepts a missing or unusable one.
   * `revoked` always fails with `cert_revoked` (alert certificate_revoked). Failures reach
   * `verifyFun` as `bad_cert` events, which may override them.
   */
  readonly ocspCheck?: OcspCheckMode;
  /** DER OCSPResponses (e.g. the TLS status_request staple); each is matched to a certificate by its CertID. */
  readonly ocspResponses?: readonly Uint8Array[];
  /** Clock skew tolerated on OCSP thisUpdate/nextUpdate, in seconds (default 300). */
  readonly ocspClockSkew?: number;
  /** A custom revocation check (e.g. OCSP), run after the CRL check: the reason when a certificate is revoked. */
  readonly revocationCheck?: (
    certificate: ParsedCertificate,
    issuer: ParsedCertificate,
  ) => Promise<CertificateErrorReason | undefined>;
}

/** A validated path. */
export interface VerifiedChain {
  /** Leaf first, trust anchor last. */
  readonly path: readonly ParsedCertificate[];
  readonly leaf: ParsedCertificate;
  readonly publicKey: PublicKey;
  readonly verifyFunState: unknown;
}
