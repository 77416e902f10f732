/**
 * RFC 7250 raw public keys (TLS 1.3): the socket options and how they become engine settings.
 * Erlang's ssl has no raw public keys; the names follow OpenSSL 3.2's (`-enable_server_rpk`,
 * `-enable_client_rpk`, `-expected-rpks`) spelled as our other options are.
 * @module
 */
import type { CertificateType } from '@sslsocket/handshake';
import { type Check, describe, fn, listOf } from './option-checks.js';

/** Raw public key options, for clients and servers. */
export interface RawPublicKeyOptions {
  /**
   * RFC 7250 server_certificate_type, TLS 1.3, preferred first (default `['x509']`). A client
   * offers these for the server's credential (`['raw_public_key', 'x509']` accepts either); a
   * server picks its first listed type the client offered, presenting `rawPublicKey` for
   * 'raw_public_key'.
   */
  readonly serverCertificateTypes?: readonly CertificateType[];
  /**
   * RFC 7250 client_certificate_type, TLS 1.3 (default `['x509']`). A client offers the types it
   * can present ('raw_public_key' sends `rawPublicKey` when asked for a certificate); a server lists
   * the types it accepts from clients (with `verify: 'verify_peer'`).
   */
  readonly clientCertificateTypes?: readonly CertificateType[];
  /**
   * Our raw public key: PEM `PUBLIC KEY` text or a DER SubjectPublicKeyInfo. Default: the public
   * key of `cert`'s leaf. Signed for with `key` (`cert` is not needed when only raw keys are used).
   */
  readonly rawPublicKey?: string | Uint8Array;
  /**
   * Peer raw public keys we trust (OpenSSL `-expected-rpks`): PEM text with one or more
   * `PUBLIC KEY` blocks, or DER SubjectPublicKeyInfos. No host name check applies to a raw key.
   */
  readonly expectedRawPublicKeys?: readonly (string | Uint8Array)[];
  /**
   * Decides on a peer raw public key (DER SubjectPublicKeyInfo) not in `expectedRawPublicKeys`:
   * true trusts it; false, a throw or a rejection fails the handshake with bad_certificate.
   */
  readonly verifyRawPublicKey?: (spki: Uint8Array) => boolean | Promise<boolean>;
}

const typeList = listOf(
  (t) => (t === 'x509' || t === 'raw_public_key' ? undefined : `unknown certificate type ${describe(t)}`),
  "certificate types ('x509', 'raw_public_key')",
);

/** Validation rules of the raw public key options (spread into the common rules). */
export const RAW_PUBLIC_KEY_RULES: Readonly<Record<string, Check>> = {
  serverCertificateTypes: typeList,
  clientCertificateTypes: typeList,
  rawPublicKey: (v) =>
    typeof v === 'string' || v instanceof Uint8Array
      ? undefined
      : 'must be PEM PUBLIC KEY text or DER SubjectPublicKeyInfo',
  expectedRawPublicKeys: listOf(
    (v) => (typeof v === 'string' || v instanceof Uint8Array ? undefined : `not PEM text or DER bytes: ${describe(v)}`),
    'PEM PUBLIC KEY texts or DER SubjectPublicKeyInfos',
  ),
  verifyRawPublicKey: fn,
};

/** Whether raw keys are trusted some way (a pinned set or a callback). */
export function trustsRawPublicKeys(options: RawPublicKeyOptions): boolean {
  return options.expectedRawPublicKeys !== undefined || options.verifyRawPublicKey !== undefined;
}
