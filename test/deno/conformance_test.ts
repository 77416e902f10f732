// The provider conformance vectors (test-vectors/crypto, the committed Wycheproof subset) for
// nodeProvider under Deno's node:crypto layer, run by test/deno.test.ts:
//   npx --yes deno@2.9.6 test --no-check --allow-read --allow-env --allow-sys test/deno/conformance_test.ts
import { nodeProvider } from '@sslsocket/provider-node';
import { nobleProvider } from '@sslsocket/suites';
import { vectorChecks } from '../conformance/vector-checks.ts';

function check(actual: unknown, expected: unknown, what = ''): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}

for (const provider of [nodeProvider, nobleProvider]) {
  for (const vector of vectorChecks(provider)) {
    Deno.test(`${provider.name} under Deno: ${vector.name}`, () => vector.run(check));
  }
}
