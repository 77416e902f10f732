/**
 * The CryptoProvider contract: every cryptographic operation the TLS engine performs goes through
 * one of these. The engine never imports a crypto library directly.
 *
 * Synchronous by design where it matters: a provider may return a Promise from the operations typed
 * `MaybePromise`, and the engine awaits only values that really are Promises, so a synchronous
 * provider (noble, node:crypto) pays no microtask per record. Hashes, HMAC, HKDF and the TLS 1.2 PRF
 * are always synchronous: they run on small inputs inside the key schedule, where a Promise would
 * cost more than the work (WebCrypto providers use a pure implementation for them).
 *
 * @module
 */

/** A value or a Promise of it. Engines test with {@link isPromiseLike} before awaiting. */
export type MaybePromise<T> = T | Promise<T>;

/** True when `value` is a thenable; used so synchronous results never go through a microtask. */
export function isPromiseLike<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/** Hash functions used by TLS (transcripts, HMAC, HKDF, PRF) and by certificate signatures. */
export type HashAlgorithm = 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512' | 'MD5';

/** AEAD algorithms used by TLS 1.2 and 1.3 record protection. All take a 12-byte nonce. */
export type AeadAlgorithm =
  | 'AES-128-GCM'
  | 'AES-256-GCM'
  | 'CHACHA20-POLY1305'
  | 'AES-128-CCM'
  | 'AES-256-CCM'
  | 'AES-128-CCM-8'
  | 'AES-256-CCM-8';

/** Block ciphers used by TLS 1.2 CBC suites (raw CBC: no padding is added or removed). */
export type CbcAlgorithm = 'AES-128-CBC' | 'AES-256-CBC';

/** Key-exchange groups (IANA TLS Supported Groups names). */
export type GroupName =
  | 'x25519'
  | 'x448'
  | 'secp256r1'
  | 'secp384r1'
  | 'secp521r1'
  | 'ffdhe2048'
  | 'ffdhe3072'
  | 'ffdhe4096'
  | 'ffdhe6144'
  | 'ffdhe8192'
  | 'X25519MLKEM768'
  | 'SecP256r1MLKEM768'
  | 'SecP384r1MLKEM1024'
  | 'MLKEM512'
  | 'MLKEM768'
  | 'MLKEM1024';

/** Signature schemes (IANA TLS SignatureScheme names), including the legacy ones for certificates. */
export type SignatureSchemeName =
  | 'rsa_pkcs1_sha1'
  | 'rsa_pkcs1_sha256'
  | 'rsa_pkcs1_sha384'
  | 'rsa_pkcs1_sha512'
  | 'rsa_pss_rsae_sha256'
  | 'rsa_pss_rsae_sha384'
  | 'rsa_pss_rsae_sha512'
  | 'rsa_pss_pss_sha256'
  | 'rsa_pss_pss_sha384'
  | 'rsa_pss_pss_sha512'
  | 'ecdsa_sha1'
  | 'ecdsa_secp256r1_sha256'
  | 'ecdsa_secp384r1_sha384'
  | 'ecdsa_secp521r1_sha512'
  | 'ed25519'
  | 'ed448'
  /** Certificate-only legacy schemes that have no TLS code point (MD5 is refused unless allowed). */
  | 'rsa_pkcs1_md5'
  | 'rsa_pkcs1_sha224'
  | 'ecdsa_sha224'
  /**
   * ECDSA with a hash that is not tied to a curve: TLS 1.2 (hash, signature) pairs and certificate
   * signatures allow e.g. P-384 with SHA-256. The curve comes from the key.
   */
  | 'ecdsa_sha256'
  | 'ecdsa_sha384'
  | 'ecdsa_sha512';

/** Elliptic curves for ECDSA keys. */
export type EcCurve = 'P-256' | 'P-384' | 'P-521';

/**
 * A public key as parsed from a SubjectPublicKeyInfo. Plain data, so any provider can use it;
 * providers may cache an imported native form keyed on the object identity.
 */
export type PublicKey =
  | { readonly kind: 'ec'; readonly curve: EcCurve /** uncompressed SEC1 point */; readonly point: Uint8Array }
  | { readonly kind: 'rsa'; readonly n: bigint; readonly e: bigint }
  | {
      readonly kind: 'rsa-pss';
      readonly n: bigint;
      readonly e: bigint;
      /** restrictions from the key's RSASSA-PSS-params, when present */
      readonly hash?: HashAlgorithm;
      readonly saltLength?: number;
    }
  | { readonly kind: 'ed25519'; readonly key: Uint8Array }
  | { readonly kind: 'ed448'; readonly key: Uint8Array };

/** A private key in plain form. Providers may cache an imported native form keyed on identity. */
export type PrivateKey =
  | { readonly kind: 'ec'; readonly curve: EcCurve; readonly d: Uint8Array; readonly point: Uint8Array }
  | {
      readonly kind: 'rsa' | 'rsa-pss';
      readonly n: bigint;
      readonly e: bigint;
      readonly d: bigint;
      readonly p: bigint;
      readonly q: bigint;
      readonly dp: bigint;
      readonly dq: bigint;
      readonly qi: bigint;
    }
  | { readonly kind: 'ed25519'; readonly seed: Uint8Array; readonly key: Uint8Array }
  | { readonly kind: 'ed448'; readonly seed: Uint8Array; readonly key: Uint8Array };

/** Finite-field Diffie-Hellman parameters (RFC 7919 groups or custom TLS 1.2 `dh` parameters). */
export interface DhParameters {
  readonly p: bigint;
  readonly g: bigint;
}

/**
 * An AEAD key prepared once per traffic key. `seal` and `open` work in place on a caller's buffer so
 * the record layer can encrypt straight into its output buffer. Implementations read (or copy)
 * `nonce` and `aad` before returning, even when they return a Promise: callers reuse those buffers.
 */
export interface AeadKey {
  readonly algorithm: AeadAlgorithm;
  /** Authentication tag length in bytes (16, or 8 for CCM-8). */
  readonly tagLength: number;
  /**
   * Encrypts `buffer[offset, offset + length)` in place and writes the tag at `offset + length`;
   * the caller guarantees `tagLength` bytes of room there.
   */
  seal(nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, offset: number, length: number): MaybePromise<void>;
  /**
   * Optional fast path for the record layer: encrypts `input` followed by `trailer` (TLS 1.3's inner
   * content type and padding) into `output` at `outputOffset`, tag after, without the caller first
   * copying the plaintext into `output`. Same result as copying and calling `seal`.
   */
  sealTo?(
    nonce: Uint8Array,
    aad: Uint8Array,
    input: Uint8Array,
    trailer: Uint8Array | undefined,
    output: Uint8Array,
    outputOffset: number,
  ): MaybePromise<void>;
  /**
   * Decrypts `buffer[offset, offset + length)` (ciphertext followed by the tag) in place, leaving
   * `length - tagLength` plaintext bytes at `offset`. Returns false when authentication fails; the
   * buffer content is then unspecified.
   */
  open(nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, offset: number, length: number): MaybePromise<boolean>;
  /**
   * Optional fast path for the record layer: authenticates and decrypts like `open`, but returns the
   * `length - tagLength` plaintext bytes in a fresh array the caller owns (null when authentication
   * fails) and leaves `buffer` as it was. For providers whose cipher produces a new array anyway
   * (node:crypto's `update()`, WebCrypto's `decrypt()`), this saves copying the plaintext back and
   * the caller's own copy. Like `nonce` and `aad`, `buffer` is read before the method returns, even
   * when it returns a Promise: the record reader opens records ahead of their turn straight from
   * its buffer, which it may compact afterwards.
   */
  openDetached?(
    nonce: Uint8Array,
    aad: Uint8Array,
    buffer: Uint8Array,
    offset: number,
    length: number,
  ): MaybePromise<Uint8Array | null>;
  /**
   * True when `openDetached` always returns synchronously (never a Promise). With it, and since
   * openDetached never writes into `buffer`, the record layer opens records where the transport's
   * chunk lies instead of first copying them into its own buffer.
   */
  readonly openDetachedSync?: boolean;
}

/** A raw AES-CBC key for TLS 1.2 CBC suites; lengths are whole blocks, no padding is applied. */
export interface CbcKey {
  readonly algorithm: CbcAlgorithm;
  encrypt(iv: Uint8Array, buffer: Uint8Array, offset: number, length: number): MaybePromise<void>;
  decrypt(iv: Uint8Array, buffer: Uint8Array, offset: number, length: number): MaybePromise<void>;
}

/** An incremental hash; `clone()` forks the state so transcripts can be hashed at any point. */
export interface HashContext {
  readonly algorithm: HashAlgorithm;
  readonly outputLength: number;
  update(data: Uint8Array): void;
  /** Returns the digest; the context must not be used afterwards. */
  digest(): Uint8Array;
  clone(): HashContext;
}

/** A keyed HMAC that can be reused: `digest()` returns the MAC and resets to the keyed state. */
export interface MacKey {
  readonly hash: HashAlgorithm;
  readonly outputLength: number;
  update(data: Uint8Array): void;
  digest(): Uint8Array;
}

/**
 * A client-side key share (or the first half of any key agreement): the public value to send, and
 * the completion with the peer's value.
 */
export interface KeyShare {
  readonly group: GroupName | 'custom-dh';
  /** The encoded public value as TLS puts it on the wire (for FFDHE, left-padded to the size of p). */
  readonly publicKey: Uint8Array;
  /** Derives the shared secret from the peer's public value (for KEM hybrids, its ciphertext). */
  complete(peerPublic: Uint8Array): MaybePromise<Uint8Array>;
}

/** The server side of a key exchange: the value to send back and the shared secret. */
export interface KeyShareResponse {
  readonly publicKey: Uint8Array;
  readonly sharedSecret: Uint8Array;
}

/**
 * Everything the engine needs. Implementations: `nobleProvider` (pure, synchronous),
 * `webcryptoProvider` (crypto.subtle where present, Promises), `nodeProvider` (node:crypto, synchronous).
 *
 * Errors: invalid inputs (bad point, wrong key length, malformed signature) throw
 * {@link CryptoError}; a failed AEAD authentication or signature check is a `false` result.
 */
export interface CryptoProvider {
  /** Short name for logs and benchmark tables: 'noble', 'webcrypto', 'node'. */
  readonly name: string;

  /** Cryptographically secure random bytes. */
  randomBytes(length: number): Uint8Array;

  hash(algorithm: HashAlgorithm): HashContext;
  /** One-shot hash. */
  digest(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array;
  hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array;
  macKey(algorithm: HashAlgorithm, key: Uint8Array): MacKey;
  /** RFC 5869 HKDF-Extract. */
  hkdfExtract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  /** RFC 5869 HKDF-Expand. */
  hkdfExpand(algorithm: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /** RFC 5246 §5 PRF: P_hash(secret, label + seed) truncated to `length`. */
  prf12(algorithm: HashAlgorithm, secret: Uint8Array, label: Uint8Array, seed: Uint8Array, length: number): Uint8Array;

  /** Prepares an AEAD key (key length must match the algorithm). */
  aead(algorithm: AeadAlgorithm, key: Uint8Array): AeadKey;
  /** Prepares a raw CBC key. */
  cbc(algorithm: CbcAlgorithm, key: Uint8Array): CbcKey;

  /**
   * Starts a key exchange for `group`. `privateKey`, when given, fixes the ephemeral secret (an
   * X25519/ECDH scalar, an FFDHE exponent, or for the ML-KEM groups the 64-byte ML-KEM seed followed,
   * for a hybrid, by the ECDHE scalar) so handshakes can be replayed byte for byte.
   */
  keyShare(group: GroupName, privateKey?: Uint8Array): MaybePromise<KeyShare>;
  /**
   * The responder's side: given the initiator's public value, returns our public value and the shared
   * secret (for the ML-KEM groups this encapsulates; `privateKey` then holds the 32-byte encapsulation
   * randomness followed, for a hybrid, by the ECDHE scalar).
   */
  acceptKeyShare(group: GroupName, peerPublic: Uint8Array, privateKey?: Uint8Array): MaybePromise<KeyShareResponse>;
  /** Finite-field DH with explicit parameters (TLS 1.2 DHE with custom `dh` parameters). */
  dhKeyShare(parameters: DhParameters, privateKey?: Uint8Array): MaybePromise<KeyShare>;

  /** Signs `message` (the whole message, not a digest) with `scheme`. */
  sign(scheme: SignatureSchemeName, key: PrivateKey, message: Uint8Array): MaybePromise<Uint8Array>;
  /** Verifies; false for a wrong signature, throws CryptoError for a malformed key. */
  verify(
    scheme: SignatureSchemeName,
    key: PublicKey,
    message: Uint8Array,
    signature: Uint8Array,
  ): MaybePromise<boolean>;

  /** RSAES-PKCS1-v1_5 encryption (TLS 1.2 static RSA key exchange, client side). */
  rsaEncrypt(key: PublicKey, data: Uint8Array): MaybePromise<Uint8Array>;
  /**
   * RSAES-PKCS1-v1_5 decryption. Returns null on any padding error, without saying which: the
   * engine then continues with a random premaster secret (RFC 5246 §7.4.7.1).
   */
  rsaDecrypt(key: PrivateKey, data: Uint8Array): MaybePromise<Uint8Array | null>;

  /**
   * RFC 8879 certificate compression, when the provider has it: the engine offers (in the
   * `compress_certificate` extension) only algorithms listed in `decompresses`, and compresses its
   * own Certificate only with one in `compresses`. Absent: no certificate compression.
   */
  readonly certificateCompression?: CertificateCompressor;
}

/** RFC 8879 §3 CertificateCompressionAlgorithm names (IANA codes 1, 2, 3). */
export type CertificateCompressionAlgorithm = 'zlib' | 'brotli' | 'zstd';

/**
 * A provider's certificate (de)compression (RFC 8879 §4). Inputs and outputs are the Certificate
 * message body (without its 4-byte handshake header).
 */
export interface CertificateCompressor {
  /** Algorithms {@link decompress} handles: the ones the engine may offer to receive. */
  readonly decompresses: readonly CertificateCompressionAlgorithm[];
  /** Algorithms {@link compress} handles: the ones the engine may send with. */
  readonly compresses: readonly CertificateCompressionAlgorithm[];
  compress(algorithm: CertificateCompressionAlgorithm, data: Uint8Array): MaybePromise<Uint8Array>;
  /**
   * Decompresses `data`, producing at most `maxLength` bytes: a stream that would produce more is a
   * CryptoError raised without producing it all (decompression bomb, RFC 8879 §5). A corrupt
   * stream is a CryptoError too. The engine checks the exact length against uncompressed_length.
   */
  decompress(algorithm: CertificateCompressionAlgorithm, data: Uint8Array, maxLength: number): MaybePromise<Uint8Array>;
}

/** Thrown by providers for malformed inputs: bad keys, invalid points, unsupported algorithms. */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
