import type { CryptoProvider, GroupName } from '@sslsocket/suites';
import { CryptoError } from '@sslsocket/suites';
import { describe, expect, it, vi } from 'vitest';
import { createNodeProvider } from './node-provider.js';

// Simulates a runtime whose node:crypto has none of the probed primitives (the Deno worst case):
// every such operation must go to the fallback provider, not crash and not silently misbehave.
vi.mock('./features.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./features.js')>();
  return {
    ...actual,
    aeadSupported: new Set(),
    cbcSupported: new Set(),
    hashSupported: new Set(),
    ecdhSupported: new Set(),
    montgomerySupported: new Set(),
    signatureSupported: new Set(),
    ffdhSupported: false,
  };
});

/** A provider that records which operation was delegated to it and returns a marker. */
function recordingFallback(calls: string[]): CryptoProvider {
  return new Proxy({} as CryptoProvider, {
    get(_target, property) {
      if (property === 'name') return 'recording';
      return (...args: unknown[]) => {
        calls.push(`${String(property)}:${String(args[0])}`);
        return 'delegated';
      };
    },
  });
}

describe('per-operation fallback', () => {
  it('routes what the runtime lacks to the fallback provider', () => {
    const calls: string[] = [];
    const provider = createNodeProvider({ fallback: recordingFallback(calls) });
    const bytes = new Uint8Array(32);
    expect(provider.aead('AES-128-CCM', bytes.subarray(0, 16))).toBe('delegated');
    expect(provider.cbc('AES-128-CBC', bytes.subarray(0, 16))).toBe('delegated');
    expect(provider.digest('SHA-256', bytes)).toBe('delegated');
    expect(provider.hkdfExpand('SHA-384', bytes, bytes, 10)).toBe('delegated');
    for (const group of ['x25519', 'x448', 'secp256r1', 'ffdhe2048', 'X25519MLKEM768'] as GroupName[]) {
      expect(provider.keyShare(group)).toBe('delegated');
    }
    expect(provider.acceptKeyShare('X25519MLKEM768', bytes)).toBe('delegated');
    expect(provider.dhKeyShare({ p: 23n, g: 5n })).toBe('delegated');
    const ed = { kind: 'ed25519', key: bytes } as const;
    expect(provider.verify('ed25519', ed, bytes, bytes)).toBe('delegated');
    expect(calls).toEqual([
      'aead:AES-128-CCM',
      'cbc:AES-128-CBC',
      'digest:SHA-256',
      'hkdfExpand:SHA-384',
      'keyShare:x25519',
      'keyShare:x448',
      'keyShare:secp256r1',
      'keyShare:ffdhe2048',
      'keyShare:X25519MLKEM768',
      'acceptKeyShare:X25519MLKEM768',
      'dhKeyShare:[object Object]',
      'verify:ed25519',
    ]);
  });

  it('throws CryptoError when there is no fallback', () => {
    const provider = createNodeProvider({ fallback: null });
    expect(() => provider.aead('AES-128-GCM', new Uint8Array(16))).toThrow(CryptoError);
    expect(() => provider.keyShare('x25519')).toThrow(CryptoError);
    // Randomness never needs a fallback.
    expect(provider.randomBytes(4)).toHaveLength(4);
  });
});
