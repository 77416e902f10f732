/**
 * Runtime-neutral demultiplexing of one server socket's datagrams by peer address into one
 * {@link DatagramTransport} per peer (shared by the node:dgram and Deno UDP listeners; no runtime
 * imports). The runtime adapter feeds `dispatch()` and supplies how to send and close.
 * @module
 */
import { DatagramQueue } from './datagram-queue.js';
import type { AdmitDatagram, DatagramListener, DatagramTransport, ReadmitDatagram } from './datagram-transport.js';
import { type TransportAddress, TransportError } from './transport.js';

/** Options for `listenDatagram` (node) and `listenDenoDatagram`. */
export interface ListenDatagramOptions {
  /**
   * Address to bind, an IP literal or a name. Default: every interface, as TLS `listen()` does —
   * the unspecified IPv6 address `::` (dual-stack: IPv4 peers show as `::ffff:a.b.c.d`) where the
   * host has IPv6, `0.0.0.0` otherwise.
   */
  readonly host?: string;
  /** The stateless first look at an unknown peer's datagram (see {@link DatagramListener}). */
  readonly admit?: AdmitDatagram;
  /**
   * A look at each datagram from a peer that has a transport: 'pass' hands it to that transport,
   * 'drop' discards it (after any `reply`), 'new' closes that transport and starts a new one for
   * the same address with this datagram, returned by `accept()` (DTLS, RFC 6347 §4.2.8).
   */
  readonly readmit?: ReadmitDatagram;
  /** Peers with a transport at most (default 4096); datagrams from further new peers are dropped. */
  readonly maxPeers?: number;
  /**
   * How long in ms an admitted peer may wait for `accept()` (default 30 000). One still waiting then
   * is closed and forgotten (counted in `expired`): its client has likely given up, and a live one
   * retransmits and is admitted again (RFC 6347 §4.2.4), so nobody ever accepts a long-dead peer.
   */
  readonly maxAcceptWaitMs?: number;
}

/** What a runtime's server socket provides to {@link DemuxListener}. */
export interface DemuxSocket {
  /** Sends one datagram to `to` (best effort; failures are a lost datagram). */
  send(datagram: Uint8Array, to: TransportAddress): void;
  /** Closes the underlying socket. */
  close(): Promise<void>;
}

/** `IPv6` when the address is an IPv6 literal (it has a colon), `IPv4` otherwise. */
export function familyOf(address: string): 'IPv4' | 'IPv6' {
  return address.includes(':') ? 'IPv6' : 'IPv4';
}

/** One peer of a shared server socket. */
class PeerDatagram implements DatagramTransport {
  readonly inbox = new DatagramQueue();
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;
  private isClosed = false;

  constructor(
    private readonly listener: DemuxListener,
    readonly key: string,
    readonly remoteAddress: TransportAddress,
  ) {
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  get localAddress(): TransportAddress {
    return this.listener.address;
  }

  receive(): Promise<Uint8Array | null> {
    return this.inbox.next();
  }

  send(datagram: Uint8Array): void {
    if (this.isClosed) throw new TransportError('EPIPE', 'send after close');
    this.listener.sendTo(datagram, this.remoteAddress);
  }

  close(): Promise<void> {
    if (!this.isClosed) {
      this.isClosed = true;
      this.inbox.end();
      this.listener.forget(this.key, this);
      this.resolveClosed();
    }
    return this.closed;
  }
}

/**
 * A server socket's datagrams, demultiplexed by peer address: `dispatch()` routes each to its
 * peer's transport, admitting new peers through `admit` and bounding them by `maxPeers`.
 */
export class DemuxListener implements DatagramListener {
  private readonly byPeer = new Map<string, PeerDatagram>();
  /** Admitted peers not accepted yet, oldest first, each with its expiry timer. */
  private readonly waiting: { peer: PeerDatagram; timer: ReturnType<typeof setTimeout> }[] = [];
  private readonly acceptors: ((peer: PeerDatagram | null) => void)[] = [];
  private ended = false;
  /** Admitted peers closed because nobody accepted them within `maxAcceptWaitMs`. */
  expired = 0;

  constructor(
    private readonly socket: DemuxSocket,
    readonly address: TransportAddress,
    private readonly options: ListenDatagramOptions,
  ) {}

  get peers(): number {
    return this.byPeer.size;
  }

  /** Routes one received datagram (owned by the listener from now on) from `remote`. */
  dispatch(datagram: Uint8Array, remote: TransportAddress): void {
    const key = `${remote.address}:${remote.port}`;
    const reply = (d: Uint8Array): void => this.sendTo(d, remote);
    const known = this.byPeer.get(key);
    if (known !== undefined) {
      const verdict = this.options.readmit?.(datagram, key, reply) ?? 'pass';
      if (verdict === 'pass') known.inbox.push(datagram);
      if (verdict !== 'new') return;
      // A replaced transport nobody accepted yet leaves the queue too: accept() never returns it closed.
      this.unqueue(known);
      void known.close();
    } else {
      if (this.ended || this.byPeer.size >= (this.options.maxPeers ?? 4096)) return;
      const admit = this.options.admit;
      if (admit !== undefined && !admit(datagram, key, reply)) return;
    }
    const peer = new PeerDatagram(this, key, remote);
    this.byPeer.set(key, peer);
    peer.inbox.push(datagram);
    const acceptor = this.acceptors.shift();
    if (acceptor !== undefined) {
      acceptor(peer);
      return;
    }
    const timer = setTimeout(() => {
      if (!this.unqueue(peer)) return;
      this.expired++;
      void peer.close();
    }, this.options.maxAcceptWaitMs ?? 30_000);
    timer.unref?.();
    this.waiting.push({ peer, timer });
  }

  /** Takes `peer` out of the accept queue; false when it was not there. */
  private unqueue(peer: PeerDatagram): boolean {
    const index = this.waiting.findIndex((w) => w.peer === peer);
    if (index < 0) return false;
    clearTimeout(this.waiting[index]?.timer);
    this.waiting.splice(index, 1);
    return true;
  }

  async accept(): Promise<DatagramTransport> {
    const first = this.waiting.shift();
    if (first !== undefined) clearTimeout(first.timer);
    const peer =
      first?.peer ??
      (this.ended ? null : await new Promise<PeerDatagram | null>((resolve) => this.acceptors.push(resolve)));
    if (peer === null) throw new TransportError('CLOSED', 'listener closed');
    return peer;
  }

  sendTo(datagram: Uint8Array, to: TransportAddress): void {
    this.socket.send(datagram, to);
  }

  /** Drops `peer` from the routing table (not a newer transport for the same address, RFC 6347 §4.2.8). */
  forget(key: string, peer: PeerDatagram): void {
    if (this.byPeer.get(key) === peer) this.byPeer.delete(key);
  }

  close(): Promise<void> {
    this.ended = true;
    for (const acceptor of this.acceptors.splice(0)) acceptor(null);
    for (const w of this.waiting.splice(0)) clearTimeout(w.timer);
    for (const p of [...this.byPeer.values()]) void p.close();
    return this.socket.close();
  }
}
