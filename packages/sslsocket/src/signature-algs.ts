import { type SignatureSchemeName, schemeByCode } from '@sslsocket/suites';
import type { HashSignPair } from './socket-options.js';

const HASH_IDS: Readonly<Record<string, number>> = { md5: 1, sha: 2, sha224: 3, sha256: 4, sha384: 5, sha512: 6 };
const SIGN_IDS: Readonly<Record<string, number>> = { rsa: 1, dsa: 2, ecdsa: 3 };

export function isHashSignPair(value: unknown): value is HashSignPair {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    HASH_IDS[value[0] as string] !== undefined &&
    SIGN_IDS[value[1] as string] !== undefined
  );
}

/**
 * Erlang's TLS 1.2 `[hash, sign]` pairs as the engine's scheme names (or raw code points for pairs
 * without a name, such as DSA): code = hash << 8 | sign (RFC 5246 §7.4.1.4.1).
 *
 * @example
 * signatureAlgsToEngine([['sha256', 'rsa'], 'ed25519']); // ['rsa_pkcs1_sha256', 'ed25519']
 */
export function signatureAlgsToEngine(
  list: readonly (SignatureSchemeName | HashSignPair)[],
): (SignatureSchemeName | number)[] {
  return list.map((entry) => {
    if (typeof entry === 'string') return entry;
    const code = ((HASH_IDS[entry[0]] as number) << 8) | (SIGN_IDS[entry[1]] as number);
    return schemeByCode(code)?.name ?? code;
  });
}
