/**
 * The `#legacy-cipher` module on Node, Deno and Bun: Triple-DES-CBC from node:crypto, for PKCS#12
 * files and keys encrypted with pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 Appendix C). Browser
 * bundles get `legacy-cipher-web`, which has none.
 * @module
 */
import { createDecipheriv } from 'node:crypto';

/** DES-EDE3-CBC decryption (24-byte key, 8-byte IV), padding left in place; undefined where unavailable. */
export const tripleDesCbcDecrypt: ((key: Uint8Array, iv: Uint8Array, data: Uint8Array) => Uint8Array) | undefined = (
  key,
  iv,
  data,
) => {
  const decipher = createDecipheriv('des-ede3-cbc', key, iv);
  decipher.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([decipher.update(data), decipher.final()]));
};
