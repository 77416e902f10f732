export * from './alerts.js';
export * from './ffdhe.js';
export * from './host-name.js';
export * from './key-share-check.js';
export { createNobleProvider, type NobleProviderOptions, nobleProvider } from './noble/index.js';
export * from './provider.js';
export * from './registry/index.js';
export { type SchemeParameters, schemeParameters } from './scheme-parameters.js';
export { webcryptoProvider } from './webcrypto/index.js';
