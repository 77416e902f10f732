import { equalBytes } from '@noble/ciphers/utils.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { type CryptoProvider, nobleProvider } from '@sslsocket/suites';
import { type ParsedCertificate, parseCertificate, signatureSchemeOf } from './certificate.js';
import { CertificateError } from './errors.js';
import { type BasicResponse, decodeBasicResponse, decodeOcspResponse, type SingleResponse } from './ocsp-response.js';
import { OID } from './oids.js';

/**
 * What a stapled OCSP response means for validation, as Erlang's `crl_check` for CRLs: false
 * ignores responses; `'staple'` requires a usable one for the leaf; `'best_effort'` checks one when
 * present and accepts a missing or unusable one. A `revoked` answer always fails.
 */
export type OcspCheckMode = false | 'staple' | 'best_effort';

/** A usable OCSP answer for one certificate (RFC 6960 §4.2.1 SingleResponse). */
export interface OcspStatus {
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  readonly producedAt: Date;
  /** For `revoked`: when, and the CRLReason code (RFC 5280 §5.3.1) when given. */
  readonly revocationTime?: Date;
  readonly revocationReason?: number;
  /** Who signed: the issuing CA itself, or a delegated responder it certified (RFC 6960 §4.2.2.2). */
  readonly responder: 'issuer' | 'delegated';
}

/** Options for {@link verifyOcspResponse}. */
export interface VerifyOcspOptions {
  readonly provider?: CryptoProvider;
  /** The time to judge freshness at (default now). */
  readonly time?: Date;
  /** Seconds of clock skew tolerated on thisUpdate and nextUpdate (default 300). */
  readonly clockSkew?: number;
}

const DEFAULT_CLOCK_SKEW_SECONDS = 300;
const HASHES: Readonly<Record<string, (data: Uint8Array) => Uint8Array>> = {
  [OID.sha1]: sha1,
  [OID.sha256]: sha256,
  [OID.sha384]: sha384,
  [OID.sha512]: sha512,
};
const RESPONSE_STATUS = [
  'successful',
  'malformedRequest',
  'internalError',
  'tryLater',
  '(4)',
  'sigRequired',
  'unauthorized',
];

/** The response is about other certificates: a `bad_ocsp_response` whose CertIDs do not name this one. */
export class OcspCertIdMismatch extends CertificateError {}

const bad = (message: string, cause?: unknown) =>
  new CertificateError('bad_ocsp_response', message, undefined, cause === undefined ? undefined : { cause });

function decode(response: Uint8Array): BasicResponse {
  let outer: ReturnType<typeof decodeOcspResponse>;
  try {
    outer = decodeOcspResponse(response);
  } catch (cause) {
    throw bad('OCSP response does not decode', cause);
  }
  // RFC 6960 §4.2.1: only a successful response carries responseBytes worth reading.
  if (outer.status !== 0) throw bad(`OCSP responder answered ${RESPONSE_STATUS[outer.status] ?? outer.status}`);
  if (outer.response === undefined || outer.type !== OID.ocspBasic)
    throw bad('OCSP response is not an id-pkix-ocsp-basic response');
  try {
    return decodeBasicResponse(outer.response);
  } catch (cause) {
    throw bad('BasicOCSPResponse does not decode', cause);
  }
}

/** RFC 6960 §4.1.1: CertID names the certificate by its issuer's name and key hashes and its serial. */
function matchesCertId(single: SingleResponse, certificate: ParsedCertificate, issuer: ParsedCertificate): boolean {
  const hash = HASHES[single.hashOid];
  if (hash === undefined) return false;
  return (
    equalBytes(single.serial, certificate.serialBytes) &&
    equalBytes(single.issuerNameHash, hash(certificate.issuerDer)) &&
    equalBytes(single.issuerKeyHash, hash(issuer.publicKeyBits))
  );
}

/** RFC 6960 §4.2.2.3: ResponderID is the signer's Name or the SHA-1 hash of its key. */
function responderIs(basic: BasicResponse, candidate: ParsedCertificate): boolean {
  if (basic.responderName !== undefined) return equalBytes(basic.responderName, candidate.subjectDer);
  return equalBytes(basic.responderKeyHash as Uint8Array, sha1(candidate.publicKeyBits));
}

async function signedBy(basic: BasicResponse, signer: ParsedCertificate, provider: CryptoProvider) {
  const scheme = signatureSchemeOf(basic.signatureAlgorithm);
  if (scheme === undefined) return false;
  try {
    return await provider.verify(scheme, signer.publicKey, basic.tbs, basic.signature);
  } catch {
    return false;
  }
}

/**
 * The signer of `basic`: the issuer itself, or a delegated responder (RFC 6960 §4.2.2.2) — a
 * certificate in the response, issued and signed by `issuer`, valid at `time`, with
 * id-kp-OCSPSigning in its extendedKeyUsage. Throws when neither signed it.
 */
async function authorizedSigner(
  basic: BasicResponse,
  issuer: ParsedCertificate,
  time: Date,
  provider: CryptoProvider,
): Promise<'issuer' | 'delegated'> {
  if (responderIs(basic, issuer)) {
    if (await signedBy(basic, issuer, provider)) return 'issuer';
    throw bad(`OCSP response signature does not verify with ${issuer.subject}'s key`);
  }
  for (const embedded of basic.certs ?? []) {
    let candidate: ParsedCertificate;
    try {
      candidate = parseCertificate(embedded);
    } catch {
      continue;
    }
    if (!responderIs(basic, candidate)) continue;
    if (!equalBytes(candidate.issuerDer, issuer.subjectDer) || candidate.signatureScheme === undefined)
      throw bad(`OCSP responder ${candidate.subject} is not certified by ${issuer.subject}`);
    let issuedByCa = false;
    try {
      issuedByCa = await provider.verify(
        candidate.signatureScheme,
        issuer.publicKey,
        candidate.tbs,
        candidate.signature,
      );
    } catch {
      issuedByCa = false;
    }
    if (!issuedByCa) throw bad(`OCSP responder ${candidate.subject} is not certified by ${issuer.subject}`);
    if (!(candidate.extendedKeyUsage ?? []).includes(OID.ocspSigning))
      throw bad(`OCSP responder ${candidate.subject} lacks id-kp-OCSPSigning`);
    if (time < candidate.notBefore || time > candidate.notAfter)
      throw bad(`OCSP responder certificate ${candidate.subject} is not valid now`);
    if (await signedBy(basic, candidate, provider)) return 'delegated';
    throw bad(`OCSP response signature does not verify with ${candidate.subject}'s key`);
  }
  throw bad(`OCSP response is signed by neither ${issuer.subject} nor a responder it authorized`);
}

/**
 * Verifies a DER OCSPResponse (RFC 6960) for `certificate`, issued by `issuer`: the response is
 * successful and basic, signed by the issuer or by a delegated responder the issuer certified
 * for id-kp-OCSPSigning, one of its SingleResponses names `certificate` by CertID, and
 * thisUpdate ≤ time + skew ≤ nextUpdate + 2·skew (a response without nextUpdate is taken as
 * current, RFC 6960 §4.2.2.1). Returns the status, including `revoked` and `unknown`: deciding
 * what they mean is the caller's (see {@link OcspCheckMode}).
 *
 * Throws CertificateError('bad_ocsp_response') — TLS alert bad_certificate_status_response
 * (RFC 6066 §8) — for a response that cannot be relied on.
 *
 * @example
 * const { status } = await verifyOcspResponse(staple, leaf, intermediate, { time: new Date() });
 * if (status === 'revoked') throw new Error('revoked');
 */
export async function verifyOcspResponse(
  response: Uint8Array,
  certificate: ParsedCertificate,
  issuer: ParsedCertificate,
  options: VerifyOcspOptions = {},
): Promise<OcspStatus> {
  const time = options.time ?? new Date();
  const skew = (options.clockSkew ?? DEFAULT_CLOCK_SKEW_SECONDS) * 1000;
  const provider = options.provider ?? nobleProvider;
  const basic = decode(response);
  const single = basic.responses.find((entry) => matchesCertId(entry, certificate, issuer));
  if (single === undefined)
    throw new OcspCertIdMismatch(
      'bad_ocsp_response',
      `OCSP response does not cover ${certificate.subject} (serial ${certificate.serialNumber})`,
    );
  const responder = await authorizedSigner(basic, issuer, time, provider);
  if (single.thisUpdate.getTime() > time.getTime() + skew)
    throw bad(`OCSP response is not valid before ${single.thisUpdate.toISOString()}`);
  if (single.nextUpdate !== undefined && single.nextUpdate.getTime() < time.getTime() - skew)
    throw bad(`OCSP response expired ${single.nextUpdate.toISOString()}`);
  const base = {
    thisUpdate: single.thisUpdate,
    nextUpdate: single.nextUpdate,
    producedAt: basic.producedAt,
    responder,
  };
  if (single.status !== 'revoked') return { ...base, status: single.status };
  return {
    ...base,
    status: 'revoked',
    ...(single.revocationTime === undefined ? {} : { revocationTime: single.revocationTime }),
    ...(single.revocationReason === undefined ? {} : { revocationReason: single.revocationReason }),
  };
}
