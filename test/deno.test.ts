import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

function withoutForceColor(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // Any FORCE_COLOR value, even 0, turns Deno's colours on.
  const { FORCE_COLOR: _ignored, ...rest } = env;
  return rest;
}

// The Deno suite runs the built dist/ under a real Deno (the npm package `deno`, fetched by npx):
// sslsocket over Deno.Conn, the in-memory pair, and the provider conformance vectors for nodeProvider
// (and noble) on Deno.s node:crypto layer.
it('the Deno suite passes under Deno', async () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const output = await new Promise<string>((resolve) => {
    execFile(
      'npx',
      [
        '--yes',
        'deno@2.9.6',
        'test',
        '--no-check',
        '--allow-net',
        '--allow-read',
        '--allow-env',
        '--allow-sys',
        'test/deno/sslsocket_test.ts',
        'test/deno/conformance_test.ts',
      ],
      { cwd: root, timeout: 170_000, env: { ...withoutForceColor(process.env), NO_COLOR: '1' } },
      (_error, stdout, stderr) => resolve(`${stdout}\n${stderr}`),
    );
  });
  // Deno may still colour its summary: compare the text without escape sequences.
  const plain = output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
  expect(plain).toMatch(/ok \| 30 passed \| 0 failed/);
}, 180_000);
