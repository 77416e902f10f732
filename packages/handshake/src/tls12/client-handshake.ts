/**
 * What the TLS 1.2 client offered and what one of its handshakes learns, shared by its states.
 * @module
 */
import type { ClientHello } from '../messages/hello.js';
import type { Tls12Offer } from './client-hello.js';
import { Handshake12 } from './handshake.js';
import type { CertificateRequest12, KeyExchangeParams } from './messages.js';
import type { Session12 } from './session.js';

/** What the client sent, for checking the ServerHello. */
export interface ClientOffer12 {
  readonly hello: ClientHello;
  readonly raw: Uint8Array;
  readonly offer: Tls12Offer;
  readonly offered13: boolean;
}

/** Client-side handshake state: the common part plus what only the client tracks. */
export class ClientHandshake12 extends Handshake12 {
  params: KeyExchangeParams | undefined;
  identityHint: Uint8Array | undefined;
  certificateRequest: CertificateRequest12 | undefined;
  ocspResponse: Uint8Array | undefined;
  statusRequested = false;
  ticket: Uint8Array | undefined;
  ticketLifetime = 0;
  session: Session12 | undefined;
}
