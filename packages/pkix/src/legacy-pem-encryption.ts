import { cbc } from '@noble/ciphers/aes.js';
import { md5 } from '@noble/hashes/legacy.js';
import { PemError } from './errors.js';
import type { PemBlock } from './pem.js';

/** The ciphers OpenSSL writes in DEK-Info for `openssl rsa|ec -aes128|-aes192|-aes256`, and their key sizes. */
const KEY_LENGTHS: Readonly<Record<string, number>> = { 'AES-128-CBC': 16, 'AES-192-CBC': 24, 'AES-256-CBC': 32 };

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

/**
 * The DER inside a PEM block, decrypted when the block carries OpenSSL's legacy encryption headers
 * (RFC 1421 §4.6.1.1 `Proc-Type: 4,ENCRYPTED`, §4.6.1.3 `DEK-Info: AES-256-CBC,<IV>`; the key is
 * EVP_BytesToKey(MD5, password, first 8 bytes of the IV)). Blocks without them come back as they are.
 *
 * Throws PemError saying what the block is: encrypted without a password given, a cipher other than
 * AES-CBC (DES-EDE3-CBC: convert with `openssl pkcs8 -topk8`), or a wrong password.
 *
 * @example
 * const der = decryptLegacyPem(decodePem(pem)[0], 'secret');
 */
export function decryptLegacyPem(block: PemBlock, password: string | undefined): Uint8Array {
  const procType = block.headers['Proc-Type'];
  if (procType === undefined) return block.der;
  const what = `the ${block.label} is encrypted with legacy PEM encryption (Proc-Type: ${procType})`;
  if (!/ENCRYPTED/i.test(procType)) return block.der;
  const [cipher = '', ivHex = ''] = (block.headers['DEK-Info'] ?? '').split(',').map((part) => part.trim());
  const keyLength = KEY_LENGTHS[cipher.toUpperCase()];
  if (keyLength === undefined) {
    throw new PemError(
      `${what} with ${cipher || 'no DEK-Info'}, which is not supported (AES-128/192/256-CBC are); ` +
        'convert it: openssl pkcs8 -topk8 -in key.pem -out key-pkcs8.pem',
    );
  }
  if (password === undefined) throw new PemError(`${what}: a password is needed`);
  if (!/^[0-9a-f]{32}$/i.test(ivHex)) throw new PemError(`${what}: DEK-Info has no 16-byte IV`);
  const iv = Uint8Array.from(ivHex.match(/../g) as string[], (byte) => Number.parseInt(byte, 16));
  const key = bytesToKey(utf8(password), iv.subarray(0, 8), keyLength);
  let plain: Uint8Array;
  try {
    plain = cbc(key, iv).decrypt(block.der);
  } catch {
    throw new PemError(`${what}: wrong password (the decrypted key has bad padding)`);
  }
  if (plain[0] !== 0x30) throw new PemError(`${what}: wrong password (the decrypted key is not DER)`);
  return plain;
}
