// nodeProvider's native ML-KEM path (node:crypto on Node >= 24.7) against the noble provider: the
// vitest run is on the project's floor (Node 20, noble path), so the checks run in a Node 24 child
// (interop/peers/native_mlkem_check.mjs, on the built dist/). Node 24 is found as for
// interop/node24.test.ts ($SSLSOCKET_NODE24, or the copy `npm run interop` installs); skipped with
// the reason otherwise.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findNode24 } from './node24.mjs';

const CHECK = fileURLToPath(new URL('./peers/native_mlkem_check.mjs', import.meta.url));
const found = findNode24();
if (found.node === undefined) console.log(`skip native ML-KEM checks: ${found.why}`);

describe.runIf(found.node !== undefined)('nodeProvider native ML-KEM on Node 24', () => {
  it('X25519MLKEM768 and MLKEM768: share lengths, secrets, handshakes against noble both ways, illegal_parameter for a bad ek', () => {
    const out = execFileSync(found.node as string, [CHECK], { encoding: 'utf8', timeout: 60000 });
    expect(out).toMatch(/^native-mlkem: 38 checks passed$/m);
  });
});
