import { isKemGroup, suiteByCode, suiteToOpensslStr } from '@sslsocket/suites';
import type { SslSocket } from 'sslsocket';

/** node's `getCipher()`: `{ name, standardName, version }`, OpenSSL's and the RFC's suite names, the suite's minimum version. */
export function nodeCipher(ssl: SslSocket): { name: string; standardName: string; version: string } {
  const info = ssl.connectionInformation();
  const suite = suiteByCode(info.cipherSuiteCode);
  const standardName = suite?.name ?? info.selectedCipherSuite;
  return {
    name: suite === undefined ? standardName : suiteToOpensslStr(suite),
    standardName,
    version: info.protocol === 'tlsv1.3' ? 'TLSv1.3' : 'TLSv1.2',
  };
}

/** node's `getEphemeralKeyInfo()` on a client: the key exchange group as `{ type: 'ECDH', name: 'X25519', size: 253 }`. */
export function nodeEphemeralKeyInfo(ssl: SslSocket): { type?: string; name?: string; size?: number } {
  const group = ssl.connectionInformation().negotiatedGroup;
  if (group === undefined) return {};
  const sizes: Record<string, [string, number]> = {
    x25519: ['X25519', 253],
    x448: ['X448', 448],
    secp256r1: ['prime256v1', 256],
    secp384r1: ['secp384r1', 384],
    secp521r1: ['secp521r1', 521],
  };
  const known = sizes[group];
  if (known !== undefined) return { type: 'ECDH', name: known[0], size: known[1] };
  // Node 24 (OpenSSL 3.5) reports the ML-KEM groups by name alone.
  if (isKemGroup(group)) return { type: 'TLSGroup', name: group };
  return { type: 'DH', size: Number(group.replace(/\D/g, '')) };
}
