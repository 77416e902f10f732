import type { Session12, Session13 } from '@sslsocket/handshake';
import { normalizeHostName } from '@sslsocket/suites';

/** A saved session of either version. */
export type SavedSession = Session13 | Session12;

/**
 * Client sessions kept between connections (Erlang `reuse_sessions`), by server name and port.
 * Tickets are single-use in spirit (RFC 8446 §C.4), so a resumption takes the session out; the
 * server's new tickets on that connection refill the store.
 */
const sessions = new Map<string, SavedSession[]>();
const PER_PEER = 4;

export function sessionKey(host: string | undefined, port: number | undefined, serverName: string | undefined): string {
  // "Example.com." and "example.com" are one server (the SNI sent is the same, RFC 6066 §3).
  return `${normalizeHostName(serverName ?? host ?? '')}:${port ?? 0}`;
}

export function saveSession(key: string, session: SavedSession): void {
  const list = sessions.get(key) ?? [];
  list.push(session);
  if (list.length > PER_PEER) list.shift();
  sessions.set(key, list);
}

/** The newest unexpired session for `key`, removed from the store. */
export function takeSession(key: string, now: number): SavedSession | undefined {
  const list = sessions.get(key);
  while (list !== undefined && list.length > 0) {
    const session = list.pop() as SavedSession;
    if (now - session.receivedAt < session.lifetime * 1000) return session;
  }
  return undefined;
}

/** Forgets every saved session (tests, or after a configuration change). */
export function clearSessions(): void {
  sessions.clear();
}
