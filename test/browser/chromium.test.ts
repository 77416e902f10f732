import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { generateCaChain, listen } from 'sslsocket';
import { describe, expect, it } from 'vitest';
import { startBridge } from './bridge.js';
import { browserBundle } from './bundle.js';

// A real Chromium (Debian's `chromium`, headless) runs the sslsocket client from a browser bundle:
// a TLS 1.3 handshake to an sslsocket server through a local WebSocket-to-TCP bridge. Without a
// browser the test is skipped with a message, except under `npm run test:browser`
// (SSLSOCKET_REQUIRE_BROWSER=1), where a missing browser fails.

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const executable = CANDIDATES.find((path) => existsSync(path));
const required = process.env.SSLSOCKET_REQUIRE_BROWSER === '1';
const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

if (executable === undefined && !required) {
  console.warn(`chromium test skipped: no browser at ${CANDIDATES.join(', ')} (apt-get install chromium)`);
}

describe('sslsocket in Chromium', () => {
  it.skipIf(executable === undefined && !required)(
    'a TLS 1.3 handshake from the page through a WebSocket-to-TCP bridge',
    async () => {
      expect(executable, `no browser at ${CANDIDATES.join(', ')}`).toBeDefined();
      const { ca, leaf } = await generateCaChain();
      const server = await listen(0, {
        host: '127.0.0.1',
        cert: leaf.certificatePem,
        key: leaf.keyPem,
        versions: ['tlsv1.3'],
        alpnPreferredProtocols: ['echo/1'],
      });
      void server.accept().then(async (socket) => {
        for await (const chunk of socket) await socket.send(chunk);
      });
      const bundle = await browserBundle(fileURLToPath(new URL('./page-client.ts', import.meta.url)));
      const parameters = JSON.stringify({ caPem: ca.certificatePem, bridge: '' });
      const html = `<!doctype html><html><head><title>sslsocket</title></head><body style="font:16px monospace;white-space:pre">running</body>
<script>window.sslsocketTest = Object.assign(${parameters}, { bridge: location.href.replace(/^http/, 'ws') });</script>
<script type="module" src="/client.js"></script></html>`;
      const bridge = await startBridge({ host: '127.0.0.1', port: server.address.port }, { html, script: bundle.code });
      const browser = await chromium.launch({
        executablePath: executable as string,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu'],
      });
      try {
        const page = await browser.newPage();
        await page.goto(bridge.url);
        await page.waitForFunction(
          () => (globalThis as { sslsocketResult?: unknown }).sslsocketResult !== undefined,
          undefined,
          {
            timeout: 60_000,
          },
        );
        const result = await page.evaluate(() => (globalThis as { sslsocketResult?: unknown }).sslsocketResult);
        mkdirSync(artifacts, { recursive: true });
        await page.screenshot({ path: `${artifacts}chromium-handshake.png` });
        expect(result).toEqual({
          protocol: 'tlsv1.3',
          cipher: expect.stringMatching(/^TLS_/),
          group: expect.any(String),
          alpn: 'echo/1',
          echo: 'hello from the page',
        });
      } finally {
        await browser.close();
        await bridge.close();
        await server.close();
      }
    },
    120_000,
  );
});
