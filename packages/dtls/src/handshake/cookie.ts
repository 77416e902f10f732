/**
 * The stateless cookie exchange (RFC 6347 §4.2.1): a server answers a ClientHello without a valid
 * cookie with a HelloVerifyRequest and keeps no state at all, so a spoofed source address costs it
 * one small datagram and no memory. Cookie = HMAC-SHA256(secret, peer address || ClientHello with
 * an empty cookie); the secret rotates, and a cookie made with the previous secret is still accepted
 * so a rotation does not fail handshakes in flight.
 * @module
 */
import { equalBytes, utf8 } from '@sslsocket/handshake/tls12-kit';
import { ContentType, Reader } from '@sslsocket/record';
import type { CryptoProvider } from '@sslsocket/suites';
import { DTLS10, HELLO_VERIFY_REQUEST } from '../constants.js';
import { splitDatagram } from '../record/header.js';
import { NullDtlsProtection } from '../record/protection.js';
import { fragmentMessage, parseFragments } from './fragments.js';
import { DtlsClientHello, encodeHelloVerifyRequest } from './hello.js';

const CLIENT_HELLO = 1;

/** Cookie options. */
export interface CookieOptions {
  /** Milliseconds a secret signs new cookies before it rotates (default 60 000). */
  readonly secretLifetime?: number;
  /** The time source in ms (default Date.now). */
  readonly now?: () => number;
}

export class CookieGate {
  private current: Uint8Array;
  private previous: Uint8Array | undefined;
  private rotatedAt: number;
  private readonly lifetime: number;
  private readonly now: () => number;

  constructor(
    private readonly provider: CryptoProvider,
    options: CookieOptions = {},
  ) {
    this.lifetime = options.secretLifetime ?? 60_000;
    this.now = options.now ?? (() => Date.now());
    this.current = provider.randomBytes(32);
    this.rotatedAt = this.now();
  }

  private rotate(): void {
    if (this.now() - this.rotatedAt < this.lifetime) return;
    this.previous = this.current;
    this.current = this.provider.randomBytes(32);
    this.rotatedAt = this.now();
  }

  private mac(secret: Uint8Array, peer: string, hello: DtlsClientHello): Uint8Array {
    const peerBytes = utf8(peer);
    const body = hello.withCookie(new Uint8Array(0));
    const data = new Uint8Array(peerBytes.length + 1 + body.length);
    data.set(peerBytes, 0);
    data.set(body, peerBytes.length + 1);
    return this.provider.hmac('SHA-256', secret, data);
  }

  /** The cookie for this peer and ClientHello. */
  cookieFor(peer: string, hello: DtlsClientHello): Uint8Array {
    this.rotate();
    return this.mac(this.current, peer, hello);
  }

  /** Whether the ClientHello carries a cookie we made for this peer (current or previous secret). */
  verify(peer: string, hello: DtlsClientHello): boolean {
    this.rotate();
    if (hello.cookie.length === 0) return false;
    if (equalBytes(hello.cookie, this.mac(this.current, peer, hello))) return true;
    return this.previous !== undefined && equalBytes(hello.cookie, this.mac(this.previous, peer, hello));
  }
}

/** What the stateless front door does with a datagram from an unknown peer. */
export type CookieVerdict =
  /** A ClientHello with a valid cookie; `random` tells a new association from a retransmission. */
  | { readonly kind: 'accept'; readonly random: Uint8Array }
  | { readonly kind: 'reply'; readonly datagram: Uint8Array }
  | { readonly kind: 'drop' };

/**
 * Looks at a datagram from a peer with no association: a ClientHello with a valid cookie is
 * accepted (the caller now creates the association and feeds it this datagram), one without gets a
 * HelloVerifyRequest, anything else is dropped. Nothing is stored either way.
 */
export function admitDatagram(gate: CookieGate, peer: string, datagram: Uint8Array): CookieVerdict {
  const record = splitDatagram(datagram, 16384)[0];
  if (record === undefined || record.type !== ContentType.handshake || record.epoch !== 0) return { kind: 'drop' };
  const fragment = parseFragments(record.fragment)[0];
  // RFC 6347 §4.2.1: the ClientHello of a cookie exchange must fit in one record unfragmented.
  if (fragment === undefined || fragment.type !== CLIENT_HELLO || fragment.offset !== 0) return { kind: 'drop' };
  if (fragment.body.length !== fragment.length) return { kind: 'drop' };
  let hello: DtlsClientHello;
  try {
    hello = DtlsClientHello.decode(new Reader(fragment.body));
  } catch {
    return { kind: 'drop' };
  }
  if (gate.verify(peer, hello)) return { kind: 'accept', random: hello.random };
  // RFC 6347 §4.2.1: HelloVerifyRequest carries version DTLS 1.0 and repeats the ClientHello's
  // message_seq and record sequence number, so the server needs no counters of its own.
  const body = encodeHelloVerifyRequest(DTLS10, gate.cookieFor(peer, hello));
  const [hvr] = fragmentMessage({ type: HELLO_VERIFY_REQUEST, seq: fragment.seq, body }, body.length);
  const reply = new NullDtlsProtection().seal(ContentType.handshake, DTLS10, 0, record.sequence, hvr as Uint8Array);
  return { kind: 'reply', datagram: reply };
}

/**
 * RFC 6347 §4.2.8: a datagram from a peer that already has an association. A ClientHello (epoch 0)
 * with a valid cookie and a random other than the one that started the association (`current`)
 * means the client lost its state and starts anew: 'new' (the caller abandons the old association,
 * the cookie exchange having shown the client is reachable). One without a cookie gets a
 * HelloVerifyRequest ('reply', not passed on: the old association must not see it). Everything
 * else, retransmitted ClientHellos of the running handshake included, goes to the association: 'pass'.
 */
export function readmitDatagram(
  gate: CookieGate,
  peer: string,
  datagram: Uint8Array,
  current: Uint8Array | undefined,
):
  | { readonly kind: 'new'; readonly random: Uint8Array }
  | { readonly kind: 'pass' }
  | { readonly kind: 'reply'; readonly datagram: Uint8Array } {
  const verdict = admitDatagram(gate, peer, datagram);
  if (verdict.kind === 'accept') {
    return current !== undefined && equalBytes(current, verdict.random)
      ? { kind: 'pass' }
      : { ...verdict, kind: 'new' };
  }
  return verdict.kind === 'reply' ? verdict : { kind: 'pass' };
}
