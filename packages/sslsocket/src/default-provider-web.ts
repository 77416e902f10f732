/**
 * The default CryptoProvider where `node:crypto` does not exist (browsers, workers): noble, pure
 * JavaScript and synchronous. Picked by the `default` condition of the `#default-provider` import
 * in package.json; nothing here imports `node:crypto`. WebCrypto is faster for AES-GCM bulk data
 * but asynchronous and missing X25519 on some runtimes, so it stays an explicit choice
 * (`provider: 'webcrypto'`).
 *
 * @example
 * import { defaultProvider } from '#default-provider';
 * @module
 */
import { type CryptoProvider, nobleProvider } from '@sslsocket/suites';

export const defaultProvider: CryptoProvider = nobleProvider;
