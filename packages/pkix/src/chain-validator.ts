import type { ParsedCertificate } from './certificate.js';
import { profileViolations, type VerificationProfile } from './certificate-profile.js';
import { CertificateError, type CertificateErrorReason } from './errors.js';
import { hostnameMatches, normalizeIp } from './hostname.js';
import {
  ConstraintBudget,
  type NameConstraints,
  nameConstraintsOf,
  violatesNameConstraints,
} from './name-constraints.js';
import type { OcspChecker } from './ocsp-check.js';
import { OID } from './oids.js';
import { isSelfIssued, type SignatureChecker } from './path-building.js';
import { PolicyProcessor } from './policy.js';
import type { CrlChecker } from './revocation.js';
import type { VerifyChainOptions, VerifyEvent } from './verify-options.js';

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

export const DEFAULT_MAX_DEPTH = 10;
const DEFAULT_MAX_NAME_CONSTRAINT_CHECKS = 250_000;

/** Shared by the trial validations of every candidate path and the final one. */
export interface ValidationContext {
  readonly signatures: SignatureChecker;
  readonly crls: CrlChecker | undefined;
  readonly ocsp: OcspChecker | undefined;
}

/** RFC 5280 §6.1 validation of one candidate path, with the chosen profile's rules. */
export class ChainValidator {
  private readonly time: Date;
  private state: unknown;

  private readonly profile: VerificationProfile;

  constructor(
    private readonly options: VerifyChainOptions,
    private readonly context: ValidationContext,
  ) {
    this.time = options.time ?? new Date();
    this.state = options.verifyFunState;
    this.profile = options.profile ?? 'webpki';
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

  /** The profile's certificate rules (see VerificationProfile), reported one by one. */
  checkProfile(certificate: ParsedCertificate, depth: number, isAnchor: boolean): void {
    const position = { isLeaf: depth === 0, isAnchor, purpose: this.options.purpose };
    for (const violation of profileViolations(certificate, position, this.profile))
      this.report(certificate, depth, violation.reason, violation.message);
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

  private readNameConstraints(certificate: ParsedCertificate, index: number): NameConstraints | undefined {
    try {
      return nameConstraintsOf(certificate);
    } catch (error) {
      if (!(error instanceof CertificateError)) throw error;
      this.report(certificate, index, error.reason, error.message);
      return undefined;
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

  /** OCSP (RFC 6960) from stapled responses, as the ocspCheck mode asks. */
  private async checkOcsp(certificate: ParsedCertificate, issuer: ParsedCertificate, index: number) {
    const checker = this.context.ocsp;
    if (checker === undefined) return;
    const problem = await checker.check(certificate, issuer, index === 0);
    if (problem !== undefined) this.report(certificate, index, problem.reason, problem.message);
  }

  /** Name constraints met so far (RFC 5280 §6.1.3 (b)–(c)) applied to `certificate`. */
  private checkNameConstraints(
    certificate: ParsedCertificate,
    index: number,
    constraints: readonly NameConstraints[],
    budget: ConstraintBudget,
  ): void {
    // Self-issued intermediates are exempt from name constraints (RFC 5280 §6.1.3 (b)).
    if (index > 0 && isSelfIssued(certificate)) return;
    for (const constraint of constraints) {
      const violation = violatesNameConstraints(certificate, constraint, index === 0, budget);
      if (violation !== undefined)
        this.report(certificate, index, 'name_not_permitted', `${violation} is outside the issuer's name constraints`);
    }
  }

  async validate(path: ParsedCertificate[]): Promise<void> {
    this.checkDepth(path);
    const anchorIndex = path.length - 1;
    // Walk from the anchor down, as RFC 5280 §6.1 does, so constraints apply to what follows.
    const constraints: NameConstraints[] = [];
    const budget = new ConstraintBudget(this.options.maxNameConstraintChecks ?? DEFAULT_MAX_NAME_CONSTRAINT_CHECKS);
    const policy = new PolicyProcessor(
      anchorIndex,
      this.options.explicitPolicy === true,
      this.options.policies === undefined ? undefined : new Set(this.options.policies),
    );
    for (let index = anchorIndex; index >= 0; index--) {
      const certificate = path[index] as ParsedCertificate;
      const isAnchor = index === anchorIndex;
      this.checkValidity(certificate, index);
      this.checkProfile(certificate, index, isAnchor);
      // A critical extension nobody processes fails in any certificate, the anchor included.
      this.checkExtensions(certificate, index);
      if (!isAnchor) {
        this.checkSignatureAlgorithm(certificate, index);
        this.checkNameConstraints(certificate, index, constraints, budget);
        const issuer = path[index + 1] as ParsedCertificate;
        const intermediatesBelow = path.slice(1, index + 1).filter((c) => !isSelfIssued(c)).length;
        this.checkIssuer(issuer, index + 1, intermediatesBelow);
        const policyFailure = policy.process(certificate, index === 0, isSelfIssued(certificate));
        if (policyFailure !== undefined) this.report(certificate, index, 'policy_error', policyFailure);
        await this.checkRevocation(certificate, issuer, index);
        await this.checkOcsp(certificate, issuer, index);
        if (this.options.revocationCheck !== undefined) {
          const revoked = await this.options.revocationCheck(certificate, issuer);
          if (revoked !== undefined)
            this.report(certificate, index, revoked, `${certificate.subject} (serial ${certificate.serialNumber})`);
        }
      }
      this.checkPurpose(certificate, index, index === 0);
      const own = this.readNameConstraints(certificate, index);
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
