/**
 * The default CryptoProvider where `node:crypto` exists (Node, Deno, Bun): {@link nodeProvider}.
 * Chosen through the `#default-provider` import's `node` / `deno` conditions in package.json, so a
 * browser bundle resolves `default-provider-web` instead and never sees `node:crypto`.
 *
 * Measured reason (`npm run bench -- record`, 16 KiB AES-128-GCM records): node:crypto seals about
 * 1,700 MB/s against about 220 MB/s for WebCrypto and 50 MB/s for noble on the same machine.
 *
 * @example
 * import { defaultProvider } from '#default-provider';
 * @module
 */

import { nodeProvider } from '@sslsocket/provider-node';
import type { CryptoProvider } from '@sslsocket/suites';

export const defaultProvider: CryptoProvider = nodeProvider;
