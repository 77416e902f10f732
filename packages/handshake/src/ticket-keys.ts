/**
 * Where the ticket-sealing keys come from (RFC 5077 §5.5 and RFC 8446 §4.6.1 leave ticket protection
 * to the server): a fixed list, or a provider function a fleet shares, so every server seals with
 * the same current key and still opens tickets sealed with the keys it lists as accepted.
 * @module
 */
import { isPromiseLike, type MaybePromise } from '@sslsocket/suites';
import { storeCall } from './session-store.js';

/**
 * What a {@link TicketKeyProvider} returns: the key that seals new tickets, and the keys that still
 * open tickets (the previous key during a rotation, and the next one once it is announced, so a
 * server that switches early is understood by one that has not switched yet). Each key is a secret
 * of 16 bytes (AES-128-GCM) or 32 bytes or more (AES-256-GCM; a longer one is hashed to 32 bytes
 * with SHA-256).
 */
export interface TicketKeySet {
  readonly current: Uint8Array;
  readonly accepted?: readonly Uint8Array[];
}

/**
 * Called each time a ticket is sealed or opened (so at most a few times per handshake): keep it
 * cheap, e.g. answer from memory and refresh from the shared source in the background. A Promise
 * makes the handshake wait for it. Throwing, rejecting or an invalid key never fails the
 * connection: no ticket is issued, or the ticket is not opened (a full handshake), and the engine
 * emits a `sessionStoreError` event (store-failure.ts).
 *
 * Rotation recipe (README "Ticket key rotation"): keep `[next, current, previous]` in one shared
 * place; every server seals with `current` and accepts all three; one scheduler pushes a fresh key
 * and drops the oldest every period P ≥ ticketLifetime; servers re-read well within P. A server
 * that has not re-read yet still seals with a key the others accept, and already accepts the new
 * one, so no ticket is refused during a rotation.
 *
 * @example
 * let keys = await fetchKeys(); // [next, current, previous] from the fleet's secret store
 * setInterval(async () => { keys = await fetchKeys(); }, 60_000);
 * const ticketKeys: TicketKeyProvider = () => ({ current: keys[1], accepted: [keys[0], keys[2]] });
 */
export type TicketKeyProvider = () => MaybePromise<TicketKeySet>;

/** `ticketKeys`: a fixed list (the first seals, all open) or a provider. */
export type TicketKeys = readonly Uint8Array[] | TicketKeyProvider;

/** Whether tickets can be sealed at all: a non-empty list or a provider. */
export function hasTicketKeys(keys: TicketKeys | undefined): keys is TicketKeys {
  return typeof keys === 'function' || (keys !== undefined && keys.length > 0);
}

function checkKey(key: unknown, where: string): Uint8Array {
  if (key instanceof Uint8Array && (key.length === 16 || key.length >= 32)) return key;
  throw new TypeError(`ticket key provider: ${where} must be a Uint8Array of 16 or at least 32 bytes`);
}

/** The keys in use now, the sealing key first (empty when none are configured). */
export function currentTicketKeys(keys: TicketKeys | undefined): MaybePromise<readonly Uint8Array[]> {
  if (typeof keys !== 'function') return keys ?? [];
  const toList = (set: TicketKeySet): readonly Uint8Array[] => {
    if (typeof set !== 'object' || set === null)
      throw new TypeError('ticket key provider: must return { current, accepted }');
    const accepted = set.accepted ?? [];
    if (!Array.isArray(accepted)) throw new TypeError('ticket key provider: accepted must be an array of keys');
    return [checkKey(set.current, 'current'), ...accepted.map((k, i) => checkKey(k, `accepted[${i}]`))];
  };
  return storeCall('ticket key provider', () => {
    const set = keys();
    return isPromiseLike(set) ? set.then(toList) : toList(set);
  });
}
