import { randomBytes } from 'node:crypto';

/**
 * node hands sessions around as Buffers (`getSession()`, the `session` event, `connect({ session })`);
 * sslsocket's sessions are objects holding secrets. The facade gives each session a Buffer handle
 * that names it in this process (a tag and 16 random bytes) and keeps the newest entries. A handle
 * from another process, or one evicted, simply does not resume: a full handshake follows.
 */
const TAG = 'sslsocket-session:';
const MAX_ENTRIES = 1000;
const sessions = new Map<string, unknown>();
const handles = new WeakMap<object, Buffer>();

/** The Buffer handle of a session (the same handle each time for the same session). */
export function sessionBuffer(session: object): Buffer {
  const known = handles.get(session);
  if (known !== undefined) return known;
  const id = randomBytes(16).toString('hex');
  sessions.set(id, session);
  while (sessions.size > MAX_ENTRIES) sessions.delete(sessions.keys().next().value as string);
  const handle = Buffer.from(TAG + id);
  handles.set(session, handle);
  return handle;
}

/** The session a handle names, or undefined (unknown, evicted, or not a handle of ours). */
export function sessionFromBuffer(handle: Uint8Array | undefined): unknown {
  if (handle === undefined) return undefined;
  const text = Buffer.from(handle.buffer, handle.byteOffset, handle.length).toString('latin1');
  return text.startsWith(TAG) ? sessions.get(text.slice(TAG.length)) : undefined;
}
