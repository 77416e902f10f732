import { equalBytes } from '@noble/ciphers/utils.js';
import type { CryptoProvider, PublicKey } from '@sslsocket/suites';
import type { ParsedCertificate } from './certificate.js';

export function isSelfIssued(certificate: ParsedCertificate): boolean {
  return equalBytes(certificate.subjectDer, certificate.issuerDer);
}

function samePublicKey(a: PublicKey, b: PublicKey): boolean {
  if (a.kind !== b.kind) return false;
  if ((a.kind === 'rsa' || a.kind === 'rsa-pss') && (b.kind === 'rsa' || b.kind === 'rsa-pss'))
    return a.n === b.n && a.e === b.e;
  if (a.kind === 'ec' && b.kind === 'ec') return a.curve === b.curve && equalBytes(a.point, b.point);
  if ((a.kind === 'ed25519' || a.kind === 'ed448') && (b.kind === 'ed25519' || b.kind === 'ed448'))
    return equalBytes(a.key, b.key);
  return false;
}

/** Could `issuer` have issued `child`? Names must match; key identifiers, when both exist, too (RFC 5280 §4.2.1.1). */
export function couldIssue(issuer: ParsedCertificate, child: ParsedCertificate): boolean {
  if (!equalBytes(issuer.subjectDer, child.issuerDer)) return false;
  if (issuer.subjectKeyId !== undefined && child.authorityKeyId !== undefined)
    return equalBytes(issuer.subjectKeyId, child.authorityKeyId);
  return true;
}

/**
 * Certificate signature checks, each done once per (certificate, issuer) pair. Parsed certificates
 * are shared objects (parseCertificate caches them), so identity is a sound key.
 */
export class SignatureChecker {
  private readonly cache = new WeakMap<ParsedCertificate, WeakMap<ParsedCertificate, boolean>>();
  /** Signature verifications done, for the path search budget. */
  count = 0;
  /** Certificates whose named issuer's key did not verify their signature. */
  readonly failed: ParsedCertificate[] = [];

  constructor(private readonly provider: CryptoProvider) {}

  async signedBy(child: ParsedCertificate, issuer: ParsedCertificate): Promise<boolean> {
    let byIssuer = this.cache.get(child);
    if (byIssuer === undefined) {
      byIssuer = new WeakMap();
      this.cache.set(child, byIssuer);
    }
    const cached = byIssuer.get(issuer);
    if (cached !== undefined) return cached;
    this.count++;
    let ok = false;
    if (child.signatureScheme !== undefined) {
      try {
        ok = await this.provider.verify(child.signatureScheme, issuer.publicKey, child.tbs, child.signature);
      } catch {
        ok = false;
      }
    }
    byIssuer.set(issuer, ok);
    if (!ok) this.failed.push(child);
    return ok;
  }
}

/** Bounds on the search, so a hostile list of cross-certificates cannot make it exponential. */
const MAX_SIGNATURE_CHECKS = 256;

/**
 * Every path from `leaf` to one of `anchors` through `pool`, depth first, in the order the peer
 * listed its certificates. A certificate already on the path, or one with the subject and key of
 * one already on it, is never added again: the peer's list may contain loops (A signs B signs A).
 * A path is at most `limit` certificates plus its anchor long.
 */
export async function* candidatePaths(
  leaf: ParsedCertificate,
  pool: readonly ParsedCertificate[],
  anchors: readonly ParsedCertificate[],
  limit: number,
  signatures: SignatureChecker,
): AsyncGenerator<ParsedCertificate[]> {
  const onPath = (path: readonly ParsedCertificate[], candidate: ParsedCertificate) =>
    path.some(
      (c) =>
        equalBytes(c.der, candidate.der) ||
        (equalBytes(c.subjectDer, candidate.subjectDer) && samePublicKey(c.publicKey, candidate.publicKey)),
    );
  async function* extend(path: ParsedCertificate[]): AsyncGenerator<ParsedCertificate[]> {
    const tip = path.at(-1) as ParsedCertificate;
    if (anchors.some((anchor) => equalBytes(anchor.der, tip.der))) {
      yield path;
      return;
    }
    for (const anchor of anchors) {
      if (couldIssue(anchor, tip) && (await signatures.signedBy(tip, anchor))) yield [...path, anchor];
    }
    if (path.length > limit) return;
    for (const candidate of pool) {
      if (signatures.count >= MAX_SIGNATURE_CHECKS) return;
      if (onPath(path, candidate) || !couldIssue(candidate, tip)) continue;
      if (!(await signatures.signedBy(tip, candidate))) continue;
      yield* extend([...path, candidate]);
    }
  }
  yield* extend([leaf]);
}
