/**
 * An established TLS 1.2 client and renegotiation (RFC 5246 §7.4.1.1, RFC 5746): the client answers
 * HelloRequest (or starts on its own) with a new ClientHello. Refusals are no_renegotiation
 * warnings; application data keeps flowing under the old keys meanwhile.
 * @module
 */
import type { HandshakeMessageBytes } from '@sslsocket/record';
import { type MaybePromise, TlsAlert } from '@sslsocket/suites';
import { helloExtensions } from '../client-hello.js';
import type { ConnectionConfig } from '../config.js';
import { type ConnectionCore, expectType, type HandshakeState, type LocalRequest } from '../core.js';
import { decodeBody, frameHandshake, HandshakeType } from '../messages/handshake-type.js';
import { ClientHello, ServerHello } from '../messages/hello.js';
import { TLS12 } from '../negotiate.js';
import { handleServerHello12 } from './client.js';
import type { ClientOffer12 } from './client-handshake.js';
import { makeTls12Offer } from './client-hello.js';
import {
  type Handshake12,
  type RenegotiationState,
  refuseRenegotiation,
  renegotiationAllowed,
  renegotiationState,
} from './handshake.js';

/**
 * The client's state once a TLS 1.2 handshake completed. It keeps the configuration and what RFC
 * 5746 needs to renegotiate (the verify_data), not the handshake: an idle connection holds no
 * message log, transcript hashes or key exchange it will never use again.
 */
export class ClientConnected12 implements HandshakeState {
  readonly name = 'ClientConnected12';
  readonly established = true;
  private readonly config: ConnectionConfig;
  private readonly previous: RenegotiationState;

  constructor(
    private readonly core: ConnectionCore,
    hs: Handshake12,
  ) {
    this.config = hs.config;
    this.previous = renegotiationState(hs);
  }

  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    expectType(message, HandshakeType.hello_request, this.name);
    if (message.body.length !== 0) throw new TlsAlert('decode_error', 'HelloRequest must be empty');
    if (this.config.acceptHelloRequest === false || !renegotiationAllowed(this.previous, this.config)) {
      refuseRenegotiation(this.core);
      return this;
    }
    return this.renegotiate();
  }

  /** `renegotiate()` from the application starts a new handshake (RFC 5746 §3.5). */
  onLocalRequest(request: LocalRequest): HandshakeState | undefined {
    return request === 'renegotiate' ? this.renegotiate() : undefined;
  }

  /** Sends a renegotiation ClientHello under the current keys. */
  private renegotiate(): HandshakeState {
    const core = this.core;
    if (!renegotiationAllowed(this.previous, this.config)) {
      throw new TlsAlert('handshake_failure', 'the server does not support secure renegotiation');
    }
    const previous = this.previous;
    const offer = makeTls12Offer(core, this.config, previous.clientVerifyData);
    if (offer === undefined) throw new TlsAlert('internal_error', 'no TLS 1.2 suites to renegotiate with');
    const random = core.random(32);
    const hello = new ClientHello(
      TLS12,
      random,
      offer.sessionId ?? new Uint8Array(0),
      offer.suiteCodes,
      Uint8Array.of(0),
      helloExtensions(this.config, new Map(), undefined, undefined, 0x0a0a, offer, false),
    );
    const raw = frameHandshake(HandshakeType.client_hello, hello);
    core.record.flush();
    core.record.writeHandshakeOutsideTranscript(raw);
    return new ExpectServerHello12(core, this.config, { hello, raw, offer, offered13: false }, previous, this);
  }
}

/** Builds the connected state of a completed client handshake. */
export function clientConnected12(core: ConnectionCore, hs: Handshake12): HandshakeState {
  return new ClientConnected12(core, hs);
}

/** Waits for the ServerHello of a renegotiation. */
export class ExpectServerHello12 implements HandshakeState {
  readonly name = 'ExpectServerHello12';
  constructor(
    private readonly core: ConnectionCore,
    private readonly config: ConnectionConfig,
    private readonly offer: ClientOffer12,
    private readonly previous: RenegotiationState,
    private readonly connected: ClientConnected12,
  ) {}

  handle(message: HandshakeMessageBytes): HandshakeState {
    // A HelloRequest that crossed our ClientHello is ignored (RFC 5246 §7.4.1.1).
    if (message.type === HandshakeType.hello_request) return this;
    expectType(message, HandshakeType.server_hello, this.name);
    const sh = decodeBody(message.body, ServerHello.decode);
    return handleServerHello12(this.core, this.config, this.offer, sh, message, this.previous, clientConnected12);
  }

  /** RFC 5746 §4.5 / RFC 5246 §7.2.2: the server may decline with a no_renegotiation warning. */
  onWarningAlert(alert: TlsAlert): HandshakeState | undefined {
    return alert.description === 'no_renegotiation' ? this.connected : undefined;
  }
}
