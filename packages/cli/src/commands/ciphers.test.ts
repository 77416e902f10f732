import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCiphers } from './ciphers.js';

function run(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCiphers(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('sslsocket ciphers', () => {
  it('lists like openssl ciphers for a TLS 1.2 string', () => {
    const ours = run(['-tls1_2', 'ECDHE+AESGCM']);
    const theirs = execFileSync('openssl', ['ciphers', '-tls1_2', 'ECDHE+AESGCM'], { encoding: 'utf8' })
      .trim()
      .split(':')
      .filter((name) => !name.startsWith('TLS_'));
    expect(ours.code).toBe(0);
    expect(new Set(ours.out.trim().split(':'))).toEqual(new Set(theirs));
  });

  it('prints verbose lines in openssl format', () => {
    const { out } = run(['-v', '-stdname', 'ECDHE-RSA-AES128-GCM-SHA256']);
    const line = out
      .trim()
      .split('\n')
      .find((l) => l.includes('ECDHE-RSA-AES128-GCM-SHA256')) as string;
    const reference = execFileSync('openssl', ['ciphers', '-v', '-stdname', 'ECDHE-RSA-AES128-GCM-SHA256'], {
      encoding: 'utf8',
    })
      .split('\n')
      .find((l) => l.includes('ECDHE-RSA-AES128-GCM-SHA256')) as string;
    expect(line.split(/\s+/)).toEqual(reference.trim().split(/\s+/));
  });

  it('lists TLS 1.3 suites and rejects bad input with exit 2', () => {
    expect(run(['-tls1_3']).out.trim()).toBe(
      'TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256',
    );
    expect(run(['NOTHING-MATCHES']).code).toBe(2);
    expect(run(['-bogus']).err).toMatch(/unknown option -bogus/);
    expect(run(['-tls1_2', '-tls1_3']).code).toBe(2);
    expect(run(['--help']).out).toMatch(/usage: sslsocket ciphers/);
  });
});
