/**
 * What one TLS 1.2 server handshake learns, shared by its states, and the session it can resume
 * later: the cache entry and the RFC 5077 ticket.
 * @module
 */
import type { MaybePromise } from '@sslsocket/suites';
import type { CertifiedKey } from '../config.js';
import { andThen, type ConnectionCore } from '../core.js';
import { frameHandshake, HandshakeType } from '../messages/handshake-type.js';
import { skipOnStoreFailure } from '../store-failure.js';
import { currentTicketKeys } from '../ticket-keys.js';
import { Handshake12, type Keys12, send12 } from './handshake.js';
import type { ServerEphemeral } from './key-exchange.js';
import { NewSessionTicket12 } from './messages.js';
import { type ServerSession12, sealTicket12 } from './session.js';

/** Server-side handshake state. */
export class ServerHandshake12 extends Handshake12 {
  certified: CertifiedKey | undefined;
  ephemeral: ServerEphemeral | undefined;
  certificateRequested = false;
  requestedSchemes: number[] = [];
  issueTicket = false;
}

/** Seals the session into a ticket and queues NewSessionTicket (RFC 5077 §3.3). */
export function sendTicket(core: ConnectionCore, hs: ServerHandshake12, keys: Keys12): MaybePromise<void> {
  const config = hs.config;
  const lifetime = config.ticketLifetime ?? 7200;
  const state = sessionState(core, hs, keys);
  // The ServerHello promised a NewSessionTicket; when the key provider fails, RFC 5077 §3.3: "it
  // sends a zero-length ticket in the NewSessionTicket handshake message".
  const sealed = skipOnStoreFailure(
    core,
    'issueTicket',
    () =>
      andThen(currentTicketKeys(config.ticketKeys), (keys) =>
        sealTicket12(core.provider, keys[0] as Uint8Array, core.random(12), state),
      ),
    new Uint8Array(0),
  );
  return andThen(sealed, (ticket) => {
    send12(core, hs, frameHandshake(HandshakeType.new_session_ticket, new NewSessionTicket12(lifetime, ticket)));
  });
}

/** What resumption needs to remember. */
export function sessionState(core: ConnectionCore, hs: ServerHandshake12, keys: Keys12): ServerSession12 {
  return {
    cipherSuite: keys.suite.code,
    masterSecret: keys.master.masterSecret,
    extendedMasterSecret: hs.extendedMasterSecret,
    createdAt: core.now(),
    serverName: hs.serverName ?? '',
    alpn: hs.alpn ?? '',
    peerCertificates: hs.peerChain,
  };
}
