/**
 * The TLS 1.2 server's session-id cache (RFC 5246 §7.4.1.2, §7.3 abbreviated handshake) behind one
 * pair of calls: a {@link SessionStore} (`config.sessionStore`, values in the stable encoding of
 * `session-codec.ts`, possibly asynchronous and shared by a fleet) or the older in-process
 * `config.sessionCache`.
 * @module
 */
import type { MaybePromise } from '@sslsocket/suites';
import type { ConnectionConfig } from '../config.js';
import { andThen, type ConnectionCore } from '../core.js';
import { decodeStoredSession12, encodeStoredSession12 } from '../session-codec.js';
import { storeCall } from '../session-store.js';
import type { ServerSession12 } from './session.js';

/** Erlang `session_lifetime` default: two hours. */
const DEFAULT_SESSION_LIFETIME = 7200;

/** Whether the server keeps sessions by id (and so issues session ids). */
export function keepsSessions(config: ConnectionConfig): boolean {
  return config.sessionStore !== undefined || config.sessionCache !== undefined;
}

/**
 * The session cached under `sessionId`, if any and still within `sessionLifetime` (checked here too,
 * so a store whose expiry is coarse never resumes a stale session).
 */
export function lookupSession12(
  core: ConnectionCore,
  config: ConnectionConfig,
  sessionId: Uint8Array,
): MaybePromise<ServerSession12 | undefined> {
  const store = config.sessionStore;
  if (store === undefined) return config.sessionCache?.get(sessionId, core.now());
  return andThen(
    storeCall('session store get', () => store.get(sessionId)),
    (value) => {
      const session = value === undefined ? undefined : decodeStoredSession12(value);
      if (session === undefined) return undefined;
      const age = core.now() - session.createdAt;
      const lifetime = (config.sessionLifetime ?? DEFAULT_SESSION_LIFETIME) * 1000;
      return age >= 0 && age <= lifetime ? session : undefined;
    },
  );
}

/** Caches a completed full handshake's session under its id, for `sessionLifetime` seconds. */
export function saveSession12(
  config: ConnectionConfig,
  sessionId: Uint8Array,
  session: ServerSession12,
): MaybePromise<void> {
  const store = config.sessionStore;
  if (store === undefined) {
    config.sessionCache?.put(sessionId, session);
    return;
  }
  const lifetime = config.sessionLifetime ?? DEFAULT_SESSION_LIFETIME;
  if (lifetime <= 0) return;
  const ttl = Math.ceil(lifetime);
  return storeCall('session store set', () => store.set(sessionId, encodeStoredSession12(session), ttl));
}
