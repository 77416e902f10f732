/**
 * The `#legacy-cipher` module where there is no node:crypto (browsers, workers): no Triple-DES.
 * Web Crypto has none and neither has @noble/ciphers, so a 3DES-encrypted PKCS#12 file fails with
 * a Pkcs12AlgorithmError that says how to export it again with AES. Nothing here imports `node:`.
 * @module
 */

/** No DES here. */
export const tripleDesCbcDecrypt: ((key: Uint8Array, iv: Uint8Array, data: Uint8Array) => Uint8Array) | undefined =
  undefined;
