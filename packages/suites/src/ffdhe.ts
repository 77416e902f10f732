/**
 * The RFC 7919 finite-field groups. Each prime is defined (RFC 7919 Appendix A) as
 *
 *     p = 2^b - 2^{b-64} + {[2^{b-130} e] + X} * 2^64 - 1
 *
 * with e the base of the natural logarithm and X the smallest offset making p a safe prime; the
 * generator is 2. The primes are rebuilt from that formula on first use rather than pasted as 6 KiB
 * of hex; the test suite checks them against OpenSSL's built-in copies.
 *
 * @module
 */

export type FfdheGroup = 'ffdhe2048' | 'ffdhe3072' | 'ffdhe4096' | 'ffdhe6144' | 'ffdhe8192';

/** Bit size b and offset X of each group (RFC 7919 Appendix A.1–A.5). */
const DEFINITION: Readonly<Record<FfdheGroup, { bits: number; x: bigint }>> = {
  ffdhe2048: { bits: 2048, x: 560316n },
  ffdhe3072: { bits: 3072, x: 2625351n },
  ffdhe4096: { bits: 4096, x: 5736041n },
  ffdhe6144: { bits: 6144, x: 15705020n },
  ffdhe8192: { bits: 8192, x: 10965728n },
};

/**
 * floor(2^shift * e), from e = sum 1/n!. Each term is truncated, so the running sum is carried with
 * 64 guard bits: the truncation error (one unit per term, about a thousand terms) stays far below
 * the guard.
 */
function floorScaledE(shift: number): bigint {
  const guard = 64n;
  let term = 1n << (BigInt(shift) + guard);
  let sum = 0n;
  for (let n = 1n; term > 0n; n++) {
    sum += term;
    term /= n;
  }
  return sum >> guard;
}

const cache = new Map<FfdheGroup, bigint>();

/** The prime p of an RFC 7919 group (generator g = 2). */
export function ffdhePrime(group: FfdheGroup): bigint {
  let p = cache.get(group);
  if (p === undefined) {
    const { bits, x } = DEFINITION[group];
    const b = BigInt(bits);
    p = (1n << b) - (1n << (b - 64n)) + ((floorScaledE(bits - 130) + x) << 64n) - 1n;
    cache.set(group, p);
  }
  return p;
}

/** True for the names of the RFC 7919 groups. */
export function isFfdheGroup(name: string): name is FfdheGroup {
  return name in DEFINITION;
}
