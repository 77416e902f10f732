/**
 * The contract between the driver (core.ts) and the handshake states: what a state is, what the
 * application may ask of it, what a completed handshake leaves behind, and two helpers every state
 * uses.
 * @module
 */
import type { HandshakeMessageBytes } from '@sslsocket/record';
import { isPromiseLike, type MaybePromise, TlsAlert } from '@sslsocket/suites';
import type { MasterKeys } from './tls12/keys.js';

/** What the application can ask of the current state (see {@link HandshakeState.onLocalRequest}). */
export type LocalRequest =
  | 'start'
  | 'renegotiate'
  | 'requestCertificate'
  | { readonly type: 'keyUpdate'; readonly requestPeer: boolean };

/** What a completed handshake leaves for exporters (RFC 8446 §7.5, RFC 5705) and Erlang's prf. */
export interface SessionSecrets {
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array;
  /** TLS 1.2: the master secret and randoms. */
  readonly masterKeys?: MasterKeys;
}

/**
 * A handshake state: one per expected message (RFC 8446 §A.1, §A.2). Each method returns the next
 * state; only the driver ({@link ConnectionCore}) installs it.
 */
export interface HandshakeState {
  readonly name: string;
  /** True for the states of an established connection (a TLS 1.2 client then answers HelloRequest). */
  readonly established?: boolean;
  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState>;
  /** A TLS 1.2 warning alert from the peer (RFC 5246 §7.2): the next state, or undefined to stay. */
  onWarningAlert?(alert: TlsAlert): HandshakeState | undefined;
  /**
   * An application request: the next state, or undefined when this state does not take the
   * request. May throw for a request the connection cannot serve (e.g. no secure renegotiation).
   */
  onLocalRequest?(request: LocalRequest): MaybePromise<HandshakeState> | undefined;
  /**
   * Application data arrived or was sent (TLS 1.3 connected states reset their KeyUpdate flood
   * guard: data flowing either way shows the KeyUpdates are not a flood).
   */
  onApplicationData?(): void;
}

/** Raises unexpected_message unless `message` has the expected type. */
export function expectType(message: HandshakeMessageBytes, type: number, state: string): void {
  if (message.type !== type) {
    throw new TlsAlert('unexpected_message', `got handshake type ${message.type} in ${state}`);
  }
}

/** Runs `next` on a value that may be a Promise, without a microtask when it is not. */
export function andThen<T, U>(value: MaybePromise<T>, next: (v: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromiseLike(value) ? value.then(next) : next(value);
}
