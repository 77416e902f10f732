import { type CryptoProvider, nobleProvider, type PublicKey } from '@sslsocket/suites';
import { type ParsedCertificate, parseCertificate } from './certificate.js';
import { CertificateError, type CertificateErrorReason } from './errors.js';
import { type HostnameMatchFun, hostnameMatches, normalizeIp } from './hostname.js';
import { nameConstraintsOf, violatesNameConstraints } from './name-constraints.js';
import { OID } from './oids.js';

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
  /** Revocation checking; see crl.ts. Returns the reason when a certificate is revoked. */
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

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function isSelfIssued(certificate: ParsedCertificate): boolean {
  return sameBytes(certificate.subjectDer, certificate.issuerDer);
}

/** Could `issuer` have issued `child`? Names must match; key identifiers, when both exist, too. */
function couldIssue(issuer: ParsedCertificate, child: ParsedCertificate): boolean {
  if (!sameBytes(issuer.subjectDer, child.issuerDer)) return false;
  if (issuer.subjectKeyId !== undefined && child.authorityKeyId !== undefined)
    return sameBytes(issuer.subjectKeyId, child.authorityKeyId);
  return true;
}

class ChainValidator {
  private readonly provider: CryptoProvider;
  private readonly time: Date;
  private state: unknown;
  private readonly signatureCache = new Map<string, boolean>();

  constructor(private readonly options: VerifyChainOptions) {
    this.provider = options.provider ?? nobleProvider;
    this.time = options.time ?? new Date();
    this.state = options.verifyFunState;
  }

  get userState(): unknown {
    return this.state;
  }

  private async signedBy(child: ParsedCertificate, issuer: ParsedCertificate): Promise<boolean> {
    const key = `${child.serialNumber}/${child.signature.length}:${issuer.serialNumber}`;
    const cached = this.signatureCache.get(key);
    if (cached !== undefined) return cached;
    let ok = false;
    if (child.signatureScheme !== undefined) {
      try {
        ok = await this.provider.verify(child.signatureScheme, issuer.publicKey, child.tbs, child.signature);
      } catch {
        ok = false;
      }
    }
    this.signatureCache.set(key, ok);
    return ok;
  }

  /** Depth-first search for a path to a trust anchor, trying every candidate issuer (cross-signing). */
  async buildPath(
    current: ParsedCertificate[],
    pool: readonly ParsedCertificate[],
    roots: readonly ParsedCertificate[],
    limit: number,
  ): Promise<ParsedCertificate[] | undefined> {
    const tip = current.at(-1) as ParsedCertificate;
    if (roots.some((root) => sameBytes(root.der, tip.der))) return current;
    for (const root of roots) {
      if (couldIssue(root, tip) && (await this.signedBy(tip, root))) return [...current, root];
    }
    if (current.length > limit) return undefined;
    for (const candidate of pool) {
      if (current.some((c) => sameBytes(c.der, candidate.der)) || !couldIssue(candidate, tip)) continue;
      if (!(await this.signedBy(tip, candidate))) continue;
      const found = await this.buildPath([...current, candidate], pool, roots, limit);
      if (found !== undefined) return found;
    }
    return undefined;
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

  async validate(path: ParsedCertificate[]): Promise<void> {
    const anchorIndex = path.length - 1;
    // Walk from the anchor down, as RFC 5280 §6.1 does, so constraints apply to what follows.
    const constraints = [];
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
  const validator = new ChainValidator(options);
  const maxDepth = options.maxDepth ?? 10;
  // Trust anchors are self-signed roots (RFC 5280 §6.1 with OpenSSL's default); Erlang's
  // partial_chain (OpenSSL -partial_chain) lets any listed certificate anchor the path.
  const anchors = options.partialChain === true ? roots : roots.filter(isSelfIssued);
  let path = await validator.buildPath([leaf], pool, anchors, maxDepth + 1);
  if (path === undefined && options.partialChain !== undefined && options.partialChain !== false) {
    // Erlang partial_chain: an intermediate from the chain may be declared trusted.
    const anchor =
      typeof options.partialChain === 'function'
        ? options.partialChain(parsed)
        : parsed.find((certificate) => roots.some((root) => sameBytes(root.der, certificate.der)));
    if (anchor !== undefined) path = await validator.buildPath([leaf], pool, [anchor], maxDepth + 1);
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
  const intermediates = path.slice(1, -1).filter((c) => !isSelfIssued(c)).length;
  if (intermediates > maxDepth)
    validator.report(leaf, 0, 'chain_too_long', `${intermediates} intermediates exceed depth ${maxDepth}`);
  await validator.validate(path);
  return { path, leaf, publicKey: leaf.publicKey, verifyFunState: validator.userState };
}
