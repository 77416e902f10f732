/**
 * The provider used for whatever the running node:crypto lacks (an old OpenSSL, Deno's partial
 * node:crypto): the pure, synchronous `nobleProvider`.
 *
 * @module
 */

import type { CryptoProvider } from '@sslsocket/suites';
import { nobleProvider } from '@sslsocket/suites';

/** Default fallback of {@link createNodeProvider}. */
export const defaultFallback: CryptoProvider | undefined = nobleProvider;
