export * from './alerts.js';
export * from './ffdhe.js';
export { createNobleProvider, type NobleProviderOptions, nobleProvider } from './noble/index.js';
export * from './provider.js';
export * from './registry/index.js';
export { webcryptoProvider } from './webcrypto/index.js';
