import type { CryptoProvider } from '@sslsocket/suites';
import type { ParsedCertificate } from './certificate.js';
import { CertificateError } from './errors.js';
import { OcspCertIdMismatch, type OcspCheckMode, type OcspStatus, verifyOcspResponse } from './ocsp.js';
import type { CrlProblem } from './revocation.js';

/**
 * Applies stapled OCSP responses during path validation (RFC 6960 with the `ocspCheck` mode):
 * every response is tried against each certificate; the first that names it decides.
 */
export class OcspChecker {
  constructor(
    private readonly mode: Exclude<OcspCheckMode, false>,
    private readonly responses: readonly Uint8Array[],
    private readonly options: { provider: CryptoProvider; time: Date; clockSkew: number | undefined },
  ) {}

  /** undefined when the certificate passes; otherwise the problem, as the CRL checker reports it. */
  async check(
    certificate: ParsedCertificate,
    issuer: ParsedCertificate,
    isLeaf: boolean,
  ): Promise<CrlProblem | undefined> {
    let status: OcspStatus | undefined;
    let unusable: CertificateError | undefined;
    for (const response of this.responses) {
      try {
        status = await verifyOcspResponse(response, certificate, issuer, {
          provider: this.options.provider,
          time: this.options.time,
          ...(this.options.clockSkew === undefined ? {} : { clockSkew: this.options.clockSkew }),
        });
        break;
      } catch (error) {
        if (!(error instanceof CertificateError)) throw error;
        // A response for another certificate is not a problem of this one.
        if (!(error instanceof OcspCertIdMismatch)) unusable ??= error;
      }
    }
    if (status?.status === 'revoked') {
      const when = status.revocationTime === undefined ? '' : ` at ${status.revocationTime.toISOString()}`;
      return {
        reason: 'cert_revoked',
        message: `${certificate.subject} (serial ${certificate.serialNumber}) revoked${when} (OCSP)`,
        determined: true,
      };
    }
    if (status?.status === 'good' || this.mode === 'best_effort') return undefined;
    // 'staple': the leaf needs a usable, definite answer; other certificates are checked when stapled.
    if (unusable !== undefined) return { reason: unusable.reason, message: unusable.message, determined: false };
    if (status?.status === 'unknown')
      return {
        reason: 'revocation_status_undetermined',
        message: `OCSP responder does not know ${certificate.subject} (serial ${certificate.serialNumber})`,
        determined: false,
      };
    if (!isLeaf) return undefined;
    return {
      reason: 'revocation_status_undetermined',
      message: `no OCSP response for ${certificate.subject} (serial ${certificate.serialNumber})`,
      determined: false,
    };
  }
}
