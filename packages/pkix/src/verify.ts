import { nobleProvider } from '@sslsocket/suites';
import { type ParsedCertificate, parseCertificate } from './certificate.js';
import { ChainValidator, DEFAULT_MAX_DEPTH, type ValidationContext } from './chain-validator.js';
import { CertificateError, type CertificateErrorReason } from './errors.js';
import { OcspChecker } from './ocsp-check.js';
import { candidatePaths, isSelfIssued, SignatureChecker } from './path-building.js';
import { CrlChecker } from './revocation.js';
import type { VerifiedChain, VerifyChainOptions } from './verify-options.js';

export type { VerifiedChain, VerifyChainOptions, VerifyDecision, VerifyEvent, VerifyFun } from './verify-options.js';

/** Paths tried before giving up with the first one's error. */
const MAX_CANDIDATE_PATHS = 16;

/**
 * Builds and validates a certificate path (RFC 5280 §6) from the peer's chain (leaf first, any
 * order after it, unrelated extras ignored) to one of `roots`, trying cross-signed alternatives
 * depth-first (RFC 4158; at most 16 candidate paths and 256 signature checks). Every certificate,
 * the trust anchor included, must also meet the certificate profile of `options.profile`
 * (default `'webpki'`: RFC 5280 plus the CA/Browser Forum Baseline Requirements; `'rfc5280'` for
 * private PKIs, see {@link VerificationProfile}); then the host name or IP, CRLs (`crlCheck`) and
 * stapled OCSP responses (`ocspCheck`, RFC 6960) are checked.
 *
 * Rejects with a CertificateError naming the reason (Erlang-style, e.g. `unknown_ca`,
 * `ca_certificate_as_leaf`, `name_constraints_too_complex`, `cert_revoked`), the depth of the
 * certificate at fault and the TLS alert to send; never with another exception type.
 *
 * @example
 * const { publicKey } = await verifyChain(peerChain, { roots, hostname: 'example.com', purpose: 'sslserver' });
 * // A private CA whose certificates do not follow the Baseline Requirements:
 * await verifyChain(peerChain, { roots: [corporateRoot], profile: 'rfc5280' });
 */
export async function verifyChain(chain: readonly Uint8Array[], options: VerifyChainOptions): Promise<VerifiedChain> {
  try {
    return await buildAndValidate(chain, options);
  } catch (error) {
    if (error instanceof CertificateError) throw error;
    // An extension whose inner structure does not decode (our DER reader threw):
    // the certificate is malformed; no other kind of exception escapes validation.
    throw new CertificateError('malformed_certificate', (error as Error).message ?? String(error), undefined, {
      cause: error,
    });
  }
}

async function buildAndValidate(chain: readonly Uint8Array[], options: VerifyChainOptions): Promise<VerifiedChain> {
  if (chain.length === 0) throw new CertificateError('malformed_certificate', 'empty certificate chain');
  const parsed = chain.map((der) => parseCertificate(der));
  const leaf = parsed[0] as ParsedCertificate;
  const pool = [...parsed.slice(1), ...(options.untrusted ?? []).map((der) => parseCertificate(der))];
  const roots = options.roots.map((der) => parseCertificate(der));
  const provider = options.provider ?? nobleProvider;
  const checkCrls = (options.crlCheck ?? false) !== false;
  const context: ValidationContext = {
    signatures: new SignatureChecker(provider),
    crls: checkCrls ? new CrlChecker(provider, options.crls ?? [], options.crlCache) : undefined,
    ocsp:
      (options.ocspCheck ?? false) === false
        ? undefined
        : new OcspChecker(options.ocspCheck as 'staple' | 'best_effort', options.ocspResponses ?? [], {
            provider,
            time: options.time ?? new Date(),
            clockSkew: options.ocspClockSkew,
          }),
  };
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  // Trust anchors are self-signed roots (RFC 5280 §6.1 with OpenSSL's default); Erlang's
  // partial_chain (OpenSSL -partial_chain) lets any listed certificate anchor the path.
  let anchors = options.partialChain === true ? roots : roots.filter(isSelfIssued);
  if (typeof options.partialChain === 'function') {
    // Erlang partial_chain fun: it may name a certificate of the peer's chain as the trusted one.
    const chosen = options.partialChain(parsed);
    if (chosen !== undefined) anchors = [...anchors, chosen];
  }
  // Cross-signing gives several paths: try each (RFC 4158 §2.4) and keep the first that validates.
  // Trials run without verify_fun, so the user's callback sees only the path finally chosen.
  const { verifyFun: _verifyFun, revocationCheck: _revocationCheck, ...withoutFun } = options;
  let first: ParsedCertificate[] | undefined;
  let chosen: ParsedCertificate[] | undefined;
  let tried = 0;
  for await (const candidate of candidatePaths(leaf, pool, anchors, maxDepth + 1, context.signatures)) {
    first ??= candidate;
    try {
      await new ChainValidator(withoutFun, context).validate(candidate);
      chosen = candidate;
      break;
    } catch (error) {
      if (!(error instanceof CertificateError)) throw error;
    }
    if (++tried >= MAX_CANDIDATE_PATHS) break;
  }
  const validator = new ChainValidator(options, context);
  let path = chosen ?? first;
  if (chosen !== undefined && options.verifyFun === undefined && options.revocationCheck === undefined) {
    return { path: chosen, leaf, publicKey: leaf.publicKey, verifyFunState: validator.userState };
  }
  const badSignature = context.signatures.failed[0];
  if (path === undefined && badSignature !== undefined && !isSelfIssued(badSignature)) {
    // An issuer matched by name and key identifier did not verify the signature (OpenSSL's
    // "certificate signature failure"): a forged or corrupted certificate, not a missing CA.
    const depth = Math.max(0, parsed.indexOf(badSignature));
    // A refused algorithm (MD5, SHA-1) is the better answer: providers need not implement it at all.
    validator.checkSignatureAlgorithm(badSignature, depth);
    validator.report(badSignature, depth, 'invalid_signature', `signature of ${badSignature.subject} does not verify`);
  }
  if (path === undefined) {
    const selfSigned = isSelfIssued(leaf) && leaf.signatureScheme !== undefined;
    const reason: CertificateErrorReason = selfSigned ? 'selfsigned_peer' : 'unknown_ca';
    validator.report(
      leaf,
      0,
      reason,
      selfSigned ? `${leaf.subject} is self-signed and not trusted` : `no trusted issuer for ${leaf.issuer}`,
    );
    // verify_fun accepted the unknown issuer: validate what we have, ending at the last certificate.
    path = [leaf];
  }
  await validator.validate(path);
  return { path, leaf, publicKey: leaf.publicKey, verifyFunState: validator.userState };
}
