import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string): string => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests run against the TypeScript sources, so a stale dist/ can never hide a bug.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@sslsocket\/suites$/, replacement: src('suites') },
      { find: /^@sslsocket\/record$/, replacement: src('record') },
      { find: /^@sslsocket\/pkix$/, replacement: src('pkix') },
      { find: /^@sslsocket\/provider-node$/, replacement: src('provider-node') },
      { find: /^@sslsocket\/handshake$/, replacement: src('handshake') },
      {
        find: /^@sslsocket\/handshake\/tls12-kit$/,
        replacement: fileURLToPath(new URL('./packages/handshake/src/tls12-kit.ts', import.meta.url)),
      },
      { find: /^@sslsocket\/dtls$/, replacement: src('dtls') },
      { find: /^@sslsocket\/transport$/, replacement: src('transport') },
      { find: /^sslsocket$/, replacement: src('sslsocket') },
      // The default provider is chosen by package.json import conditions; tests run on Node.
      {
        find: /^@sslsocket\/transport\/node$/,
        replacement: fileURLToPath(new URL('./packages/transport/src/node.ts', import.meta.url)),
      },
      { find: /^@sslsocket\/node-compat$/, replacement: src('node-compat') },
      { find: /^@sslsocket\/session-store-redis$/, replacement: src('session-store-redis') },
      {
        find: /^#files$/,
        replacement: fileURLToPath(new URL('./packages/pkix/src/files-node.ts', import.meta.url)),
      },
      {
        find: /^#platform$/,
        replacement: fileURLToPath(new URL('./packages/sslsocket/src/platform-node.ts', import.meta.url)),
      },
      {
        find: /^#default-provider$/,
        replacement: fileURLToPath(new URL('./packages/sslsocket/src/default-provider.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'interop/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
