import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateCaChain } from '@sslsocket/pkix';
import { listen } from 'sslsocket';
import { expect, it } from 'vitest';

// Deno is the npm package `deno` fetched by npx, as in test/deno.test.ts (pinned to the same version).
const DENO = ['--yes', 'deno@2.9.6'];
const root = fileURLToPath(new URL('..', import.meta.url));

function runDeno(args: string[], env: Record<string, string> = {}): Promise<string> {
  // Any FORCE_COLOR value, even 0, turns Deno's colours on.
  const { FORCE_COLOR: _ignored, ...base } = process.env;
  return new Promise((resolve) => {
    execFile(
      'npx',
      [...DENO, ...args],
      { cwd: root, timeout: 110_000, env: { ...base, NO_COLOR: '1', ...env } },
      (_error, stdout, stderr) => {
        // Deno may still colour its summary: compare the text without escape sequences.
        resolve(`${stdout}\n${stderr}`.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), ''));
      },
    );
  });
}

// Issue #18: DTLS over Deno's UDP (`Deno.listenDatagram`, --unstable-net) against a node server.
it('a Deno DTLS client over connectDenoDatagram talks to a node sslsocket DTLS server', async () => {
  const ca = await generateCaChain({ altNames: ['server.test'] });
  const server = await listen(0, {
    protocol: 'dtls',
    host: '127.0.0.1',
    cert: ca.leaf.certificatePem,
    key: ca.leaf.keyPem,
  });
  const received: string[] = [];
  const serving = (async () => {
    const peer = await server.accept();
    const message = new TextDecoder().decode(await peer.recv(0, 60_000));
    received.push(message);
    await peer.send(message.toUpperCase());
    await peer.recv(0, 5000).catch(() => undefined); // until the client's close_notify
    await peer.close();
  })();
  try {
    const output = await runDeno(
      ['test', '--no-check', '--unstable-net', '--allow-net', '--allow-env', 'test/deno/dtls_test.ts'],
      { DTLS_PORT: String(server.address.port), DTLS_CA: ca.ca.certificatePem },
    );
    expect(output).toMatch(/ok \| 2 passed \| 0 failed/);
    await serving;
    expect(received).toEqual(['ping from deno']);
  } finally {
    await server.close();
  }
}, 120_000);

it('without --unstable-net the Deno UDP adapter throws a TransportError naming the flag', async () => {
  const script =
    "import { connectDenoDatagram } from '@sslsocket/transport';" +
    "try { await connectDenoDatagram('127.0.0.1', 9); console.log('no error'); }" +
    "catch (e) { console.log([e.name, e.code + ':', e.message].join(' ')); }";
  const output = await runDeno(['eval', '--no-check', script]);
  expect(output).toContain('TransportError UNSUPPORTED: Deno.listenDatagram is missing');
  expect(output).toContain('--unstable-net');
}, 120_000);
