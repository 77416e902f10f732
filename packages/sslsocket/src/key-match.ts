import type { PrivateKey, PublicKey } from '@sslsocket/suites';

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Whether a private key is the one whose public half a certificate carries: the same curve and
 * point, the same RSA modulus and exponent, the same EdDSA public key. A mismatched pair would
 * otherwise fail every handshake with decrypt_error, blaming the peer.
 *
 * @example
 * keyMatchesCertificate(parsePrivateKey(keyPem), parseCertificate(certDer).publicKey); // true
 */
export function keyMatchesCertificate(key: PrivateKey, publicKey: PublicKey): boolean {
  switch (key.kind) {
    case 'ec':
      return publicKey.kind === 'ec' && publicKey.curve === key.curve && equalBytes(publicKey.point, key.point);
    case 'rsa':
    case 'rsa-pss':
      return (
        (publicKey.kind === 'rsa' || publicKey.kind === 'rsa-pss') && publicKey.n === key.n && publicKey.e === key.e
      );
    case 'ed25519':
    case 'ed448':
      return publicKey.kind === key.kind && equalBytes(publicKey.key, key.key);
    default:
      return false;
  }
}

/** How a key is described in a message: RSA-2048, EC secp256r1, Ed25519. */
export function describeKey(key: PrivateKey | PublicKey): string {
  switch (key.kind) {
    case 'ec':
      return `EC ${key.curve}`;
    case 'rsa':
    case 'rsa-pss':
      return `${key.kind.toUpperCase()}-${key.n.toString(2).length}`;
    default:
      return key.kind === 'ed25519' ? 'Ed25519' : 'Ed448';
  }
}
