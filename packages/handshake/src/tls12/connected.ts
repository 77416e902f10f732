/**
 * An established TLS 1.2 connection and renegotiation (RFC 5246 §7.4.1.1, RFC 5746): the client
 * answers HelloRequest (or starts on its own) with a new ClientHello; the server answers a new
 * ClientHello, subject to `clientRenegotiation`, a rate limit and `secureRenegotiate`. Refusals are
 * no_renegotiation warnings; application data keeps flowing under the old keys meanwhile.
 * @module
 */
import type { HandshakeMessageBytes } from '@sslsocket/record';
import { type MaybePromise, TlsAlert } from '@sslsocket/suites';
import { helloExtensions } from '../client-hello.js';
import type { ConnectionCore, HandshakeState } from '../core.js';
import { expectType } from '../core.js';
import { frameHandshake, HandshakeType } from '../messages/handshake-type.js';
import { ClientHello, ServerHello } from '../messages/hello.js';
import { makeTls12Offer } from './client-hello.js';
import { type ClientOffer12, handleServerHello12 } from './client.js';
import { decode12, type Handshake12, type RenegotiationState } from './handshake.js';
import { TLS12 } from './suites.js';
import { handleClientHello12 } from './server.js';

function renegotiationState(hs: Handshake12): RenegotiationState {
  return {
    secure: hs.secureRenegotiation,
    clientVerifyData: hs.clientVerifyData,
    serverVerifyData: hs.serverVerifyData,
  };
}

/** Whether our configuration lets a renegotiation with this peer go ahead. */
function renegotiationAllowed(core: ConnectionCore, hs: Handshake12): boolean {
  // Erlang secure_renegotiate (default true): never renegotiate without RFC 5746.
  return hs.secureRenegotiation || core.config.secureRenegotiate === false;
}

function refuse(core: ConnectionCore): void {
  core.sendAlert(new TlsAlert('no_renegotiation', undefined, { level: 'warning' }));
}

export class ClientConnected12 implements HandshakeState {
  readonly name = 'ClientConnected12';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: Handshake12,
  ) {}

  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    expectType(message, HandshakeType.hello_request, this.name);
    if (message.body.length !== 0) throw new TlsAlert('decode_error', 'HelloRequest must be empty');
    if (this.core.config.acceptHelloRequest === false || !renegotiationAllowed(this.core, this.hs)) {
      refuse(this.core);
      return this;
    }
    return this.renegotiate();
  }

  /** Sends a renegotiation ClientHello under the current keys. */
  renegotiate(): HandshakeState {
    const core = this.core;
    if (!renegotiationAllowed(core, this.hs)) {
      throw new TlsAlert('handshake_failure', 'the server does not support secure renegotiation');
    }
    const previous = renegotiationState(this.hs);
    const offer = makeTls12Offer(core, previous.clientVerifyData);
    if (offer === undefined) throw new TlsAlert('internal_error', 'no TLS 1.2 suites to renegotiate with');
    const random = core.random(32);
    const hello = new ClientHello(
      TLS12,
      random,
      offer.sessionId ?? new Uint8Array(0),
      offer.suiteCodes,
      Uint8Array.of(0),
      helloExtensions(core, new Map(), undefined, undefined, 0x0a0a, offer, false),
    );
    const raw = frameHandshake(HandshakeType.client_hello, hello);
    core.flush();
    core.writeHandshakeOutsideTranscript(raw);
    const expect = new ExpectServerHello12(core, { hello, raw, offer, offered13: false }, previous);
    core.onWarningAlert = (alert) => {
      // RFC 5746 §4.5 / RFC 5246 §7.2.2: the server may decline with a no_renegotiation warning.
      if (alert.description === 'no_renegotiation' && core.state === expect) {
        core.state = this;
      }
    };
    return expect;
  }
}

/** Waits for the ServerHello of a renegotiation. */
export class ExpectServerHello12 implements HandshakeState {
  readonly name = 'ExpectServerHello12';
  constructor(
    private readonly core: ConnectionCore,
    private readonly offer: ClientOffer12,
    private readonly previous: RenegotiationState,
  ) {}

  handle(message: HandshakeMessageBytes): HandshakeState {
    // A HelloRequest that crossed our ClientHello is ignored (RFC 5246 §7.4.1.1).
    if (message.type === HandshakeType.hello_request) return this;
    expectType(message, HandshakeType.server_hello, this.name);
    const sh = decode12(message.body, ServerHello.decode);
    return handleServerHello12(this.core, this.offer, sh, message, this.previous);
  }
}

export class ServerConnected12 implements HandshakeState {
  readonly name = 'ServerConnected12';
  private helloRequested = false;

  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: Handshake12,
  ) {}

  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    expectType(message, HandshakeType.client_hello, this.name);
    const core = this.core;
    const config = core.config;
    const ch = decode12(message.body, ClientHello.decode);
    const now = core.now();
    const clientInitiated = !this.helloRequested;
    this.helloRequested = false;
    if (clientInitiated) {
      const recent = core.renegotiationTimes;
      while (recent.length > 0 && now - (recent[0] as number) > 60_000) recent.shift();
      const limit = config.clientRenegotiationLimit ?? 3;
      if (config.clientRenegotiation === false || recent.length >= limit || !renegotiationAllowed(core, this.hs)) {
        refuse(core);
        return this;
      }
      recent.push(now);
    } else if (!renegotiationAllowed(core, this.hs)) {
      refuse(core);
      return this;
    }
    const next = handleClientHello12(core, ch, message, renegotiationState(this.hs));
    return next;
  }

  /** Server-initiated renegotiation: HelloRequest, then the client's ClientHello. */
  requestRenegotiation(): void {
    if (!renegotiationAllowed(this.core, this.hs)) {
      throw new TlsAlert('handshake_failure', 'the client does not support secure renegotiation');
    }
    this.helloRequested = true;
    this.core.writeHandshakeOutsideTranscript(frameHandshake(HandshakeType.hello_request, new Uint8Array(0)));
  }
}
