// Node 24's node:tls (OpenSSL 3.5) against our engine on every ML-KEM group, both roles, and the
// HelloRetryRequest path (interop/node24.mjs). Runs when a Node 24 binary is present
// ($SSLSOCKET_NODE24, or the copy `npm run interop` installs); skipped with the reason otherwise.
// `npm run interop` installs it and never skips these cases.
import { ClientConnection, ServerConnection, ServerSessionCache } from '@sslsocket/handshake';
import { nodeProvider } from '@sslsocket/provider-node';
import { nobleProvider } from '@sslsocket/suites';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { InteropEnv } from './cases.mjs';
import { killAll, makeCredentials, removeCredentials } from './driver.mjs';
import { findNode24, node24Cases } from './node24.mjs';

const found = findNode24();
if (found.node === undefined) console.log(`skip node24 ML-KEM interop: ${found.why}`);

describe.runIf(found.node !== undefined)('interop with Node 24 node:tls on the ML-KEM groups', () => {
  let env: InteropEnv;
  let creds: ReturnType<typeof makeCredentials>;
  beforeAll(() => {
    creds = makeCredentials(['p256']);
    env = {
      lib: { ClientConnection, ServerConnection, ServerSessionCache },
      provider: nobleProvider,
      productProvider: nodeProvider,
      creds,
      ticketKey: new Uint8Array(32).fill(7),
    };
  });
  afterAll(() => {
    killAll();
    removeCredentials(creds);
  });
  for (const c of node24Cases(found.node as string)) {
    it(c.name, { timeout: 20000 }, async () => {
      try {
        await c.run(env);
      } finally {
        killAll();
      }
    });
  }
});
