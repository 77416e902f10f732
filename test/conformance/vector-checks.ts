/**
 * The vector half of the provider conformance suite — published vectors (test-vectors/crypto) and the
 * committed Wycheproof subset — written against a bare `check(actual, expected, what)` so the same
 * checks run under vitest (provider-conformance.ts) and under Deno (test/deno/conformance_test.ts).
 * Only node:fs is used, which both runtimes provide.
 */
import { readFileSync } from 'node:fs';
import type { AeadAlgorithm, CryptoProvider, HashAlgorithm, PublicKey, SignatureSchemeName } from '@sslsocket/suites';

/** Fails (throws) unless `actual` equals `expected`; `what` names the case. */
export type Check = (actual: unknown, expected: unknown, what?: string) => void;

export interface VectorCheck {
  readonly name: string;
  run(check: Check): Promise<void>;
}

interface Vectors {
  hkdf: { hash: HashAlgorithm; ikm: string; salt: string; info: string; prk: string; okm: string }[];
  x25519: { scalar: string; u: string; output: string }[];
  x448: { scalar: string; u: string; output: string }[];
  hmac: ({ key: string; data: string } & Partial<Record<HashAlgorithm, string>>)[];
  ed25519: { secret: string; public: string; message: string; signature: string }[];
  prf12: { hash: HashAlgorithm; secret: string; label: string; seed: string; output: string }[];
  aead: {
    algorithm: AeadAlgorithm;
    key: string;
    nonce: string;
    aad: string;
    plaintext: string;
    ciphertext: string;
    tag: string;
  }[];
}

interface WycheproofCase {
  tcId: number;
  comment: string;
  result: 'valid' | 'invalid' | 'acceptable';
  [field: string]: unknown;
}

type WycheproofGroup = {
  keySize: number;
  tagSize: number;
  publicKey?: string;
  n?: string;
  e?: string;
  tests: WycheproofCase[];
};

const load = <T>(path: string): T => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as T;
const vectors = load<Vectors>('../../test-vectors/crypto/vectors.json');
const wycheproof = load<Record<string, WycheproofGroup[] | WycheproofCase[]>>(
  '../../test-vectors/crypto/wycheproof/subset.json',
);

function hex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

const settle = async <T>(value: T | Promise<T>): Promise<T> => value;

const aeadName = (family: string, keySize: number, tagSize: number): AeadAlgorithm =>
  (family === 'chacha20_poly1305_test'
    ? 'CHACHA20-POLY1305'
    : `AES-${keySize}-${family === 'aes_gcm_test' ? 'GCM' : tagSize === 64 ? 'CCM-8' : 'CCM'}`) as AeadAlgorithm;

const SIGNATURE_FAMILIES: [string, SignatureSchemeName, (group: WycheproofGroup) => PublicKey][] = [
  [
    'ecdsa_secp256r1_sha256_test',
    'ecdsa_secp256r1_sha256',
    (g) => ({ kind: 'ec', curve: 'P-256', point: hex(g.publicKey as string) }),
  ],
  ['ed25519_test', 'ed25519', (g) => ({ kind: 'ed25519', key: hex(g.publicKey as string) })],
  [
    'rsa_pss_2048_sha256_mgf1_32_test',
    'rsa_pss_rsae_sha256',
    (g) => ({ kind: 'rsa', n: BigInt(`0x${g.n}`), e: BigInt(`0x${g.e}`) }),
  ],
  [
    'rsa_signature_2048_sha256_test',
    'rsa_pkcs1_sha256',
    (g) => ({ kind: 'rsa', n: BigInt(`0x${g.n}`), e: BigInt(`0x${g.e}`) }),
  ],
];

/** Every vector check for `provider`. */
export function vectorChecks(provider: CryptoProvider): VectorCheck[] {
  const checks: VectorCheck[] = [
    {
      name: 'HKDF reproduces RFC 5869',
      run: async (check) => {
        for (const v of vectors.hkdf) {
          const prk = provider.hkdfExtract(v.hash, hex(v.salt), hex(v.ikm));
          check(toHex(prk), v.prk);
          check(toHex(provider.hkdfExpand(v.hash, prk, hex(v.info), v.okm.length / 2)), v.okm);
        }
      },
    },
    {
      name: 'X25519 and X448 reproduce RFC 7748',
      run: async (check) => {
        for (const [group, list] of [
          ['x25519', vectors.x25519],
          ['x448', vectors.x448],
        ] as const) {
          for (const v of list) {
            const share = await settle(provider.keyShare(group, hex(v.scalar)));
            check(toHex(await settle(share.complete(hex(v.u)))), v.output, group);
          }
        }
      },
    },
    {
      name: 'HMAC reproduces RFC 4231, the TLS 1.2 PRF its published vector',
      run: async (check) => {
        for (const v of vectors.hmac) {
          for (const hash of ['SHA-256', 'SHA-384', 'SHA-512'] as const) {
            const expected = v[hash];
            if (expected !== undefined) check(toHex(provider.hmac(hash, hex(v.key), hex(v.data))), expected, hash);
          }
        }
        for (const v of vectors.prf12) {
          check(toHex(provider.prf12(v.hash, hex(v.secret), hex(v.label), hex(v.seed), v.output.length / 2)), v.output);
        }
      },
    },
    {
      name: 'AES-GCM and AES-CCM reproduce the NIST samples',
      run: async (check) => {
        for (const v of vectors.aead) {
          const key = provider.aead(v.algorithm, hex(v.key));
          const buffer = new Uint8Array(v.plaintext.length / 2 + key.tagLength);
          buffer.set(hex(v.plaintext));
          await settle(key.seal(hex(v.nonce), hex(v.aad), buffer, 0, v.plaintext.length / 2));
          check(toHex(buffer), `${v.ciphertext}${v.tag}`, v.algorithm);
          check(await settle(key.open(hex(v.nonce), hex(v.aad), buffer, 0, buffer.length)), true, v.algorithm);
          check(toHex(buffer.subarray(0, v.plaintext.length / 2)), v.plaintext, v.algorithm);
        }
      },
    },
    {
      name: 'Ed25519 reproduces RFC 8032',
      run: async (check) => {
        for (const v of vectors.ed25519) {
          const key = { kind: 'ed25519', seed: hex(v.secret), key: hex(v.public) } as const;
          check(toHex(await settle(provider.sign('ed25519', key, hex(v.message)))), v.signature);
          const publicKey = { kind: 'ed25519', key: hex(v.public) } as const;
          check(await settle(provider.verify('ed25519', publicKey, hex(v.message), hex(v.signature))), true);
        }
      },
    },
  ];
  for (const family of ['aes_gcm_test', 'chacha20_poly1305_test', 'aes_ccm_test']) {
    checks.push({
      name: `Wycheproof ${family}: valid cases seal and open, invalid ones do not open`,
      run: async (check) => {
        let checked = 0;
        for (const group of wycheproof[family] as WycheproofGroup[]) {
          for (const t of group.tests) {
            const key = provider.aead(aeadName(family, group.keySize, group.tagSize), hex(t.key as string));
            const expected = `${t.ct as string}${t.tag as string}`;
            const sealed = hex(expected);
            const opened = await settle(key.open(hex(t.iv as string), hex(t.aad as string), sealed, 0, sealed.length));
            if (t.result === 'valid') {
              check(opened, true, `tcId ${t.tcId}`);
              check(toHex(sealed.subarray(0, (t.msg as string).length / 2)), t.msg, `tcId ${t.tcId}`);
              const buffer = new Uint8Array(expected.length / 2);
              buffer.set(hex(t.msg as string));
              await settle(
                key.seal(hex(t.iv as string), hex(t.aad as string), buffer, 0, (t.msg as string).length / 2),
              );
              check(toHex(buffer), expected, `tcId ${t.tcId}`);
            } else if (t.result === 'invalid') {
              check(opened, false, `tcId ${t.tcId} ${t.comment}`);
            }
            checked++;
          }
        }
        check(checked > 10, true, 'cases checked');
      },
    });
  }
  checks.push({
    name: 'Wycheproof x25519: shared secrets, and low-order points rejected',
    run: async (check) => {
      for (const t of wycheproof.x25519_test as WycheproofCase[]) {
        const share = await settle(provider.keyShare('x25519', hex(t.private as string)));
        let shared: string | undefined;
        try {
          shared = toHex(await settle(share.complete(hex(t.public as string))));
        } catch {
          shared = undefined;
        }
        if (t.result === 'valid') check(shared, t.shared, `tcId ${t.tcId}`);
        if (t.result === 'invalid') check(shared, undefined, `tcId ${t.tcId}`);
        // 'acceptable' (e.g. an all-zero result): rejecting it is what TLS requires (RFC 8446 §7.4.2).
        if (t.result === 'acceptable' && shared !== undefined) check(shared, t.shared, `tcId ${t.tcId}`);
      }
    },
  });
  for (const [family, scheme, keyOf] of SIGNATURE_FAMILIES) {
    checks.push({
      name: `Wycheproof ${family}: signatures verify exactly when valid`,
      run: async (check) => {
        for (const group of wycheproof[family] as WycheproofGroup[]) {
          const key = keyOf(group);
          for (const t of group.tests) {
            let ok: boolean;
            try {
              ok = await settle(provider.verify(scheme, key, hex(t.msg as string), hex(t.sig as string)));
            } catch {
              ok = false;
            }
            if (t.result !== 'acceptable') check(ok, t.result === 'valid', `tcId ${t.tcId} ${t.comment}`);
          }
        }
      },
    });
  }
  return checks;
}
