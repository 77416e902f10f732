/**
 * Named groups (IANA "TLS Supported Groups"; RFC 8446 §4.2.7, RFC 8422, RFC 7919,
 * RFC 10024 (draft-ietf-tls-ecdhe-mlkem) for the PQ/T hybrids, draft-ietf-tls-mlkem for pure ML-KEM).
 * @module
 */
import type { GroupName } from '../provider.js';
import type { ProtocolVersionName } from './versions.js';

export interface NamedGroup {
  readonly name: GroupName;
  readonly code: number;
  readonly kind: 'ec' | 'ffdhe' | 'hybrid' | 'kem';
  /**
   * TLS 1.2 uses EC groups for ECDHE (RFC 8422) and ffdhe for DHE (RFC 7919); hybrids and pure ML-KEM
   * groups are TLS 1.3 only (RFC 10024 §4, draft-ietf-tls-mlkem §3).
   */
  readonly versions: readonly ProtocolVersionName[];
  readonly isDefault: boolean;
}

const both = Object.freeze(['tlsv1.3', 'tlsv1.2'] as const);

/** Every group, in default preference order. */
export const NAMED_GROUPS: readonly NamedGroup[] = Object.freeze(
  (
    [
      { name: 'x25519', code: 0x001d, kind: 'ec', versions: both, isDefault: true },
      { name: 'secp256r1', code: 0x0017, kind: 'ec', versions: both, isDefault: true },
      { name: 'X25519MLKEM768', code: 0x11ec, kind: 'hybrid', versions: ['tlsv1.3'], isDefault: false },
      { name: 'SecP256r1MLKEM768', code: 0x11eb, kind: 'hybrid', versions: ['tlsv1.3'], isDefault: false },
      { name: 'SecP384r1MLKEM1024', code: 0x11ed, kind: 'hybrid', versions: ['tlsv1.3'], isDefault: false },
      { name: 'MLKEM768', code: 0x0201, kind: 'kem', versions: ['tlsv1.3'], isDefault: false },
      { name: 'MLKEM1024', code: 0x0202, kind: 'kem', versions: ['tlsv1.3'], isDefault: false },
      { name: 'MLKEM512', code: 0x0200, kind: 'kem', versions: ['tlsv1.3'], isDefault: false },
      { name: 'x448', code: 0x001e, kind: 'ec', versions: both, isDefault: true },
      { name: 'secp384r1', code: 0x0018, kind: 'ec', versions: both, isDefault: true },
      { name: 'secp521r1', code: 0x0019, kind: 'ec', versions: both, isDefault: true },
      { name: 'ffdhe2048', code: 0x0100, kind: 'ffdhe', versions: both, isDefault: true },
      { name: 'ffdhe3072', code: 0x0101, kind: 'ffdhe', versions: both, isDefault: true },
      { name: 'ffdhe4096', code: 0x0102, kind: 'ffdhe', versions: both, isDefault: true },
      { name: 'ffdhe6144', code: 0x0103, kind: 'ffdhe', versions: both, isDefault: false },
      { name: 'ffdhe8192', code: 0x0104, kind: 'ffdhe', versions: both, isDefault: false },
    ] as NamedGroup[]
  ).map((group) => Object.freeze(group)),
);

export function groupByCode(code: number): NamedGroup | undefined {
  return NAMED_GROUPS.find((group) => group.code === code);
}

/** Lookup by IANA name; OpenSSL's aliases (`P-256`, `prime256v1`, ...) are accepted too. */
export function groupByName(name: string): NamedGroup | undefined {
  const alias: Record<string, GroupName> = {
    'p-256': 'secp256r1',
    prime256v1: 'secp256r1',
    'p-384': 'secp384r1',
    'p-521': 'secp521r1',
  };
  // IANA names compare without case, so OpenSSL's spellings (SecP256r1MLKEM768, MLKEM768) match as is.
  const canonical = alias[name.toLowerCase()] ?? name;
  return NAMED_GROUPS.find((group) => group.name.toLowerCase() === canonical.toLowerCase());
}

/**
 * Erlang `ssl:eccs/0,1`: the elliptic-curve, hybrid and ML-KEM groups usable with a version.
 *
 * @example
 * eccs('tlsv1.2'); // ['x25519', 'secp256r1', 'x448', 'secp384r1', 'secp521r1']
 */
export function eccs(version?: ProtocolVersionName): GroupName[] {
  return NAMED_GROUPS.filter(
    (group) => group.kind !== 'ffdhe' && (version === undefined || group.versions.includes(version)),
  ).map((group) => group.name);
}

/** Erlang `ssl:groups/0,1`: every group, or the defaults. */
export function groups(kind: 'all' | 'default' = 'all'): GroupName[] {
  return NAMED_GROUPS.filter((group) => kind === 'all' || group.isDefault).map((group) => group.name);
}
