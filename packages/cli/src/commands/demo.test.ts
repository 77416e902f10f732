import { describe, expect, it } from 'vitest';
import { runDemoCommand } from './demo.js';

describe('sslsocket demo', () => {
  it('runs server, clients and openssl, prints the table and exits 0', async () => {
    let out = '';
    let err = '';
    const code = await runDemoCommand([], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/sslsocket tlsv1\.3\s+tlsv1\.3\s+TLS_AES_\d+_GCM_SHA\d+\s+x25519/);
    expect(out).toMatch(/openssl s_client\s+tlsv1\.3/);
    expect(out).toMatch(/throughput: [\d.]+ MB\/s/);
  }, 40_000);
});
