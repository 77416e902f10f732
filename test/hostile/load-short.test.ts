// The short load run of `npm test` (the long one is test/stress/load.stress.ts): good node:tls
// clients, TLS 1.3 and 1.2 mixed, beside hostile connections against our echo server. Every good
// client completes with every byte echoed (SHA-256), and no TCP handle is left behind.
import { afterEach, describe, expect, it } from 'vitest';
import { ourEcho, runLoad, tcpHandles } from '../support/load.js';
import { Cleanup, ourServer, sleep, testCa } from '../support/peers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('load beside hostile peers (short)', () => {
  it('100 good clients and 12 hostile ones: all served, every byte checked, handles released', async () => {
    const ca = await testCa();
    const handlesBefore = tcpHandles();
    const listener = await ourServer(cleanup, { handshakeTimeoutMs: 1500 });
    const echo = ourEcho(listener);
    const report = await runLoad(echo.port, ca, {
      good: 100,
      hostile: 12,
      concurrency: 25,
      bytesPerClient: 32_768,
      hostileCapMs: 4000,
    });
    expect(report.failed).toEqual([]);
    expect(report.good).toBe(100);
    expect(report.bytesChecked).toBeGreaterThan(0);
    await echo.close();
    await expect.poll(() => tcpHandles(), { timeout: 5000 }).toBeLessThanOrEqual(handlesBefore);
    await sleep(10);
  }, 60_000);
});
