import { cbc } from '@noble/ciphers/aes.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import * as asn1js from 'asn1js';
import { PemError } from './errors.js';

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

function child(node: asn1js.AsnType, index: number): asn1js.AsnType {
  const value = (node as asn1js.Sequence).valueBlock?.value?.[index];
  if (value === undefined) throw new PemError('malformed EncryptedPrivateKeyInfo');
  return value;
}

function oid(node: asn1js.AsnType): string {
  if (!(node instanceof asn1js.ObjectIdentifier)) throw new PemError('malformed EncryptedPrivateKeyInfo');
  return node.valueBlock.toString();
}

function octets(node: asn1js.AsnType): Uint8Array {
  if (!(node instanceof asn1js.OctetString)) throw new PemError('malformed EncryptedPrivateKeyInfo');
  return node.valueBlock.valueHexView.slice();
}

/**
 * Decrypts a PKCS#8 EncryptedPrivateKeyInfo (RFC 5958 §3) protected with PBES2 (RFC 8018 §6.2):
 * PBKDF2 with HMAC-SHA-1/256/384/512 and AES-CBC, as `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes.
 * A wrong password shows up as bad padding or a malformed result: both are a PemError.
 */
export function decryptPkcs8(der: Uint8Array, password: string): Uint8Array {
  const parsed = asn1js.fromBER(der as Uint8Array<ArrayBuffer>);
  if (parsed.offset === -1) throw new PemError('malformed EncryptedPrivateKeyInfo');
  const algorithm = child(parsed.result, 0);
  const encrypted = octets(child(parsed.result, 1));
  if (oid(child(algorithm, 0)) !== PBES2) throw new PemError('only PBES2-encrypted keys are supported');
  const params = child(algorithm, 1);
  const kdf = child(params, 0);
  const scheme = child(params, 1);
  if (oid(child(kdf, 0)) !== PBKDF2) throw new PemError('only PBKDF2 key derivation is supported');
  const kdfParams = child(kdf, 1) as asn1js.Sequence;
  const salt = octets(child(kdfParams, 0));
  const iterations = (child(kdfParams, 1) as asn1js.Integer).valueBlock.valueDec;
  let prf = PRFS['1.2.840.113549.2.7'] as typeof sha256;
  for (const item of kdfParams.valueBlock.value.slice(2)) {
    if (item instanceof asn1js.Sequence) {
      const found = PRFS[oid(child(item, 0))];
      if (found === undefined) throw new PemError('unsupported PBKDF2 pseudo-random function');
      prf = found;
    }
  }
  const keyLength = CIPHERS[oid(child(scheme, 0))];
  if (keyLength === undefined) throw new PemError('unsupported PBES2 cipher (AES-CBC expected)');
  const iv = octets(child(scheme, 1));
  const key = pbkdf2(prf, new TextEncoder().encode(password), salt, { c: iterations, dkLen: keyLength });
  try {
    return cbc(key, iv).decrypt(encrypted);
  } catch (cause) {
    throw new PemError('cannot decrypt the private key: wrong password?', { cause });
  }
}
