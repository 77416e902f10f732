/**
 * The one place where a peer's key-exchange value meets the provider, for every group, both TLS
 * versions and both roles: the value is validated first (checkPeerShare), any provider failure
 * becomes `illegal_parameter` (the peer's fault, never `internal_error`), and the shared secret is
 * checked afterwards (RFC 7748 §6.1 / RFC 8446 §7.4.2 all-zero results).
 * @module
 */
import {
  type CryptoProvider,
  checkPeerShare,
  checkSharedSecret,
  type GroupName,
  isPromiseLike,
  type KeyShare,
  type KeyShareResponse,
  type MaybePromise,
  type PeerShareContext,
  TlsAlert,
} from '@sslsocket/suites';

const asIllegal =
  (group: string) =>
  (cause: unknown): never => {
    if (cause instanceof TlsAlert && cause.description === 'illegal_parameter') throw cause;
    throw new TlsAlert('illegal_parameter', `invalid ${group} key share`, { cause });
  };

/** Runs a provider step, mapping a throw or a rejection to illegal_parameter. */
function guarded<T>(group: string, step: () => MaybePromise<T>, after: (value: T) => T): MaybePromise<T> {
  let result: MaybePromise<T>;
  try {
    result = step();
  } catch (e) {
    return asIllegal(group)(e);
  }
  return isPromiseLike(result) ? result.then(after, asIllegal(group)) : after(result);
}

/**
 * Server: answers a client's share for `group` (TLS 1.3 key_share) after validating it.
 * @throws TlsAlert illegal_parameter for any invalid share
 */
export function acceptPeerShare(
  provider: CryptoProvider,
  group: GroupName,
  peer: Uint8Array,
  fixedSecret?: Uint8Array,
): MaybePromise<KeyShareResponse> {
  checkPeerShare(group, peer, { sender: 'client', tls13: true });
  return guarded(
    group,
    () => provider.acceptKeyShare(group, peer, fixedSecret),
    (r) => {
      checkSharedSecret(group, r.sharedSecret);
      return r;
    },
  );
}

/**
 * Completes our own share with the peer's value (TLS 1.3 client; TLS 1.2 ECDHE/DHE both sides)
 * after validating it.
 * @throws TlsAlert illegal_parameter for any invalid value
 */
export function completePeerShare(share: KeyShare, peer: Uint8Array, ctx: PeerShareContext): MaybePromise<Uint8Array> {
  checkPeerShare(share.group, peer, ctx);
  return guarded(
    share.group,
    () => share.complete(peer),
    (secret) => {
      checkSharedSecret(share.group, secret);
      return secret;
    },
  );
}
