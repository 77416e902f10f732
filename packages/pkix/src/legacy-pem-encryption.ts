import { cbc } from '@noble/ciphers/aes.js';
import { md5 } from '@noble/hashes/legacy.js';
import { tripleDesCbcDecrypt } from '#legacy-cipher';
import { LegacyPemCipherError, PemError } from './errors.js';
import type { PemBlock } from './pem.js';
import { stripPadding } from './pkcs5-padding.js';

/** A DEK-Info cipher: its key and IV (= block) sizes in bytes. */
interface DekCipher {
  readonly kind: 'aes' | '3des';
  readonly keyLength: number;
  readonly ivLength: number;
}

/**
 * The ciphers OpenSSL writes in DEK-Info for `openssl rsa|ec -aes128|-aes192|-aes256|-des3`.
 * DES-EDE3-CBC is three-key Triple-DES (RFC 1423 §1.1 names DES-EDE3-CBC), 24-byte key, 8-byte IV.
 */
const CIPHERS: Readonly<Record<string, DekCipher>> = {
  'AES-128-CBC': { kind: 'aes', keyLength: 16, ivLength: 16 },
  'AES-192-CBC': { kind: 'aes', keyLength: 24, ivLength: 16 },
  'AES-256-CBC': { kind: 'aes', keyLength: 32, ivLength: 16 },
  'DES-EDE3-CBC': { kind: '3des', keyLength: 24, ivLength: 8 },
};

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** OpenSSL's EVP_BytesToKey with MD5 and one round: D_i = MD5(D_{i-1} || password || salt). */
function bytesToKey(password: Uint8Array, salt: Uint8Array, length: number): Uint8Array {
  const key = new Uint8Array(length);
  let previous = new Uint8Array(0);
  for (let filled = 0; filled < length; ) {
    const input = new Uint8Array(previous.length + password.length + salt.length);
    input.set(previous, 0);
    input.set(password, previous.length);
    input.set(salt, previous.length + password.length);
    previous = md5(input);
    key.set(previous.subarray(0, length - filled), filled);
    filled += previous.length;
  }
  return key;
}

/** `data` decrypted with `cipher` (padding removed), or undefined when the padding is bad. */
function decrypt(cipher: DekCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  if (cipher.kind === 'aes') {
    try {
      return cbc(key, iv).decrypt(data);
    } catch {
      return undefined;
    }
  }
  const desCbc = tripleDesCbcDecrypt as NonNullable<typeof tripleDesCbcDecrypt>;
  return stripPadding(desCbc(key, iv, data), 8);
}

/**
 * The DER inside a PEM block, decrypted when the block carries OpenSSL's legacy encryption headers
 * (RFC 1421 §4.6.1.1 `Proc-Type: 4,ENCRYPTED`, §4.6.1.3 `DEK-Info: AES-256-CBC,<IV>` or
 * `DES-EDE3-CBC,<IV>`; the key is EVP_BytesToKey(MD5, password, first 8 bytes of the IV)). Blocks
 * without them come back as they are.
 *
 * Throws PemError saying what the block is: encrypted without a password given, or a wrong password;
 * LegacyPemCipherError (a PemError) for a cipher other than AES-CBC and DES-EDE3-CBC, or for
 * DES-EDE3-CBC where the runtime has no Triple-DES (browsers), with the `openssl pkcs8` conversion.
 *
 * @example
 * const der = decryptLegacyPem(decodePem(pem)[0], 'secret');
 */
export function decryptLegacyPem(block: PemBlock, password: string | undefined): Uint8Array {
  const procType = block.headers['Proc-Type'];
  if (procType === undefined) return block.der;
  const what = `the ${block.label} is encrypted with legacy PEM encryption (Proc-Type: ${procType})`;
  if (!/ENCRYPTED/i.test(procType)) return block.der;
  const [name = '', ivHex = ''] = (block.headers['DEK-Info'] ?? '').split(',').map((part) => part.trim());
  const cipher = CIPHERS[name.toUpperCase()];
  if (cipher === undefined) {
    throw new LegacyPemCipherError(
      name || 'no DEK-Info',
      what,
      'is not supported (AES-128/192/256-CBC and DES-EDE3-CBC are)',
    );
  }
  if (cipher.kind === '3des' && tripleDesCbcDecrypt === undefined)
    throw new LegacyPemCipherError(name, what, 'needs Triple-DES, which this runtime lacks (no node:crypto)');
  if (password === undefined) throw new PemError(`${what}: a password is needed`);
  if (ivHex.length !== cipher.ivLength * 2 || !/^[0-9a-f]*$/i.test(ivHex))
    throw new PemError(`${what}: DEK-Info has no ${cipher.ivLength}-byte IV`);
  if (block.der.length === 0 || block.der.length % cipher.ivLength !== 0)
    throw new PemError(`${what}: the encrypted key is not whole ${cipher.ivLength}-byte blocks`);
  const iv = Uint8Array.from(ivHex.match(/../g) as string[], (byte) => Number.parseInt(byte, 16));
  const key = bytesToKey(utf8(password), iv.subarray(0, 8), cipher.keyLength);
  const plain = decrypt(cipher, key, iv, block.der);
  if (plain === undefined) throw new PemError(`${what}: wrong password (the decrypted key has bad padding)`);
  if (plain[0] !== 0x30) throw new PemError(`${what}: wrong password (the decrypted key is not DER)`);
  return plain;
}
