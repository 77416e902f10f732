// The key schedule's per-provider constants (Hash(""), the PSK-less Early Secret and its "derived"
// salt) and the HkdfLabel encoder, against RFC 8448 §3 (full handshake) and §4 (resumed, with a PSK).
import { type CryptoProvider, nobleProvider } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes.js';
import { tv } from '../test/rfc8448.js';
import { deriveSecret, earlySecret, handshakeSecret, hkdfLabel, masterSecret } from './key-schedule.js';

const h = 'SHA-256';
const hex = (b: Uint8Array) => toHex(b);

/** nobleProvider behind a fresh object (its own cache entry) that counts the calls the schedule makes. */
function counting(): { provider: CryptoProvider; calls: { extract: number; expand: number; digest: number } } {
  const calls = { extract: 0, expand: 0, digest: 0 };
  const provider: CryptoProvider = {
    ...nobleProvider,
    hkdfExtract: (...args) => {
      calls.extract++;
      return nobleProvider.hkdfExtract(...args);
    },
    hkdfExpand: (...args) => {
      calls.expand++;
      return nobleProvider.hkdfExpand(...args);
    },
    digest: (...args) => {
      calls.digest++;
      return nobleProvider.digest(...args);
    },
  };
  return { provider, calls };
}

describe('HkdfLabel (RFC 8446 §7.1)', () => {
  it('encodes the info strings of RFC 8448 §3', () => {
    const derive = (step: string) => tv(3, 'server', step, 'info');
    const helloHash = tv(3, 'server', 'derive secret "tls13 c hs traffic"', 'hash');
    expect(hex(hkdfLabel('c hs traffic', helloHash, 32))).toBe(hex(derive('derive secret "tls13 c hs traffic"')));
    const emptyHash = tv(3, 'server', 'derive secret for handshake "tls13 derived"', 'hash');
    expect(hex(hkdfLabel('derived', emptyHash, 32))).toBe(hex(derive('derive secret for handshake "tls13 derived"')));
    const keys = 'derive write traffic keys for handshake data';
    expect(hex(hkdfLabel('key', new Uint8Array(0), 16))).toBe(hex(tv(3, 'server', keys, 'key info')));
    expect(hex(hkdfLabel('iv', new Uint8Array(0), 12))).toBe(hex(tv(3, 'server', keys, 'iv info')));
  });

  it('refuses fields that do not fit their length prefixes', () => {
    expect(() => hkdfLabel('x', new Uint8Array(256), 32)).toThrow(RangeError);
    expect(() => hkdfLabel('x'.repeat(250), new Uint8Array(0), 32)).toThrow(RangeError);
    expect(() => hkdfLabel('x', new Uint8Array(0), 0x10000)).toThrow(RangeError);
    expect(() => hkdfLabel('x', new Uint8Array(0), 1.5)).toThrow(RangeError);
    // The longest label that fits: "tls13 " + 249 bytes = 255.
    expect(hkdfLabel('x'.repeat(249), new Uint8Array(0), 32)[2]).toBe(255);
  });
});

describe('key schedule constants, computed once per provider', () => {
  it('the PSK-less Early Secret is RFC 8448 §3, and each caller gets its own copy', () => {
    const { provider } = counting();
    const first = earlySecret(provider, h);
    expect(hex(first)).toBe(hex(tv(3, 'server', 'extract secret "early"', 'secret')));
    first.fill(0);
    expect(hex(earlySecret(provider, h))).toBe(hex(tv(3, 'server', 'extract secret "early"', 'secret')));
  });

  it('the second full handshake asks the provider for the per-connection steps only', () => {
    const { provider, calls } = counting();
    const shared = tv(3, 'server', 'extract secret "handshake"', 'IKM');
    const expected = hex(tv(3, 'server', 'extract secret "handshake"', 'secret'));
    expect(hex(handshakeSecret(provider, h, earlySecret(provider, h), shared))).toBe(expected);
    // First use: Hash(""), Early Secret, its "derived" salt, then the Handshake Secret itself.
    expect(calls).toEqual({ extract: 2, expand: 1, digest: 1 });
    const again = handshakeSecret(provider, h, earlySecret(provider, h), shared);
    expect(hex(again)).toBe(expected);
    expect(calls).toEqual({ extract: 3, expand: 1, digest: 1 });
    // Master Secret: its "derived" salt from this connection's Handshake Secret, Hash("") cached.
    expect(hex(masterSecret(provider, h, again))).toBe(hex(tv(3, 'server', 'extract secret "master"', 'secret')));
    expect(calls).toEqual({ extract: 4, expand: 2, digest: 1 });
    // Another provider object computes its own constants.
    const other = counting();
    handshakeSecret(other.provider, h, earlySecret(other.provider, h), shared);
    expect(other.calls).toEqual({ extract: 2, expand: 1, digest: 1 });
  });

  it('with a PSK (RFC 8448 §4) the salt is derived from that Early Secret, not the cached one', () => {
    const { provider, calls } = counting();
    // Fill the cache first, so the PSK handshake below could only go wrong by using it.
    earlySecret(provider, h);
    const psk = tv(4, 'client', 'extract secret "early"', 'IKM');
    const early = earlySecret(provider, h, psk);
    expect(hex(early)).toBe(hex(tv(4, 'client', 'extract secret "early"', 'secret')));
    const before = calls.expand;
    const shared = tv(4, 'server', 'extract secret "handshake"', 'IKM');
    const secret = handshakeSecret(provider, h, early, shared);
    expect(hex(secret)).toBe(hex(tv(4, 'server', 'extract secret "handshake"', 'secret')));
    expect(calls.expand).toBe(before + 1);
    expect(hex(tv(4, 'server', 'extract secret "handshake"', 'salt'))).toBe(
      hex(deriveSecret(provider, h, early, 'derived', tv(4, 'server', 'derive secret for handshake', 'hash'))),
    );
  });
});
