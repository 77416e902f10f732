/**
 * `@sslsocket/provider-node`: a synchronous {@link CryptoProvider} on `node:crypto` (also runs on
 * Deno's node:crypto compatibility layer, falling back per operation to the pure provider).
 *
 * @example
 * ```ts
 * import { nodeProvider } from '@sslsocket/provider-node';
 * const key = nodeProvider.aead('AES-128-GCM', nodeProvider.randomBytes(16));
 * ```
 *
 * @module
 */

export type { CryptoProvider } from '@sslsocket/suites';
export { nodeMlKem } from './ml-kem.js';
export { createNodeProvider, type NodeProviderOptions, nodeProvider } from './node-provider.js';
export {
  createNodePoolProvider,
  type NodePoolProvider,
  type NodePoolProviderOptions,
  WorkerPoolError,
} from './pool-provider.js';
