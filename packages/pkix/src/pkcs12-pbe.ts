/**
 * PKCS#12 password-based encryption (RFC 7292 Appendix C): the pbeWithSHAAnd... schemes that
 * `openssl pkcs12 -export -legacy`, OpenSSL 1.x and many other tools write — Triple-DES for the key,
 * 40-bit RC2 for the certificates. Key and IV come from the PKCS#12 KDF with SHA-1 (App. B).
 * @module
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { tripleDesCbcDecrypt } from '#legacy-cipher';
import type { Tlv } from './der.js';
import { elementsOf, octetsOf, smallIntegerOf } from './der-reader.js';
import { PemError, Pkcs12AlgorithmError } from './errors.js';
import { stripPadding } from './pkcs5-padding.js';
import { KDF_ID, pkcs12Kdf } from './pkcs12-kdf.js';
import { rc2CbcDecrypt } from './rc2.js';

interface PbeScheme {
  readonly name: string;
  readonly cipher: 'rc4' | '3des' | 'rc2';
  /** Key length in bytes (and for RC2 the effective key bits are 8 × this). */
  readonly keyLength: number;
}

/** pkcs-12PbeIds (RFC 7292 Appendix C). */
const SCHEMES: Readonly<Record<string, PbeScheme>> = {
  '1.2.840.113549.1.12.1.1': { name: 'pbeWithSHAAnd128BitRC4', cipher: 'rc4', keyLength: 16 },
  '1.2.840.113549.1.12.1.2': { name: 'pbeWithSHAAnd40BitRC4', cipher: 'rc4', keyLength: 5 },
  '1.2.840.113549.1.12.1.3': { name: 'pbeWithSHAAnd3-KeyTripleDES-CBC', cipher: '3des', keyLength: 24 },
  '1.2.840.113549.1.12.1.4': { name: 'pbeWithSHAAnd2-KeyTripleDES-CBC', cipher: '3des', keyLength: 16 },
  '1.2.840.113549.1.12.1.5': { name: 'pbeWithSHAAnd128BitRC2-CBC', cipher: 'rc2', keyLength: 16 },
  '1.2.840.113549.1.12.1.6': { name: 'pbeWithSHAAnd40BitRC2-CBC', cipher: 'rc2', keyLength: 5 },
};

/** Is `oid` one of the PKCS#12 PBE schemes? */
export const isPkcs12Pbe = (oid: string): boolean => Object.hasOwn(SCHEMES, oid);

/** PKCS#5 padding (RFC 8018 §6.1.1) removed; malformed padding is a wrong password. */
function unpad(data: Uint8Array): Uint8Array {
  const plain = stripPadding(data, 8);
  if (plain === undefined) throw new PemError('cannot decrypt: wrong password? (bad padding)');
  return plain;
}

/**
 * Decrypts `encrypted` under the PKCS#12 PBE scheme `oid` with pkcs-12PbeParams { salt, iterations }
 * read from `params` (inside `der`). Throws Pkcs12AlgorithmError for RC4, and for Triple-DES where
 * the runtime has no DES; PemError for a wrong password or malformed parameters.
 */
export function decryptPkcs12Pbe(
  oid: string,
  der: Uint8Array,
  params: Tlv | undefined,
  encrypted: Uint8Array,
  password: string,
): Uint8Array {
  const scheme = SCHEMES[oid] as PbeScheme;
  const [saltTlv, iterationsTlv] = elementsOf(der, params, 'malformed pkcs-12PbeParams');
  const salt = octetsOf(der, saltTlv, 'malformed pkcs-12PbeParams');
  const iterations = smallIntegerOf(der, iterationsTlv, 'malformed pkcs-12PbeParams');
  if (scheme.cipher === 'rc4')
    throw new Pkcs12AlgorithmError(scheme.name, 'is a broken stream cipher (RFC 7465) and is not supported');
  if (scheme.cipher === '3des' && tripleDesCbcDecrypt === undefined)
    throw new Pkcs12AlgorithmError(scheme.name, 'needs Triple-DES, which this runtime lacks (no node:crypto)');
  if (encrypted.length === 0 || encrypted.length % 8 !== 0)
    throw new PemError(`${scheme.name}: the encrypted data is not whole 8-byte blocks`);
  const derive = (id: number, length: number) => pkcs12Kdf(sha1, 64, password, salt, iterations, length, id);
  const key = derive(KDF_ID.key, scheme.keyLength);
  const iv = derive(KDF_ID.iv, 8);
  if (scheme.cipher === 'rc2') return unpad(rc2CbcDecrypt(key, scheme.keyLength * 8, iv, encrypted));
  // Two-key Triple-DES is K1 K2 K1 (RFC 7292 App. C keeps it as 16 key bytes).
  const desKey = key.length === 16 ? new Uint8Array([...key, ...key.subarray(0, 8)]) : key;
  return unpad((tripleDesCbcDecrypt as NonNullable<typeof tripleDesCbcDecrypt>)(desKey, iv, encrypted));
}
