import { type AeadAlgorithm, type AeadKey, type CryptoProvider, nobleProvider } from '@sslsocket/suites';

/**
 * noble's AEAD with an `openDetached` that decrypts a copy (as node:crypto's update() returns a new
 * array): the record layer must then hand that array on and leave its own buffer alone. With
 * `sync`, the key also says its openDetached is synchronous (AeadKey.openDetachedSync), as
 * node:crypto's is, so the reader may open records where the caller's chunk lies.
 */
export function detachingProvider(sync = false): CryptoProvider {
  return {
    ...nobleProvider,
    aead(algorithm: AeadAlgorithm, key: Uint8Array): AeadKey {
      const inner = nobleProvider.aead(algorithm, key);
      return {
        algorithm: inner.algorithm,
        tagLength: inner.tagLength,
        ...(sync ? { openDetachedSync: true } : {}),
        seal: (nonce, aad, buffer, offset, length) => inner.seal(nonce, aad, buffer, offset, length),
        open: () => {
          throw new Error('the record layer must prefer openDetached');
        },
        openDetached: (nonce, aad, buffer, offset, length) => {
          const copy = buffer.slice(offset, offset + length);
          return inner.open(nonce, aad, copy, 0, length) === true ? copy.subarray(0, length - inner.tagLength) : null;
        },
      };
    },
  } as CryptoProvider;
}
