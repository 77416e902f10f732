/** Readers for a connection's event list, shared by the engine tests. */
import type { ConnectionEvent, NegotiatedParameters } from '../events.js';
import type { Session12 } from '../tls12/session.js';

/** The parameters of the last completed handshake. */
export function params(events: ConnectionEvent[]): NegotiatedParameters | undefined {
  const done = events.filter((e) => e.type === 'handshakeComplete').at(-1);
  return done?.type === 'handshakeComplete' ? done.parameters : undefined;
}

/** The description of the first error's alert. */
export function errorOf(events: ConnectionEvent[]): string | undefined {
  const e = events.find((x) => x.type === 'error');
  return e?.type === 'error' ? e.error.description : undefined;
}

/** The last TLS 1.2 session handed out. */
export function sessionOf(events: ConnectionEvent[]): Session12 {
  const e = events.filter((x) => x.type === 'newSessionTicket').at(-1);
  if (e?.type !== 'newSessionTicket' || e.session.version !== 'tlsv1.2') throw new Error('no TLS 1.2 session');
  return e.session;
}
