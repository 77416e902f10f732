/**
 * RFC 7250 raw public keys: the socket options turned into engine settings (our raw key, checked
 * against our private key, and the trust decision for the peer's).
 * @module
 */
import { type ConnectionConfig, certificateSpki, rawPublicKeyOf } from '@sslsocket/handshake';
import { decodePem } from '@sslsocket/pkix';
import type { PrivateKey } from '@sslsocket/suites';
import { describeKey, keyMatchesCertificate } from './key-match.js';
import type { RawPublicKeyOptions } from './raw-public-key-options.js';
import { OptionError } from './validate-options.js';

/** DER SubjectPublicKeyInfos of PEM `PUBLIC KEY` text or DER bytes; each must be a key we can use. */
function spkisOf(value: string | Uint8Array, option: string): Uint8Array[] {
  const spkis =
    typeof value === 'string'
      ? decodePem(value)
          .filter((block) => block.label === 'PUBLIC KEY')
          .map((block) => block.der)
      : [value];
  if (spkis.length === 0) throw new OptionError(option, 'no PUBLIC KEY block found');
  for (const spki of spkis) {
    try {
      rawPublicKeyOf(spki);
    } catch (cause) {
      throw new OptionError(option, `not a usable SubjectPublicKeyInfo: ${(cause as Error).message}`);
    }
  }
  return spkis;
}

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The engine settings of the raw public key options. `leaf` is our certificate (for the default
 * `rawPublicKey`), `privateKey` our key (checked against the raw key).
 */
export function rawPublicKeyConfig(
  options: RawPublicKeyOptions,
  leaf: Uint8Array | undefined,
  privateKey: PrivateKey | undefined,
): Partial<ConnectionConfig> {
  const wantsOwn =
    options.serverCertificateTypes?.includes('raw_public_key') === true ||
    options.clientCertificateTypes?.includes('raw_public_key') === true;
  let own: Uint8Array | undefined;
  if (options.rawPublicKey !== undefined) own = spkisOf(options.rawPublicKey, 'rawPublicKey')[0];
  else if (wantsOwn && leaf !== undefined) own = certificateSpki(leaf);
  if (own !== undefined && privateKey !== undefined) {
    const publicKey = rawPublicKeyOf(own);
    if (!keyMatchesCertificate(privateKey, publicKey)) {
      throw new OptionError(
        'rawPublicKey',
        `the key (${describeKey(privateKey)}) does not belong to the raw public key (${describeKey(publicKey)})`,
      );
    }
  }
  const pinned = (options.expectedRawPublicKeys ?? []).flatMap((v, i) => spkisOf(v, `expectedRawPublicKeys[${i}]`));
  const callback = options.verifyRawPublicKey;
  return {
    ...(options.serverCertificateTypes === undefined ? {} : { serverCertificateTypes: options.serverCertificateTypes }),
    ...(options.clientCertificateTypes === undefined ? {} : { clientCertificateTypes: options.clientCertificateTypes }),
    ...(own === undefined ? {} : { rawPublicKey: own }),
    ...(privateKey === undefined ? {} : { privateKey }),
    ...(pinned.length === 0 && callback === undefined
      ? {}
      : {
          verifyRawPublicKey: (spki: Uint8Array) => pinned.some((p) => same(p, spki)) || (callback?.(spki) ?? false),
        }),
  };
}
