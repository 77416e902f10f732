import type { ParsedCertificate } from './certificate.js';
import { children, integerValue, oidValue, readTlv } from './der.js';
import { OID } from './oids.js';

export const ANY_POLICY = '2.5.29.32.0';

/** certificatePolicies (RFC 5280 §4.2.1.4): the policy OIDs, or undefined when the extension is absent. */
export function policiesOf(certificate: ParsedCertificate): Set<string> | undefined {
  const extension = certificate.extensions.find((e) => e.oid === OID.certificatePolicies);
  if (extension === undefined) return undefined;
  const bytes = extension.value;
  const policies = new Set<string>();
  for (const information of children(bytes, readTlv(bytes, 0))) {
    const [identifier] = children(bytes, information);
    if (identifier !== undefined && identifier.tag === 0x06) policies.add(oidValue(bytes, identifier));
  }
  return policies;
}

/** policyConstraints (RFC 5280 §4.2.1.11): requireExplicitPolicy [0] and inhibitPolicyMapping [1]. */
function policyConstraintsOf(certificate: ParsedCertificate): { requireExplicitPolicy?: number } {
  const extension = certificate.extensions.find((e) => e.oid === OID.policyConstraints);
  if (extension === undefined) return {};
  const bytes = extension.value;
  const require = children(bytes, readTlv(bytes, 0)).find((field) => field.tag === 0x80);
  return require === undefined ? {} : { requireExplicitPolicy: Number(integerValue(bytes, require)) };
}

/** inhibitAnyPolicy (RFC 5280 §4.2.1.14): SkipCerts. */
function inhibitAnyPolicyOf(certificate: ParsedCertificate): number | undefined {
  const extension = certificate.extensions.find((e) => e.oid === OID.inhibitAnyPolicy);
  if (extension === undefined) return undefined;
  return Number(integerValue(extension.value, readTlv(extension.value, 0)));
}

/**
 * RFC 5280 §6.1 certificate policy processing, for user-initial-policy-set = {anyPolicy} and
 * without policy mappings. The valid_policy_tree is kept as the set of its leaves' valid policies,
 * which is all that decides whether a path fails: a path fails when explicit_policy has reached 0
 * and no policy is left (§6.1.3 (f), §6.1.5 (g)).
 */
export class PolicyProcessor {
  private explicitPolicy: number;
  private inhibitAnyPolicy: number;
  /** The valid policies at the current depth; undefined is RFC 5280's NULL tree. */
  private valid: Set<string> | undefined = new Set([ANY_POLICY]);

  /**
   * `length` is n, the number of certificates in the path without the trust anchor;
   * `userPolicies` the user-initial-policy-set (§6.1.1 (c)), {anyPolicy} by default.
   */
  constructor(
    length: number,
    initialExplicitPolicy = false,
    private readonly userPolicies: ReadonlySet<string> = new Set([ANY_POLICY]),
  ) {
    this.explicitPolicy = initialExplicitPolicy ? 0 : length + 1;
    this.inhibitAnyPolicy = length + 1;
  }

  /**
   * Processes the next certificate (from the anchor's child down). Returns an error message when
   * the path fails here, undefined otherwise.
   */
  process(certificate: ParsedCertificate, isLeaf: boolean, selfIssued: boolean): string | undefined {
    const policies = policiesOf(certificate);
    if (policies === undefined) this.valid = undefined;
    else if (this.valid !== undefined) {
      // §6.1.3 (d): anyPolicy in a certificate counts only while inhibit_anyPolicy allows it.
      const anyAllowed = policies.has(ANY_POLICY) && (this.inhibitAnyPolicy > 0 || (!isLeaf && selfIssued));
      const next = new Set<string>();
      for (const policy of this.valid) {
        if (policy === ANY_POLICY) continue;
        if (policies.has(policy) || anyAllowed) next.add(policy);
      }
      if (this.valid.has(ANY_POLICY)) {
        for (const policy of policies) if (policy !== ANY_POLICY) next.add(policy);
        if (anyAllowed) next.add(ANY_POLICY);
      }
      this.valid = next.size === 0 ? undefined : next;
    }
    const constraints = policyConstraintsOf(certificate);
    if (isLeaf) {
      // §6.1.5 (a), (b)
      if (this.explicitPolicy > 0) this.explicitPolicy--;
      if (constraints.requireExplicitPolicy === 0) this.explicitPolicy = 0;
      // §6.1.5 (g): what is left must be in the user-initial-policy-set.
      if (this.valid !== undefined && !this.userPolicies.has(ANY_POLICY)) {
        const hadAny = this.valid.has(ANY_POLICY);
        const kept = new Set([...this.valid].filter((policy) => this.userPolicies.has(policy)));
        if (hadAny) for (const policy of this.userPolicies) kept.add(policy);
        this.valid = kept.size === 0 ? undefined : kept;
      }
    } else {
      // §6.1.4 (h), (i), (j)
      if (!selfIssued) {
        if (this.explicitPolicy > 0) this.explicitPolicy--;
        if (this.inhibitAnyPolicy > 0) this.inhibitAnyPolicy--;
      }
      const require = constraints.requireExplicitPolicy;
      if (require !== undefined && require < this.explicitPolicy) this.explicitPolicy = require;
      const inhibit = inhibitAnyPolicyOf(certificate);
      if (inhibit !== undefined && inhibit < this.inhibitAnyPolicy) this.inhibitAnyPolicy = inhibit;
    }
    if (this.explicitPolicy === 0 && this.valid === undefined)
      return `no acceptable certificate policy at ${certificate.subject} and an explicit policy is required`;
    return undefined;
  }

  /** The policies the path is valid for (anyPolicy included), or an empty set for the NULL tree. */
  get validPolicies(): ReadonlySet<string> {
    return this.valid ?? new Set();
  }
}
