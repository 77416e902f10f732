/**
 * AES-GCM record protection on `crypto.subtle` (RFC 5116 AEAD_AES_128_GCM / AEAD_AES_256_GCM, as
 * RFC 8446 §5.3 and RFC 5288 use them).
 *
 * Per-record costs are what bulk throughput is made of here, so: the key is imported once per
 * traffic key, on its first use (a key that is never used, such as the write key of a connection
 * that closes after its handshake, costs nothing); once imported, every `encrypt`/`decrypt` is called before
 * the method returns, on the caller's own views (WebCrypto copies its inputs synchronously, W3C Web
 * Cryptography API §14.3.1–2), so nothing is copied on our side; opening hands WebCrypto's fresh
 * result to the caller (`openDetached`) rather than copying it back. Several records can be in
 * flight at once: WebCrypto runs them off the main thread (node: libuv's pool) and each Promise
 * settles with its own record's result, so the caller's order is kept by awaiting in order.
 * @module
 */
import type { AeadAlgorithm, AeadKey } from '../provider.js';
import { bufferSource, copy, requireSubtle } from './subtle.js';

export class SubtleGcmKey implements AeadKey {
  readonly tagLength = 16;
  /** The imported key once `importKey` settled; until then calls wait on {@link imported}. */
  private key: CryptoKey | undefined;
  private importing: Promise<CryptoKey> | undefined;

  constructor(
    readonly algorithm: AeadAlgorithm,
    private readonly raw: Uint8Array<ArrayBuffer>,
  ) {}

  /** Imports the key on first use; later calls share the same import. */
  private imported(): Promise<CryptoKey> {
    this.importing ??= requireSubtle()
      .importKey('raw', this.raw, 'AES-GCM', false, ['encrypt', 'decrypt'])
      .then((key) => {
        this.key = key;
        return key;
      });
    return this.importing;
  }

  seal(nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, offset: number, length: number): Promise<void> {
    return this.sealTo(nonce, aad, buffer.subarray(offset, offset + length), undefined, buffer, offset);
  }

  /** Encrypts from the caller's data straight into `output` (WebCrypto copies its input anyway). */
  sealTo(
    nonce: Uint8Array,
    aad: Uint8Array,
    input: Uint8Array,
    trailer: Uint8Array | undefined,
    output: Uint8Array,
    outputOffset: number,
  ): Promise<void> {
    let plaintext: Uint8Array;
    if (trailer === undefined || trailer.length === 0) plaintext = input;
    else {
      plaintext = new Uint8Array(input.length + trailer.length);
      plaintext.set(input);
      plaintext.set(trailer, input.length);
    }
    const key = this.key;
    if (key !== undefined) return this.encrypt(key, nonce, aad, plaintext, output, outputOffset);
    // Not imported yet: the caller reuses nonce, AAD (and its data) once we return (see AeadKey).
    const iv = copy(nonce);
    const additionalData = copy(aad);
    const data = plaintext === input ? copy(input) : plaintext;
    return this.imported().then((key) => this.encrypt(key, iv, additionalData, data, output, outputOffset));
  }

  private async encrypt(
    key: CryptoKey,
    nonce: Uint8Array,
    aad: Uint8Array,
    plaintext: Uint8Array,
    output: Uint8Array,
    outputOffset: number,
  ): Promise<void> {
    // Called synchronously up to the await: WebCrypto has read every input before it returns.
    const sealed = await requireSubtle().encrypt(gcmParams(nonce, aad), key, bufferSource(plaintext));
    output.set(new Uint8Array(sealed), outputOffset);
  }

  async open(nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, offset: number, length: number): Promise<boolean> {
    const plain = await this.openDetached(nonce, aad, buffer, offset, length);
    if (plain === null) return false;
    buffer.set(plain, offset);
    return true;
  }

  /** The plaintext in WebCrypto's own fresh array (no copy back), or null when the tag is wrong. */
  openDetached(
    nonce: Uint8Array,
    aad: Uint8Array,
    buffer: Uint8Array,
    offset: number,
    length: number,
  ): Promise<Uint8Array | null> {
    if (length < this.tagLength) return Promise.resolve(null);
    const sealed = buffer.subarray(offset, offset + length);
    const key = this.key;
    if (key !== undefined) return this.decrypt(key, nonce, aad, sealed);
    const iv = copy(nonce);
    const additionalData = copy(aad);
    const data = copy(sealed);
    return this.imported().then((key) => this.decrypt(key, iv, additionalData, data));
  }

  private async decrypt(
    key: CryptoKey,
    nonce: Uint8Array,
    aad: Uint8Array,
    sealed: Uint8Array,
  ): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await requireSubtle().decrypt(gcmParams(nonce, aad), key, bufferSource(sealed)));
    } catch {
      // WebCrypto reports a wrong tag as an OperationError, indistinguishable from other failures.
      return null;
    }
  }
}

function gcmParams(nonce: Uint8Array, aad: Uint8Array): AesGcmParams {
  return { name: 'AES-GCM', iv: bufferSource(nonce), additionalData: bufferSource(aad), tagLength: 128 };
}
