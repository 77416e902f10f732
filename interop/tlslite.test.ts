// tlslite-ng against our engine on RFC 8879 certificate compression (interop/tlslite.mjs), zlib and
// brotli, both roles. Runs when a tlslite-ng source tree and a Python with ecdsa are present (see
// tlslite.mjs for where they are looked for); otherwise skipped with the reason. `npm run interop`
// never skips them: there a missing tlslite-ng is a failure.
import { ClientConnection, ServerConnection, ServerSessionCache } from '@sslsocket/handshake';
import { nodeProvider } from '@sslsocket/provider-node';
import { nobleProvider } from '@sslsocket/suites';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { InteropEnv } from './cases.mjs';
import { killAll, makeCredentials, removeCredentials } from './driver.mjs';
import { findTlslite, tlsliteCases } from './tlslite.mjs';

const found = findTlslite();
if (found.dir === undefined) console.log(`skip tlslite-ng certificate compression interop: ${found.why}`);
else if (!found.brotli) console.log(`skip tlslite-ng brotli cases: ${found.python} has no brotli module`);
const runnable = tlsliteCases(found).filter((c) => found.brotli || !c.name.includes('brotli'));

describe.runIf(found.dir !== undefined)('interop with tlslite-ng on certificate compression', () => {
  let env: InteropEnv;
  let creds: ReturnType<typeof makeCredentials>;
  let client: ReturnType<typeof makeCredentials>;
  beforeAll(() => {
    creds = makeCredentials(['p256']);
    client = makeCredentials(['p256'], 'client.example');
    env = {
      lib: { ClientConnection, ServerConnection, ServerSessionCache },
      provider: nobleProvider,
      productProvider: nodeProvider,
      creds: { ...(creds as object), client: (client as { p256: unknown }).p256 },
      ticketKey: new Uint8Array(32).fill(7),
    };
  });
  afterAll(() => {
    killAll();
    removeCredentials(creds);
    removeCredentials(client);
  });
  for (const c of runnable) {
    it(c.name, { timeout: 30000 }, async () => {
      try {
        await c.run(env);
      } finally {
        killAll();
      }
    });
  }
});
