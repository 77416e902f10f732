/**
 * RSAES-PKCS1-v1_5 (RFC 8017 §7.2) for the TLS 1.2 static-RSA key exchange (RFC 5246 §7.4.7.1).
 *
 * Decryption does not use OpenSSL's PKCS#1 padding mode: node ≥ 20 refuses it for private
 * decryption (the CVE-2023-46809 "Marvin" fix), and where it is allowed OpenSSL ≥ 3.2 answers a bad
 * padding with a synthetic message instead of an error, which would hide the failure the contract
 * reports as `null`. Instead the raw RSA operation (RSA_NO_PADDING, with OpenSSL's blinding) is
 * followed by an unpadding that reads every byte the same way whatever the padding looks like.
 *
 * @module
 */

import * as crypto from 'node:crypto';
import type { PrivateKey, PublicKey } from '@sslsocket/suites';
import { CryptoError } from '@sslsocket/suites';
import { bigintToBytes, leftPad, toU8 } from './bytes.js';
import { privateKeyObject, publicKeyObject } from './keys.js';

/** Byte length k of the modulus (RFC 8017 §2). */
function modulusLength(n: bigint): number {
  return bigintToBytes(n).length;
}

/** RSAES-PKCS1-v1_5-ENCRYPT (RFC 8017 §7.2.1); node still allows PKCS#1 padding for public encryption. */
export function rsaEncrypt(key: PublicKey, data: Uint8Array): Uint8Array {
  if (key.kind !== 'rsa') throw new CryptoError(`a ${key.kind} key cannot encrypt`);
  const k = modulusLength(key.n);
  if (data.length > k - 11) throw new CryptoError('message too long for RSAES-PKCS1-v1_5');
  const keyObject = publicKeyObject(key);
  try {
    return toU8(crypto.publicEncrypt({ key: keyObject, padding: crypto.constants.RSA_PKCS1_PADDING }, data));
  } catch (cause) {
    throw new CryptoError('RSA encryption failed', { cause });
  }
}

/**
 * Checks EM = 0x00 || 0x02 || PS || 0x00 || M with at least 8 non-zero PS bytes (RFC 8017 §7.2.2
 * step 3) and returns M, or null. Every byte of EM is visited and the decision is made from
 * accumulated masks, so the time taken does not depend on where the padding goes wrong.
 */
export function unpadPkcs1Type2(em: Uint8Array): Uint8Array | null {
  let bad = em[0] | (em[1] ^ 0x02);
  let separator = 0;
  let found = 0;
  for (let i = 2; i < em.length; i++) {
    // 1 when em[i] is zero: em[i] - 1 is negative only then.
    const isZero = ((em[i] - 1) >>> 31) & 1;
    const first = isZero & (found ^ 1);
    separator |= -first & i;
    found |= isZero;
  }
  bad |= found ^ 1;
  // PS must be at least 8 bytes, so the separator sits at index 10 or later.
  bad |= ((separator - 10) >>> 31) & 1;
  if (bad !== 0) return null;
  return em.slice(separator + 1);
}

/** Whether raw RSA private operations work in this runtime; learned on first use, then fixed. */
let rawRsaWorks: boolean | undefined;

/** True when node can run the raw private operation; probed once with the first key seen. */
export function rawRsaAvailable(key: PrivateKey): boolean {
  if (rawRsaWorks === undefined) {
    if (key.kind !== 'rsa') return true; // decided later, with a usable key
    const k = modulusLength(key.n);
    try {
      // 0^d mod n = 0: a ciphertext any key can decrypt, so failure means the runtime lacks the mode.
      const out = crypto.privateDecrypt(
        { key: privateKeyObject(key), padding: crypto.constants.RSA_NO_PADDING },
        new Uint8Array(k),
      );
      rawRsaWorks = out.every((b) => b === 0);
    } catch (cause) {
      if (cause instanceof CryptoError) throw cause;
      rawRsaWorks = false;
    }
  }
  return rawRsaWorks;
}

/** RSAES-PKCS1-v1_5-DECRYPT (RFC 8017 §7.2.2); null for any decryption or padding error. */
export function rsaDecrypt(key: PrivateKey, data: Uint8Array): Uint8Array | null {
  if (key.kind !== 'rsa') throw new CryptoError(`a ${key.kind} key cannot decrypt`);
  const k = modulusLength(key.n);
  // Step 1: the ciphertext must be exactly k bytes.
  if (data.length !== k || k < 11) return null;
  const keyObject = privateKeyObject(key);
  let em: Uint8Array;
  try {
    em = leftPad(toU8(crypto.privateDecrypt({ key: keyObject, padding: crypto.constants.RSA_NO_PADDING }, data)), k);
  } catch {
    // c >= n (RFC 8017 §5.1.2 step 1).
    return null;
  }
  return unpadPkcs1Type2(em);
}
