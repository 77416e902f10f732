import type * as net from 'node:net';
import { type ServerSession12, ServerSessionCache } from 'sslsocket';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

/** A TLS 1.2 session as node's opaque `sessionData` Buffer (it holds the master secret: store it as such). */
function encode(session: ServerSession12): Buffer {
  return Buffer.from(
    JSON.stringify({
      v: 1,
      cipherSuite: session.cipherSuite,
      masterSecret: hex(session.masterSecret),
      extendedMasterSecret: session.extendedMasterSecret,
      createdAt: session.createdAt,
      serverName: session.serverName,
      alpn: session.alpn,
      peerCertificates: session.peerCertificates.map(hex),
    }),
  );
}

function decode(data: Uint8Array): ServerSession12 | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(data).toString('utf8'));
    if (parsed.v !== 1) return undefined;
    return {
      cipherSuite: parsed.cipherSuite,
      masterSecret: bytes(parsed.masterSecret),
      extendedMasterSecret: parsed.extendedMasterSecret === true,
      createdAt: parsed.createdAt,
      serverName: parsed.serverName,
      alpn: parsed.alpn,
      peerCertificates: (parsed.peerCertificates as string[]).map(bytes),
    };
  } catch {
    return undefined;
  }
}

/**
 * node's session-id cache events on top of sslsocket's TLS 1.2 cache (RFC 5246 §7.4.1.2 session
 * ids): each new session is offered to `newSession` (sessionId, sessionData, callback) listeners,
 * and a session id the cache does not hold is asked of `resumeSession` (sessionId, callback)
 * listeners. The handshake cannot wait, so a `resumeSession` answer counts when the callback runs
 * at once (a lookup in memory, as node's examples do); a later answer means a full handshake.
 */
export class NodeSessionCache extends ServerSessionCache {
  constructor(
    private readonly server: net.Server,
    lifetimeSeconds?: number,
  ) {
    super(lifetimeSeconds === undefined ? {} : { lifetimeSeconds });
  }

  override put(sessionId: Uint8Array, session: ServerSession12): void {
    super.put(sessionId, session);
    if (this.server.listenerCount('newSession') > 0)
      this.server.emit('newSession', Buffer.from(sessionId), encode(session), () => undefined);
  }

  override get(sessionId: Uint8Array, now: number): ServerSession12 | undefined {
    const hit = super.get(sessionId, now);
    if (hit !== undefined || this.server.listenerCount('resumeSession') === 0) return hit;
    let answer: Uint8Array | null | undefined;
    this.server.emit('resumeSession', Buffer.from(sessionId), (error: Error | null, data?: Uint8Array | null) => {
      answer = error === null || error === undefined ? data : undefined;
    });
    const session = answer === undefined || answer === null ? undefined : decode(answer);
    if (session === undefined || now - session.createdAt > this.lifetimeSeconds * 1000) return undefined;
    super.put(sessionId, session);
    return session;
  }
}
