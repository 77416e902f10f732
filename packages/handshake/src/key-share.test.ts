// Hostile key shares: every group answers illegal_parameter (never internal_error), on both sides and
// in both versions (RFC 8446 §4.2.8.1-§4.2.8.2 and §7.4, RFC 7748 §6.1, RFC 8422 §5.11, RFC 7919
// §5.1, FIPS 203 §7.2). The TLS 1.3 server cases are exact ClientHello bytes; the other directions use
// a peer whose provider puts the same exact bytes on the wire (its signatures and transcript stay right).
import { x25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { createNodeProvider } from '@sslsocket/provider-node';
import { type CryptoProvider, ffdhePrime, type GroupName, nobleProvider } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import type { ConnectionConfig } from './config.js';
import { ClientConnection, ServerConnection } from './connection.js';
import { errorOf } from './test/events.js';
import { baseClient, baseServer, pump, serverId } from './test/pair.js';
import { alertFor, clientHelloRecord, u16, vec16 } from './test/wire.js';

const bytes = (hex: string): number[] => [...Buffer.from(hex.replace(/\s/g, ''), 'hex')];
const zeros = (n: number): number[] => new Array<number>(n).fill(0);
const big = (v: bigint, size: number): number[] => bytes(v.toString(16).padStart(size * 2, '0'));

const X25519_OK = [...x25519.getPublicKey(new Uint8Array(32).fill(0x11))];
const P256_G = [...p256.Point.BASE.toBytes(false)]; // 04 || Gx || Gy, a valid point
const P256_P = p256.Point.CURVE().p;
const FF2048_P = ffdhePrime('ffdhe2048');

/** Bad public values a client could send, by group, with a name each. */
const CLIENT_VALUES: [GroupName, string, number[]][] = [
  ['x25519', 'truncated (31 bytes)', X25519_OK.slice(0, 31)],
  ['x25519', 'zero-padded (33 bytes)', [...X25519_OK, 0]],
  ['x25519', 'too long (64 bytes)', [...X25519_OK, ...X25519_OK]],
  ['x25519', 'all zero', zeros(32)],
  ['x25519', 'small order u=1 (all-zero shared secret)', [1, ...zeros(31)]],
  ['x25519', 'a P-256 point (another group)', P256_G],
  ['x448', 'truncated (55 bytes)', zeros(55).fill(9)],
  ['x448', 'all zero', zeros(56)],
  ['x448', 'small order u=1', [1, ...zeros(55)]],
  ['secp256r1', 'point not on the curve (1, 1)', [4, ...big(1n, 32), ...big(1n, 32)]],
  ['secp256r1', 'the point at infinity', [0]],
  ['secp256r1', 'x = 0, y = 0', [4, ...zeros(64)]],
  ['secp256r1', 'y = 0', [...P256_G.slice(0, 33), ...zeros(32)]],
  ['secp256r1', 'compressed', [2 + ((P256_G[64] as number) & 1), ...P256_G.slice(1, 33)]],
  ['secp256r1', 'truncated (64 bytes)', P256_G.slice(0, 64)],
  ['secp256r1', 'too long (66 bytes)', [...P256_G, 0]],
  ['secp256r1', 'x = p (outside the field)', [4, ...big(P256_P, 32), ...P256_G.slice(33)]],
  ['secp256r1', 'an X25519 value (another group)', X25519_OK],
  ['secp384r1', 'point not on the curve', [4, ...big(1n, 48), ...big(1n, 48)]],
  ['secp384r1', 'compressed', [2, ...zeros(47), 1]],
  ['secp521r1', 'point not on the curve', [4, ...big(1n, 66), ...big(1n, 66)]],
  ['secp521r1', 'a P-256 point (another group)', P256_G],
  ['ffdhe2048', 'zero', zeros(256)],
  ['ffdhe2048', 'one', big(1n, 256)],
  ['ffdhe2048', 'p - 1', big(FF2048_P - 1n, 256)],
  ['ffdhe2048', 'p', big(FF2048_P, 256)],
  ['ffdhe2048', 'not left-padded (TLS 1.3: exactly the size of p)', [2]],
  ['X25519MLKEM768', 'truncated (1215 bytes)', [...zeros(1184), ...X25519_OK].slice(0, 1215)],
  ['X25519MLKEM768', 'ML-KEM coefficients >= q', [...new Array<number>(1184).fill(0xff), ...X25519_OK]],
  ['X25519MLKEM768', 'all-zero X25519 half', [...zeros(1184), ...zeros(32)]],
];

const CODES: Record<string, number> = {
  x25519: 0x001d,
  x448: 0x001e,
  secp256r1: 0x0017,
  secp384r1: 0x0018,
  secp521r1: 0x0019,
  ffdhe2048: 0x0100,
  X25519MLKEM768: 0x11ec,
};
const ALL_GROUPS = Object.keys(CODES) as GroupName[];

/** A provider whose own public values are replaced by `value` (a hostile peer's wire bytes). */
function lying(value: Uint8Array): CryptoProvider {
  return {
    ...nobleProvider,
    name: 'lying',
    keyShare: (group, secret) => {
      const share = nobleProvider.keyShare(group, secret);
      if (share instanceof Promise) throw new Error('sync provider expected');
      return { ...share, publicKey: value };
    },
    dhKeyShare: (parameters, secret) => {
      const share = nobleProvider.dhKeyShare(parameters, secret);
      if (share instanceof Promise) throw new Error('sync provider expected');
      return { ...share, publicKey: value };
    },
    acceptKeyShare: (group, peer, secret) => {
      const r = nobleProvider.acceptKeyShare(group, peer, secret);
      if (r instanceof Promise) throw new Error('sync provider expected');
      return { ...r, publicKey: value };
    },
  };
}

/** The honest side's provider: each case runs with noble and with node:crypto. */
const PROVIDERS: [string, CryptoProvider][] = [
  ['noble', nobleProvider],
  ['node', createNodeProvider()],
];

function pair(honest: CryptoProvider, client: Partial<ConnectionConfig>, server: Partial<ConnectionConfig>) {
  const c = new ClientConnection(baseClient({ provider: honest, ...client }));
  const s = new ServerConnection(baseServer({ provider: honest, ...server }));
  c.start();
  pump(c, s);
  return { client: errorOf(c.takeEvents()), server: errorOf(s.takeEvents()) };
}

describe.each(PROVIDERS)(
  'TLS 1.3 server (%s): a ClientHello with a bad key share is illegal_parameter',
  (_n, honest) => {
    it.each(CLIENT_VALUES)('%s: %s', (group, _what, value) => {
      const code = CODES[group] as number;
      const hello = clientHelloRecord({
        extensions: new Map([
          [10, vec16(u16(code))],
          [51, vec16([...u16(code), ...vec16(value)])],
        ]),
      });
      expect(
        alertFor(hello, {
          groups: ALL_GROUPS,
          provider: honest,
          certificateChain: [serverId.cert],
          privateKey: serverId.key,
        }),
      ).toBe('illegal_parameter');
    });

    it('the same hello with a valid X25519 share gets a ServerHello (control)', () => {
      const hello = clientHelloRecord({ extensions: new Map([[51, vec16([...u16(0x1d), ...vec16(X25519_OK)])]]) });
      expect(alertFor(hello)).toBe('none');
    });
  },
);

/** Bad values a server could send (hybrids send a 1088-byte ciphertext, not a key). */
const SERVER_VALUES: [GroupName, string, number[]][] = [
  ...CLIENT_VALUES.filter(([g]) => g !== 'X25519MLKEM768'),
  ['X25519MLKEM768', 'truncated (1119 bytes)', zeros(1119)],
  ['X25519MLKEM768', 'all-zero X25519 half', [...zeros(1088), ...zeros(32)]],
];

describe.each(PROVIDERS)(
  'TLS 1.3 client (%s): a ServerHello with a bad key share is illegal_parameter',
  (_n, honest) => {
    it.each(SERVER_VALUES)('%s: %s', (group, _what, value) => {
      const result = pair(
        honest,
        { groups: [group], keyShareGroups: [group] },
        { groups: [group], provider: lying(Uint8Array.from(value)) },
      );
      expect(result.client).toBe('illegal_parameter');
    });
  },
);

const TLS12_ECDHE = { versions: ['tlsv1.2'], cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'] };
const TLS12_DHE = {
  versions: ['tlsv1.2'],
  cipherSuites: ['TLS_DHE_PSK_WITH_AES_128_GCM_SHA256'],
  externalPsk: { identity: new TextEncoder().encode('id'), key: new Uint8Array(16).fill(5) },
};
const DHE_SERVER = {
  cipherSuites: ['TLS_DHE_PSK_WITH_AES_128_GCM_SHA256'],
  userLookupFun: () => new Uint8Array(16).fill(5),
};
// TLS 1.2 values: no hybrids, and FFDHE values may be shorter than p (RFC 5246 §8.1.2 strips zeros).
const TLS12_VALUES = CLIENT_VALUES.filter(([g, what]) => g !== 'X25519MLKEM768' && !what.startsWith('not left-padded'));

describe.each(PROVIDERS)(
  'TLS 1.2 server (%s): a ClientKeyExchange with a bad value is illegal_parameter',
  (_n, honest) => {
    it.each(TLS12_VALUES)('%s: %s', (group, _what, value) => {
      const ffdhe = group.startsWith('ffdhe');
      const result = pair(
        honest,
        { ...(ffdhe ? TLS12_DHE : TLS12_ECDHE), groups: [group], provider: lying(Uint8Array.from(value)) },
        { ...(ffdhe ? DHE_SERVER : {}), groups: [group] },
      );
      expect(result.server).toBe('illegal_parameter');
    });
  },
);

describe.each(PROVIDERS)(
  'TLS 1.2 client (%s): a ServerKeyExchange with a bad (correctly signed) value is illegal_parameter',
  (_n, honest) => {
    it.each(TLS12_VALUES)('%s: %s', (group, _what, value) => {
      const ffdhe = group.startsWith('ffdhe');
      const result = pair(
        honest,
        { ...(ffdhe ? TLS12_DHE : TLS12_ECDHE), groups: [group] },
        { ...(ffdhe ? DHE_SERVER : {}), groups: [group], provider: lying(Uint8Array.from(value)) },
      );
      expect(result.client).toBe('illegal_parameter');
    });
  },
);
