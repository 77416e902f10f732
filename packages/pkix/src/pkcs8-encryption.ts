import { cbc } from '@noble/ciphers/aes.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';

import type { Tlv } from './der.js';
import { elementsOf, octetsOf, oidOf, readWhole, smallIntegerOf, TAG } from './der-reader.js';
import { PemError } from './errors.js';
import { decryptPkcs12Pbe, isPkcs12Pbe } from './pkcs12-pbe.js';

const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';
const PRFS: Record<string, typeof sha256> = {
  '1.2.840.113549.2.7': sha1 as unknown as typeof sha256,
  '1.2.840.113549.2.9': sha256,
  '1.2.840.113549.2.10': sha384 as unknown as typeof sha256,
  '1.2.840.113549.2.11': sha512 as unknown as typeof sha256,
};
const CIPHERS: Record<string, number> = {
  '2.16.840.1.101.3.4.1.2': 16, // aes-128-cbc
  '2.16.840.1.101.3.4.1.22': 24, // aes-192-cbc
  '2.16.840.1.101.3.4.1.42': 32, // aes-256-cbc
};

const MALFORMED = 'malformed EncryptedPrivateKeyInfo';

/** The elements of the SEQUENCE `tlv`; anything else is a malformed EncryptedPrivateKeyInfo. */
const sequence = (der: Uint8Array, tlv: Tlv | undefined): Tlv[] => elementsOf(der, tlv, MALFORMED);

/**
 * Decrypts a PKCS#8 EncryptedPrivateKeyInfo (RFC 5958 §3) protected with PBES2 (RFC 8018 §6.2):
 * PBKDF2 with HMAC-SHA-1/256/384/512 and AES-CBC, as `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes.
 * A wrong password shows up as bad padding or a malformed result: both are a PemError.
 */
export function decryptPkcs8(der: Uint8Array, password: string): Uint8Array {
  let top: Tlv;
  try {
    top = readWhole(der, MALFORMED);
  } catch {
    throw new PemError(MALFORMED);
  }
  const [algorithm, encryptedTlv] = sequence(der, top);
  const encrypted = octetsOf(der, encryptedTlv, MALFORMED).slice();
  const [schemeOid, params] = sequence(der, algorithm);
  const schemeId = oidOf(der, schemeOid, MALFORMED);
  // PKCS#12's own schemes (3DES, RC2) as `openssl pkcs12 -legacy` and `pkcs8 -v1` write them.
  if (isPkcs12Pbe(schemeId)) return decryptPkcs12Pbe(schemeId, der, params, encrypted, password);
  if (schemeId !== PBES2) throw new PemError(`unsupported key encryption ${schemeId} (PBES2 or PKCS#12 PBE expected)`);
  const [kdf, scheme] = sequence(der, params);
  const [kdfOid, kdfParamsTlv] = sequence(der, kdf);
  if (oidOf(der, kdfOid, MALFORMED) !== PBKDF2) throw new PemError('only PBKDF2 key derivation is supported');
  const kdfParams = sequence(der, kdfParamsTlv);
  const salt = octetsOf(der, kdfParams[0], MALFORMED).slice();
  const iterations = smallIntegerOf(der, kdfParams[1], MALFORMED);
  let prf = PRFS['1.2.840.113549.2.7'] as typeof sha256;
  for (const item of kdfParams.slice(2)) {
    if (item.tag === TAG.sequence) {
      const found = PRFS[oidOf(der, sequence(der, item)[0], MALFORMED)];
      if (found === undefined) throw new PemError('unsupported PBKDF2 pseudo-random function');
      prf = found;
    }
  }
  const [cipherOid, ivTlv] = sequence(der, scheme);
  const keyLength = CIPHERS[oidOf(der, cipherOid, MALFORMED)];
  if (keyLength === undefined) throw new PemError('unsupported PBES2 cipher (AES-CBC expected)');
  const iv = octetsOf(der, ivTlv, MALFORMED).slice();
  const key = pbkdf2(prf, new TextEncoder().encode(password), salt, { c: iterations, dkLen: keyLength });
  try {
    return cbc(key, iv).decrypt(encrypted);
  } catch (cause) {
    throw new PemError('cannot decrypt the private key: wrong password?', { cause });
  }
}
