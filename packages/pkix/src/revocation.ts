import type { CryptoProvider } from '@sslsocket/suites';
import type { ParsedCertificate } from './certificate.js';
import { type CrlSource, type ParsedCrl, parseCrl, sameName } from './crl.js';
import type { CertificateErrorReason } from './errors.js';

/**
 * Erlang `crl_check`: true checks every certificate of the path below the trust anchor, 'peer' only
 * the peer's, 'best_effort' every one but accepts a certificate whose CRL is missing or unusable.
 */
export type CrlCheckMode = boolean | 'peer' | 'best_effort';

/** A revocation verdict: revoked, or why the status could not be determined. */
export interface CrlProblem {
  readonly reason: CertificateErrorReason;
  readonly message: string;
  /** False when the status is only undetermined (missing/expired/badly signed CRL): best_effort accepts it. */
  readonly determined: boolean;
}

/** Finds and checks the CRLs for certificates against their issuers, caching CRL signature checks. */
export class CrlChecker {
  private readonly signatureChecks = new WeakMap<ParsedCrl, WeakMap<ParsedCertificate, boolean>>();
  private readonly fixed: readonly ParsedCrl[];

  constructor(
    private readonly provider: CryptoProvider,
    crls: readonly (Uint8Array | ParsedCrl)[],
    private readonly source: CrlSource | undefined,
  ) {
    this.fixed = crls.map((crl) => (crl instanceof Uint8Array ? parseCrl(crl) : crl));
  }

  private async signedBy(crl: ParsedCrl, issuer: ParsedCertificate): Promise<boolean> {
    let byIssuer = this.signatureChecks.get(crl);
    if (byIssuer === undefined) {
      byIssuer = new WeakMap();
      this.signatureChecks.set(crl, byIssuer);
    }
    const cached = byIssuer.get(issuer);
    if (cached !== undefined) return cached;
    let ok = false;
    if (crl.signatureScheme !== undefined) {
      try {
        ok = await this.provider.verify(crl.signatureScheme, issuer.publicKey, crl.tbs, crl.signature);
      } catch {
        ok = false;
      }
    }
    byIssuer.set(issuer, ok);
    return ok;
  }

  /** Why this CRL cannot be used to judge certificates of `issuer` at `time`, or undefined if it can. */
  private async unusable(crl: ParsedCrl, issuer: ParsedCertificate, time: Date): Promise<CrlProblem | undefined> {
    const undetermined = (reason: CertificateErrorReason, message: string): CrlProblem => ({
      reason,
      message,
      determined: false,
    });
    // RFC 5280 §6.3.3 (f): the CRL issuer must be allowed to sign CRLs...
    if (issuer.keyUsage !== undefined && !issuer.keyUsage.has('cRLSign'))
      return undetermined('invalid_key_usage', `${issuer.subject} key usage does not include cRLSign`);
    // ... (g): and the CRL's signature must verify with its key.
    if (!(await this.signedBy(crl, issuer)))
      return undetermined('crl_signature_failure', `CRL of ${crl.issuer} is not signed by ${issuer.subject}`);
    // RFC 5280 §5.2.3: conforming CRL issuers MUST include a non-critical cRLNumber; a CRL without
    // one (or with a critical one) is not a CRL this profile lets us rely on.
    if (crl.crlNumber === undefined)
      return undetermined('revocation_status_undetermined', `CRL of ${crl.issuer} has no cRLNumber`);
    if (crl.crlNumberCritical)
      return undetermined('revocation_status_undetermined', `CRL of ${crl.issuer} has a critical cRLNumber`);
    if (crl.unhandledCritical.length > 0)
      return undetermined(
        'revocation_status_undetermined',
        `CRL has unhandled critical extension ${crl.unhandledCritical.join(', ')}`,
      );
    // RFC 5280 §6.3.3 (a)(2): a CRL past its nextUpdate (or not yet issued) says nothing about now.
    if (crl.thisUpdate > time)
      return undetermined(
        'crl_not_yet_valid',
        `CRL of ${crl.issuer} is not valid before ${crl.thisUpdate.toISOString()}`,
      );
    if (crl.nextUpdate !== undefined && crl.nextUpdate < time)
      return undetermined('crl_expired', `CRL of ${crl.issuer} expired ${crl.nextUpdate.toISOString()}`);
    return undefined;
  }

  /** undefined when `certificate` is known not to be revoked; otherwise what is wrong. */
  async check(certificate: ParsedCertificate, issuer: ParsedCertificate, time: Date): Promise<CrlProblem | undefined> {
    const known = [...this.fixed, ...(this.source?.lookup(certificate.issuerDer) ?? [])];
    const first = await this.judge(known, certificate, issuer, time);
    if (first.decided) return first.problem;
    // Nothing held decides: a source that fetches (cRLDistributionPoints, RFC 5280 §4.2.1.13) tries now.
    const fetched = await this.source?.fetchFor?.(certificate);
    let problem = first.problem;
    if (fetched !== undefined) {
      const second = await this.judge(
        fetched.crls.filter((crl) => !known.includes(crl)),
        certificate,
        issuer,
        time,
      );
      if (second.decided) return second.problem;
      problem ??= second.problem;
      if (problem === undefined && fetched.failures.length > 0) {
        problem = { reason: 'unable_to_get_crl', message: fetched.failures.join('; '), determined: false };
      }
    }
    return (
      problem ?? {
        reason: 'unable_to_get_crl',
        message: `no CRL from ${certificate.issuer}`,
        determined: false,
      }
    );
  }

  /** The verdict of the newest usable CRL among `crls`, or the first reason none was usable. */
  private async judge(
    crls: readonly ParsedCrl[],
    certificate: ParsedCertificate,
    issuer: ParsedCertificate,
    time: Date,
  ): Promise<{ readonly decided: boolean; readonly problem: CrlProblem | undefined }> {
    const candidates = crls
      .filter((crl) => !crl.isDelta && sameName(crl.issuerDer, certificate.issuerDer))
      .filter(
        (crl) =>
          crl.authorityKeyId === undefined ||
          issuer.subjectKeyId === undefined ||
          (crl.authorityKeyId.length === issuer.subjectKeyId.length &&
            crl.authorityKeyId.every((byte, i) => byte === issuer.subjectKeyId?.[i])),
      )
      // The newest CRL first: it is the one that should decide.
      .sort((a, b) => b.thisUpdate.getTime() - a.thisUpdate.getTime());
    let firstProblem: CrlProblem | undefined;
    for (const crl of candidates) {
      const problem = await this.unusable(crl, issuer, time);
      if (problem !== undefined) {
        firstProblem ??= problem;
        continue;
      }
      const entry = crl.revoked.get(certificate.serialNumber);
      if (entry === undefined) return { decided: true, problem: undefined };
      const when = entry.revocationDate.toISOString();
      return {
        decided: true,
        problem: {
          reason: 'cert_revoked',
          message: `${certificate.subject} (serial ${certificate.serialNumber}) revoked ${when}`,
          determined: true,
        },
      };
    }
    return { decided: false, problem: firstProblem };
  }
}
