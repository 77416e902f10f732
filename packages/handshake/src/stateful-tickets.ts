/**
 * Stateful TLS 1.3 tickets (RFC 8446 §4.6.1: the ticket "MAY be either a database lookup key or a
 * self-encrypted and self-authenticated value"): the ticket is a random 32-byte id and the state
 * lives in a {@link SessionStore} shared by the fleet, for the ticket's lifetime. A ticket is used
 * once: opening it deletes it (RFC 8446 §8.1 single-use tickets, so 0-RTT data on it cannot be
 * replayed through this store; §C.4 clients use a ticket once anyway). The read-and-delete is atomic
 * when the store has `take` (MemorySessionStore, RedisSessionStore); otherwise it is `get` then
 * `delete`, and two servers redeeming one ticket at the same moment may both accept it.
 * @module
 */
import { andThen } from './core.js';
import { decodeStoredTicket13, encodeStoredTicket13 } from './session-codec.js';
import { type SessionStore, storeCall } from './session-store.js';
import type { TicketStore } from './tickets.js';

/** Ids of stateful tickets: 32 random bytes (guessing one is as hard as guessing a key). */
const TICKET_ID_LENGTH = 32;

/**
 * A {@link TicketStore} keeping TLS 1.3 ticket states in `store` (Erlang `session_tickets: stateful`).
 * `random` makes the ticket ids (the provider's randomBytes).
 *
 * @example
 * new ServerConnection({ ...config, ticketStore: statefulTickets(new MemorySessionStore(), provider.randomBytes) });
 */
export function statefulTickets(store: SessionStore, random: (length: number) => Uint8Array): TicketStore {
  return {
    seal(state) {
      const id = random(TICKET_ID_LENGTH);
      // The entry lives as long as the ticket may be used (RFC 8446 §4.6.1 ticket_lifetime).
      const ttl = Math.max(1, Math.ceil(state.lifetime));
      return andThen(
        storeCall('session store set', () => store.set(id, encodeStoredTicket13(state), ttl)),
        () => id,
      );
    },
    open(ticket) {
      // Another length is a stateless ticket or garbage: no store round trip for it.
      if (ticket.length !== TICKET_ID_LENGTH) return undefined;
      // RFC 8446 §8.1: a single-use ticket must resume at most once, fleet-wide. `take` reads and
      // deletes in one atomic step; get-then-delete (stores without it) leaves a window in which
      // another server can read the same entry.
      const take = store.take;
      if (take !== undefined) {
        return andThen(
          storeCall('session store take', () => take.call(store, ticket)),
          (value) => (value === undefined ? undefined : decodeStoredTicket13(value)),
        );
      }
      return andThen(
        storeCall('session store get', () => store.get(ticket)),
        (value) => {
          if (value === undefined) return undefined;
          const state = decodeStoredTicket13(value);
          return andThen(
            storeCall('session store delete', () => store.delete(ticket)),
            () => state,
          );
        },
      );
    },
  };
}
