import { type CryptoProvider, nobleProvider, type PublicKey } from '@sslsocket/suites';
import { type ParsedCertificate, parseCertificate } from './certificate.js';
import type { CrlSource, ParsedCrl } from './crl.js';
import { CertificateError, type CertificateErrorReason } from './errors.js';
import { type HostnameMatchFun, hostnameMatches, normalizeIp } from './hostname.js';
import { nameConstraintsOf, violatesNameConstraints } from './name-constraints.js';
import { OID } from './oids.js';
import { candidatePaths, isSelfIssued, SignatureChecker } from './path-building.js';
import { PolicyProcessor } from './policy.js';
import { CrlChecker, type CrlCheckMode } from './revocation.js';

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

const KNOWN_EXTENSIONS = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.nameConstraints,
  OID.certificatePolicies,
  OID.policyConstraints,
  OID.inhibitAnyPolicy,
  OID.authorityKeyIdentifier,
  OID.subjectKeyIdentifier,
  OID.crlDistributionPoints,
  OID.authorityInfoAccess,
]);

const DEFAULT_MAX_DEPTH = 10;
/** Paths tried before giving up with the first one's error. */
const MAX_CANDIDATE_PATHS = 16;

/** Shared by the trial validations of every candidate path and the final one. */
interface ValidationContext {
  readonly signatures: SignatureChecker;
  readonly crls: CrlChecker | undefined;
}

class ChainValidator {
  private readonly time: Date;
  private state: unknown;

  constructor(
    private readonly options: VerifyChainOptions,
    private readonly context: ValidationContext,
  ) {
    this.time = options.time ?? new Date();
    this.state = options.verifyFunState;
  }

  get userState(): unknown {
    return this.state;
  }

  /** Reports a problem through verify_fun; throws unless it is overridden. */
  report(certificate: ParsedCertificate, depth: number, reason: CertificateErrorReason, message: string): void {
    const fun = this.options.verifyFun;
    if (fun !== undefined) {
      const answer = fun(certificate, { type: 'bad_cert', reason, message }, this.state);
      const decision = typeof answer === 'string' ? answer : answer.decision;
      if (typeof answer !== 'string') this.state = answer.state;
      if (decision === 'valid') return;
    }
    throw new CertificateError(reason, message, depth);
  }

  private announce(certificate: ParsedCertificate, event: VerifyEvent, depth: number): void {
    const fun = this.options.verifyFun;
    if (fun === undefined) return;
    const answer = fun(certificate, event, this.state);
    const decision = typeof answer === 'string' ? answer : answer.decision;
    if (typeof answer !== 'string') this.state = answer.state;
    if (decision === 'fail')
      throw new CertificateError('user_rejected', `verify_fun rejected ${certificate.subject}`, depth);
  }

  checkSignatureAlgorithm(certificate: ParsedCertificate, depth: number): void {
    const scheme = certificate.signatureScheme;
    if (scheme === undefined) {
      this.report(
        certificate,
        depth,
        'unsupported_signature_algorithm',
        `signature algorithm ${certificate.signatureAlgorithmOid}`,
      );
      return;
    }
    if (scheme.includes('md5') && this.options.allowMd5 !== true)
      this.report(certificate, depth, 'insecure_signature_algorithm', 'MD5 signature');
    if (scheme.includes('sha1') && this.options.allowSha1 !== true)
      this.report(certificate, depth, 'insecure_signature_algorithm', 'SHA-1 signature');
  }

  checkValidity(certificate: ParsedCertificate, depth: number): void {
    if (this.time < certificate.notBefore)
      this.report(
        certificate,
        depth,
        'cert_not_yet_valid',
        `${certificate.subject} is not valid before ${certificate.notBefore.toISOString()}`,
      );
    if (this.time > certificate.notAfter)
      this.report(
        certificate,
        depth,
        'cert_expired',
        `${certificate.subject} expired ${certificate.notAfter.toISOString()}`,
      );
  }

  checkExtensions(certificate: ParsedCertificate, depth: number): void {
    for (const extension of certificate.extensions) {
      if (KNOWN_EXTENSIONS.has(extension.oid)) continue;
      if (this.options.verifyFun !== undefined) {
        const answer = this.options.verifyFun(
          certificate,
          { type: 'extension', oid: extension.oid, critical: extension.critical },
          this.state,
        );
        const decision = typeof answer === 'string' ? answer : answer.decision;
        if (typeof answer !== 'string') this.state = answer.state;
        if (decision === 'valid') continue;
        if (decision === 'fail')
          throw new CertificateError('user_rejected', `extension ${extension.oid} rejected`, depth);
      }
      if (extension.critical)
        this.report(certificate, depth, 'unknown_critical_extension', `unknown critical extension ${extension.oid}`);
    }
  }

  /** RFC 5280 §6.1.4: an issuing certificate must be a CA allowed to sign certificates. */
  checkIssuer(issuer: ParsedCertificate, depth: number, intermediatesBelow: number): void {
    if (issuer.basicConstraints?.ca !== true)
      this.report(issuer, depth, 'missing_basic_constraint', `${issuer.subject} is not a CA`);
    if (issuer.keyUsage !== undefined && !issuer.keyUsage.has('keyCertSign')) {
      this.report(issuer, depth, 'invalid_key_usage', `${issuer.subject} may not sign certificates`);
    }
    const pathLength = issuer.basicConstraints?.pathLength;
    if (pathLength !== undefined && intermediatesBelow > pathLength) {
      this.report(
        issuer,
        depth,
        'max_path_length_reached',
        `${issuer.subject} allows ${pathLength} intermediates below it`,
      );
    }
  }

  checkPurpose(certificate: ParsedCertificate, depth: number, isLeaf: boolean): void {
    const purpose = this.options.purpose;
    if (purpose === undefined) return;
    const wanted = purpose === 'sslserver' ? OID.serverAuth : OID.clientAuth;
    const eku = certificate.extendedKeyUsage;
    if (eku !== undefined && !eku.includes(wanted) && !eku.includes(OID.anyExtendedKeyUsage)) {
      this.report(
        certificate,
        depth,
        'invalid_ext_key_usage',
        `${certificate.subject} is not for ${purpose === 'sslserver' ? 'serverAuth' : 'clientAuth'}`,
      );
    }
    if (isLeaf && certificate.keyUsage !== undefined) {
      const usable = ['digitalSignature', 'keyEncipherment', 'keyAgreement'].some((bit) =>
        certificate.keyUsage?.has(bit),
      );
      if (!usable)
        this.report(certificate, depth, 'invalid_key_usage', `${certificate.subject} key usage does not allow TLS`);
    }
  }

  /** Erlang `depth`: self-issued certificates do not count (RFC 5280 §4.2.1.9). */
  checkDepth(path: readonly ParsedCertificate[]): void {
    const maxDepth = this.options.maxDepth ?? DEFAULT_MAX_DEPTH;
    const intermediates = path.slice(1, -1).filter((c) => !isSelfIssued(c)).length;
    if (intermediates > maxDepth)
      this.report(
        path[0] as ParsedCertificate,
        0,
        'chain_too_long',
        `${intermediates} intermediates exceed depth ${maxDepth}`,
      );
  }

  /** CRL checking (RFC 5280 §6.3) of one certificate of the path, as the crlCheck mode asks. */
  private async checkRevocation(certificate: ParsedCertificate, issuer: ParsedCertificate, index: number) {
    const mode = this.options.crlCheck ?? false;
    const checker = this.context.crls;
    if (mode === false || checker === undefined || (mode === 'peer' && index > 0)) return;
    const problem = await checker.check(certificate, issuer, this.time);
    if (problem === undefined || (mode === 'best_effort' && !problem.determined)) return;
    this.report(certificate, index, problem.reason, problem.message);
  }

  async validate(path: ParsedCertificate[]): Promise<void> {
    this.checkDepth(path);
    const anchorIndex = path.length - 1;
    // Walk from the anchor down, as RFC 5280 §6.1 does, so constraints apply to what follows.
    const constraints = [];
    const policy = new PolicyProcessor(
      anchorIndex,
      this.options.explicitPolicy === true,
      this.options.policies === undefined ? undefined : new Set(this.options.policies),
    );
    for (let index = anchorIndex; index >= 0; index--) {
      const certificate = path[index] as ParsedCertificate;
      const isAnchor = index === anchorIndex;
      this.checkValidity(certificate, index);
      if (!isAnchor) {
        this.checkSignatureAlgorithm(certificate, index);
        this.checkExtensions(certificate, index);
        for (const constraint of constraints) {
          const violation = violatesNameConstraints(certificate, constraint);
          // Self-issued intermediates are exempt from name constraints (RFC 5280 §6.1.3 (b)).
          if (violation !== undefined && !(index > 0 && isSelfIssued(certificate))) {
            this.report(
              certificate,
              index,
              'name_not_permitted',
              `${violation} is outside the issuer's name constraints`,
            );
          }
        }
        const issuer = path[index + 1] as ParsedCertificate;
        const intermediatesBelow = path.slice(1, index + 1).filter((c) => !isSelfIssued(c)).length;
        this.checkIssuer(issuer, index + 1, intermediatesBelow);
        const policyFailure = policy.process(certificate, index === 0, isSelfIssued(certificate));
        if (policyFailure !== undefined) this.report(certificate, index, 'policy_error', policyFailure);
        await this.checkRevocation(certificate, issuer, index);
        if (this.options.revocationCheck !== undefined) {
          const revoked = await this.options.revocationCheck(certificate, issuer);
          if (revoked !== undefined)
            this.report(certificate, index, revoked, `${certificate.subject} (serial ${certificate.serialNumber})`);
        }
      }
      this.checkPurpose(certificate, index, index === 0);
      const own = nameConstraintsOf(certificate);
      if (own !== undefined) constraints.push(own);
      if (index > 0 && !isAnchor) this.announce(certificate, { type: 'valid' }, index);
    }
    const leaf = path[0] as ParsedCertificate;
    if (this.options.ip !== undefined) {
      if (normalizeIp(this.options.ip) === undefined || !hostnameMatches(leaf, this.options.ip)) {
        this.report(leaf, 0, 'hostname_check_failed', `certificate is not valid for IP ${this.options.ip}`);
      }
    } else if (
      this.options.hostname !== undefined &&
      !hostnameMatches(leaf, this.options.hostname, this.options.customizeHostnameCheck)
    ) {
      this.report(leaf, 0, 'hostname_check_failed', `certificate is not valid for ${this.options.hostname}`);
    }
    this.announce(leaf, { type: 'valid_peer' }, 0);
  }
}

/**
 * Builds and validates a certificate path (RFC 5280 §6) from the peer's chain (leaf first, any
 * order after it) to one of `roots`. Rejects with a CertificateError naming the reason and the
 * TLS alert to send.
 *
 * @example
 * const { publicKey } = await verifyChain(peerChain, { roots, hostname: 'example.com', purpose: 'sslserver' });
 */
export async function verifyChain(chain: readonly Uint8Array[], options: VerifyChainOptions): Promise<VerifiedChain> {
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
