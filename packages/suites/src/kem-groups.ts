/**
 * The ML-KEM key-exchange groups of TLS 1.3: the PQ/T hybrids X25519MLKEM768, SecP256r1MLKEM768 and
 * SecP384r1MLKEM1024 (RFC 10024, draft-ietf-tls-ecdhe-mlkem §4.1) and the pure groups MLKEM512,
 * MLKEM768 and MLKEM1024 (draft-ietf-tls-mlkem §3). Their layout (sizes, which half comes first) and
 * the composition of an ML-KEM half (FIPS 203, from @noble/post-quantum) with a provider's own
 * ECDHE half, so every provider builds the same bytes.
 *
 * Wire layout (RFC 10024 §4.1): the client share is the concatenation of both halves' public
 * values, the server share of the ECDHE value and the ML-KEM ciphertext, the shared secret of both
 * halves' secrets, always in the same order: ML-KEM first for X25519MLKEM768, the ECDHE half first
 * for SecP256r1MLKEM768 and SecP384r1MLKEM1024. The pure groups carry the encapsulation key, the
 * ciphertext and the 32-byte ML-KEM shared secret alone.
 * @module
 */
import { concatBytes } from '@noble/hashes/utils.js';
import { MLKEM_ENCAPS_RANDOM_LENGTH, MLKEM_SEED_LENGTH, type MlKemBackend, nobleMlKem } from './ml-kem.js';
import { CryptoError, type GroupName, type KeyShare, type KeyShareResponse } from './provider.js';

/** The groups built on ML-KEM. */
export type KemGroupName =
  | 'X25519MLKEM768'
  | 'SecP256r1MLKEM768'
  | 'SecP384r1MLKEM1024'
  | 'MLKEM512'
  | 'MLKEM768'
  | 'MLKEM1024';

/** The ECDHE groups a hybrid combines with ML-KEM. */
export type HybridEcdhGroup = 'x25519' | 'secp256r1' | 'secp384r1';

/** Sizes and order of one ML-KEM group (FIPS 203 Table 3 for the ML-KEM sizes). */
export interface KemGroupLayout {
  /** ML-KEM parameter set. */
  readonly kem: 512 | 768 | 1024;
  /** Bytes of the client's ML-KEM encapsulation key. */
  readonly encapsulationKeyLength: number;
  /** Bytes of the server's ML-KEM ciphertext. */
  readonly ciphertextLength: number;
  /** The ECDHE half of a hybrid; absent for the pure ML-KEM groups. */
  readonly ecdh?: {
    readonly group: HybridEcdhGroup;
    /** Bytes of its public value (an uncompressed point for the NIST curves, RFC 8446 §4.2.8.2). */
    readonly shareLength: number;
    /** Bytes of an injected private scalar. */
    readonly scalarLength: number;
    /** True when the ECDHE half comes before the ML-KEM half (the SecP groups). */
    readonly first: boolean;
  };
}

const X25519 = { group: 'x25519', shareLength: 32, scalarLength: 32, first: false } as const;
const P256 = { group: 'secp256r1', shareLength: 65, scalarLength: 32, first: true } as const;
const P384 = { group: 'secp384r1', shareLength: 97, scalarLength: 48, first: true } as const;
const K512 = { kem: 512, encapsulationKeyLength: 800, ciphertextLength: 768 } as const;
const K768 = { kem: 768, encapsulationKeyLength: 1184, ciphertextLength: 1088 } as const;
const K1024 = { kem: 1024, encapsulationKeyLength: 1568, ciphertextLength: 1568 } as const;

/** Every ML-KEM group's layout. */
export const KEM_GROUPS: Readonly<Record<KemGroupName, KemGroupLayout>> = Object.freeze({
  X25519MLKEM768: { ...K768, ecdh: X25519 },
  SecP256r1MLKEM768: { ...K768, ecdh: P256 },
  SecP384r1MLKEM1024: { ...K1024, ecdh: P384 },
  MLKEM512: K512,
  MLKEM768: K768,
  MLKEM1024: K1024,
});

/** True for the groups of this module. */
export function isKemGroup(group: string): group is KemGroupName {
  return Object.hasOwn(KEM_GROUPS, group);
}

/** A provider's synchronous ECDHE half: its public value and the agreement with the peer's. */
export interface EcdhHalf {
  readonly publicKey: Uint8Array;
  complete(peerPublic: Uint8Array): Uint8Array;
}

/** Makes the ECDHE half of a hybrid on a provider's own curves, from an injected scalar or a fresh one. */
export type EcdhHalfFactory = (group: HybridEcdhGroup, scalar?: Uint8Array) => EcdhHalf;

type RandomBytes = (length: number) => Uint8Array;

/** The two halves of a hybrid value in wire order, or the ML-KEM part alone. */
function join(layout: KemGroupLayout, kemPart: Uint8Array, ecdhPart: Uint8Array | undefined): Uint8Array {
  if (layout.ecdh === undefined || ecdhPart === undefined) return kemPart;
  return layout.ecdh.first ? concatBytes(ecdhPart, kemPart) : concatBytes(kemPart, ecdhPart);
}

/** Splits a peer value into its ML-KEM and ECDHE parts after checking its total length. */
function split(
  group: KemGroupName,
  layout: KemGroupLayout,
  value: Uint8Array,
  kemLength: number,
  what: string,
): { kem: Uint8Array; ecdh: Uint8Array } {
  const ecdhLength = layout.ecdh?.shareLength ?? 0;
  if (value.length !== kemLength + ecdhLength) {
    throw new CryptoError(`${group} ${what} must be ${kemLength + ecdhLength} bytes, got ${value.length}`);
  }
  if (layout.ecdh?.first === true) return { ecdh: value.subarray(0, ecdhLength), kem: value.subarray(ecdhLength) };
  return { kem: value.subarray(0, kemLength), ecdh: value.subarray(kemLength) };
}

/** Splits an injected private key: the ML-KEM part (`kemLength` bytes) first, then the ECDHE scalar. */
function splitKey(
  group: KemGroupName,
  layout: KemGroupLayout,
  kemLength: number,
  key: Uint8Array | undefined,
): { kem?: Uint8Array; scalar?: Uint8Array } {
  if (key === undefined) return {};
  const total = kemLength + (layout.ecdh?.scalarLength ?? 0);
  if (key.length !== total) throw new CryptoError(`${group} private key must be ${total} bytes, got ${key.length}`);
  return {
    kem: key.subarray(0, kemLength),
    ...(layout.ecdh === undefined ? {} : { scalar: key.subarray(kemLength) }),
  };
}

/**
 * The initiator (client) side of an ML-KEM group. `privateKey`, when given, is the 64-byte ML-KEM
 * seed followed by the ECDHE scalar of a hybrid (whatever the wire order), so handshakes replay.
 * `backend` is the ML-KEM implementation (noble's unless the provider has a native one).
 *
 * @throws CryptoError for an injected key of the wrong length, or a server value of the wrong length
 *   or that the ECDHE half rejects.
 * @example
 * const share = kemKeyShare('SecP256r1MLKEM768', makeEcdh, randomBytes);
 * share.publicKey.length; // 65 + 1184
 */
export function kemKeyShare(
  group: KemGroupName,
  ecdh: EcdhHalfFactory,
  random: RandomBytes,
  privateKey?: Uint8Array,
  backend: MlKemBackend = nobleMlKem,
): KeyShare {
  const layout = KEM_GROUPS[group];
  const key = splitKey(group, layout, MLKEM_SEED_LENGTH, privateKey);
  const kem = backend.keygen(layout.kem, key.kem, random);
  const half = layout.ecdh === undefined ? undefined : ecdh(layout.ecdh.group, key.scalar);
  return {
    group: group as GroupName,
    publicKey: join(layout, kem.publicKey, half?.publicKey),
    complete(peerPublic: Uint8Array): Uint8Array {
      const parts = split(group, layout, peerPublic, layout.ciphertextLength, 'server share');
      let kemSecret: Uint8Array;
      try {
        kemSecret = kem.decapsulate(parts.kem);
      } catch (cause) {
        throw new CryptoError(`${group} ML-KEM decapsulation failed`, { cause });
      }
      return join(layout, kemSecret, half?.complete(parts.ecdh));
    },
  };
}

/**
 * The responder (server) side: encapsulates to the client's key and answers with the ciphertext
 * (and our ECDHE value, in wire order). `privateKey`, when given, is the 32-byte encapsulation
 * randomness followed by the ECDHE scalar of a hybrid. `backend` is the ML-KEM implementation.
 *
 * @throws CryptoError for a client value of the wrong length, an encapsulation key that fails the
 *   FIPS 203 §7.2 modulus check, or an ECDHE value the ECDHE half rejects.
 * @example
 * const { publicKey, sharedSecret } = kemAcceptKeyShare('MLKEM768', clientShare, makeEcdh, randomBytes);
 */
export function kemAcceptKeyShare(
  group: KemGroupName,
  peerPublic: Uint8Array,
  ecdh: EcdhHalfFactory,
  random: RandomBytes,
  privateKey?: Uint8Array,
  backend: MlKemBackend = nobleMlKem,
): KeyShareResponse {
  const layout = KEM_GROUPS[group];
  const key = splitKey(group, layout, MLKEM_ENCAPS_RANDOM_LENGTH, privateKey);
  const parts = split(group, layout, peerPublic, layout.encapsulationKeyLength, 'client share');
  let encapsulated: { cipherText: Uint8Array; sharedSecret: Uint8Array };
  try {
    encapsulated = backend.encapsulate(layout.kem, parts.kem, key.kem, random);
  } catch (cause) {
    throw new CryptoError(`invalid ML-KEM-${layout.kem} encapsulation key`, { cause });
  }
  const half = layout.ecdh === undefined ? undefined : ecdh(layout.ecdh.group, key.scalar);
  const ecdhSecret = half?.complete(parts.ecdh);
  return {
    publicKey: join(layout, encapsulated.cipherText, half?.publicKey),
    sharedSecret: join(layout, encapsulated.sharedSecret, ecdhSecret),
  };
}
