// The README's "Using it" example, run as a user would paste it into an ES module: it must print
// the echo and exit by itself (nothing left listening or connected).
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const MARKER = '<!-- The next example is run by test/readme-example.test.ts';
// Inside node_modules so `import 'sslsocket'` resolves to the workspace package (its built dist/).
const dir = `${root}node_modules/.cache/sslsocket-readme-${process.pid}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

it('the README example runs, echoes, and exits on its own', async () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const at = readme.indexOf(MARKER);
  expect(at, 'README.md lost the marked example').toBeGreaterThan(0);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  expect(block).not.toBeNull();
  // The example's fixed port, moved to a free one so parallel test runs cannot collide.
  const code = (block?.[1] ?? '').replaceAll('8443', String(await freePort()));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/example.mjs`, code);
  const result = await new Promise<{ code: number | null; signal: string | null; out: string; err: string }>(
    (resolve) => {
      const child = execFile('node', [`${dir}/example.mjs`], { timeout: 20_000 }, (_error, out, err) =>
        resolve({ code: child.exitCode, signal: child.signalCode, out, err }),
      );
    },
  );
  expect(result.err).toBe('');
  // Killed by the timeout means it did not exit by itself.
  expect(result.signal).toBeNull();
  expect(result.code).toBe(0);
  expect(result.out).toMatch(/^hello$/m);
  expect(result.out).toMatch(/protocol: 'tlsv1\.3'/);
});
