/**
 * The DatagramTransport contract, beside {@link Transport}: unreliable, unordered, message-oriented
 * (what DTLS runs over, RFC 6347 §4.1: "DTLS ... over datagram transport"). Each `send()` is one
 * datagram; each `receive()` returns one datagram whole. Nothing is retransmitted or reordered here.
 * @module
 */
import type { TransportAddress } from './transport.js';

/**
 * One association's datagrams: a connected socket, or one peer of a demultiplexed server socket.
 *
 * @example
 * const transport = await connectDatagram('127.0.0.1', 4433); // from '@sslsocket/transport/node'
 * transport.send(Uint8Array.of(1, 2, 3));
 * const reply = await transport.receive(); // one whole datagram, or null once closed
 */
export interface DatagramTransport {
  /** The next datagram, or null once closed. */
  receive(): Promise<Uint8Array | null>;
  /** Sends one datagram (best effort: it may be lost). Throws a TransportError after close. */
  send(datagram: Uint8Array): void;
  /** Stops receiving and releases the socket (or this peer's slot on a shared one). */
  close(): Promise<void>;
  readonly closed: Promise<void>;
  readonly remoteAddress: TransportAddress | undefined;
  readonly localAddress: TransportAddress | undefined;
}

/**
 * A server socket's peers, one {@link DatagramTransport} each, taken with `accept()`. `admit` (when
 * given) sees the first datagram of an unknown peer before any state exists for it: it returns
 * true to create the peer, or false to drop it, possibly after `reply` (DTLS's stateless
 * HelloVerifyRequest, RFC 6347 §4.2.1).
 */
export interface DatagramListener {
  accept(): Promise<DatagramTransport>;
  readonly address: TransportAddress;
  close(): Promise<void>;
  /** Peers with a transport right now. */
  readonly peers: number;
  /** Admitted peers closed because no `accept()` took them in time (where the listener bounds it). */
  readonly expired?: number;
}

/** The stateless first look at an unknown peer's datagram (see {@link DatagramListener}). */
export type AdmitDatagram = (datagram: Uint8Array, peer: string, reply: (datagram: Uint8Array) => void) => boolean;

/** What a listener does with a datagram from a peer that has a transport (see `ListenDatagramOptions.readmit`). */
export type ReadmitDatagram = (
  datagram: Uint8Array,
  peer: string,
  reply: (datagram: Uint8Array) => void,
) => 'pass' | 'drop' | 'new';
