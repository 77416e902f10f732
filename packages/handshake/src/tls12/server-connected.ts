/**
 * An established TLS 1.2 server and renegotiation (RFC 5246 §7.4.1.1, RFC 5746): the server answers
 * a new ClientHello, subject to `clientRenegotiation`, a rate limit and `secureRenegotiate`, or asks
 * for one with HelloRequest. Refusals are no_renegotiation warnings.
 * @module
 */
import type { HandshakeMessageBytes } from '@sslsocket/record';
import { type MaybePromise, TlsAlert } from '@sslsocket/suites';
import type { ConnectionConfig } from '../config.js';
import { type ConnectionCore, expectType, type HandshakeState, type LocalRequest } from '../core.js';
import { decodeBody, frameHandshake, HandshakeType } from '../messages/handshake-type.js';
import { ClientHello } from '../messages/hello.js';
import {
  type Handshake12,
  type RenegotiationState,
  refuseRenegotiation,
  renegotiationAllowed,
  renegotiationState,
} from './handshake.js';
import { handleClientHello12 } from './server.js';

/** Client-initiated renegotiations are rate-limited within this window (ms). */
const RENEGOTIATION_WINDOW = 60_000;

/**
 * The server once a TLS 1.2 handshake completed. It keeps the configuration and what RFC 5746
 * needs to renegotiate (verify_data, the rate limit's times), not the handshake itself.
 */
export class ServerConnected12 implements HandshakeState {
  readonly name = 'ServerConnected12';
  readonly established = true;
  private helloRequested = false;
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
    expectType(message, HandshakeType.client_hello, this.name);
    const core = this.core;
    const config = this.config;
    const ch = decodeBody(message.body, ClientHello.decode);
    const now = core.now();
    const clientInitiated = !this.helloRequested;
    this.helloRequested = false;
    if (clientInitiated) {
      const recent = this.previous.renegotiationTimes;
      while (recent.length > 0 && now - (recent[0] as number) > RENEGOTIATION_WINDOW) recent.shift();
      const limit = config.clientRenegotiationLimit ?? 3;
      if (
        config.clientRenegotiation === false ||
        recent.length >= limit ||
        !renegotiationAllowed(this.previous, config)
      ) {
        refuseRenegotiation(core);
        return this;
      }
      recent.push(now);
    } else if (!renegotiationAllowed(this.previous, config)) {
      refuseRenegotiation(core);
      return this;
    }
    return handleClientHello12(core, config, ch, message, this.previous, serverConnected12);
  }

  /** `renegotiate()` from the application: HelloRequest, then the client's ClientHello. */
  onLocalRequest(request: LocalRequest): HandshakeState | undefined {
    if (request !== 'renegotiate') return undefined;
    if (!renegotiationAllowed(this.previous, this.config)) {
      throw new TlsAlert('handshake_failure', 'the client does not support secure renegotiation');
    }
    this.helloRequested = true;
    this.core.record.writeHandshakeOutsideTranscript(frameHandshake(HandshakeType.hello_request, new Uint8Array(0)));
    return this;
  }
}

/** Builds the connected state of a completed server handshake. */
export function serverConnected12(core: ConnectionCore, hs: Handshake12): HandshakeState {
  return new ServerConnected12(core, hs);
}
