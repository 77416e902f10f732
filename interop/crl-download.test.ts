// The CRL-download interop case inside `npm test`: our verify against `openssl verify -crl_download`.
import { execFileSync } from 'node:child_process';
import { describe, it } from 'vitest';
import { runVerifyCommand } from '../packages/cli/src/commands/verify.js';
import type { CommandIo } from '../packages/cli/src/io.js';
import { crlDownloadCases } from './crl-download.mjs';

const hasOpenssl = (() => {
  try {
    return execFileSync('openssl', ['version'], { encoding: 'utf8' }).startsWith('OpenSSL 3');
  } catch {
    return false;
  }
})();

/** `sslsocket verify` from the sources, its first stdout line. */
async function verifyCli(argv: readonly string[]): Promise<string> {
  let out = '';
  const io: CommandIo = {
    stdout: (text) => {
      out += text;
    },
    stderr: () => undefined,
  };
  await runVerifyCommand(argv, io);
  return out.split('\n')[0] as string;
}

describe.runIf(hasOpenssl)('CRL download interop (openssl 3)', () => {
  for (const c of crlDownloadCases()) it(c.name, { timeout: 60_000 }, () => c.run({ verifyCli }));
});
