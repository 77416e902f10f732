import type * as net from 'node:net';
import { MemorySessionStore, type SessionStore } from 'sslsocket';

type MaybePromise<T> = T | Promise<T>;

/**
 * node's session-id cache events as sslsocket's `SessionStore` (RFC 5246 §7.4.1.2 session ids):
 * sessions are kept in memory and each new one is offered to `newSession` (sessionId, sessionData,
 * callback) listeners, the handshake waiting for the callback as node's does; a session id the
 * memory does not hold is asked of `resumeSession` (sessionId, callback) listeners, the handshake
 * waiting for their answer however late it comes (a lookup in Redis or a database). `sessionData`
 * is opaque, as in node: sslsocket's stable session encoding (format 1), which holds the master
 * secret, so store it as such. Without listeners the store is a plain `MemorySessionStore`.
 */
export class NodeSessionStore implements SessionStore {
  private readonly memory = new MemorySessionStore();

  constructor(private readonly server: net.Server) {}

  get(id: Uint8Array): MaybePromise<Uint8Array | undefined> {
    const hit = this.memory.get(id);
    if (hit !== undefined || this.server.listenerCount('resumeSession') === 0) return hit;
    return new Promise((resolve) => {
      this.server.emit('resumeSession', Buffer.from(id), (error: Error | null, data?: Uint8Array | null) => {
        resolve(error === null || error === undefined ? (data ?? undefined) : undefined);
      });
    });
  }

  set(id: Uint8Array, value: Uint8Array, ttlSeconds: number): MaybePromise<void> {
    this.memory.set(id, value, ttlSeconds);
    if (this.server.listenerCount('newSession') === 0) return;
    return new Promise((resolve) => {
      this.server.emit('newSession', Buffer.from(id), Buffer.from(value), () => resolve());
    });
  }

  delete(id: Uint8Array): void {
    this.memory.delete(id);
  }
}
