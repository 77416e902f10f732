/**
 * node:dgram datagram transports: a client's connected UDP socket, and a server socket whose
 * datagrams are demultiplexed by peer address into one {@link DatagramTransport} per peer.
 * @module
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { DatagramQueue } from './datagram-queue.js';
import type { AdmitDatagram, DatagramListener, DatagramTransport, ReadmitDatagram } from './datagram-transport.js';
import { type TransportAddress, TransportError } from './transport.js';

function family(address: string): 'IPv4' | 'IPv6' {
  return isIPv6(address) ? 'IPv6' : 'IPv4';
}

function localOf(socket: Socket): TransportAddress | undefined {
  try {
    const a = socket.address();
    return { address: a.address, port: a.port, family: a.family };
  } catch {
    return undefined;
  }
}

/** A connected UDP socket (client side). */
class ConnectedDatagram implements DatagramTransport {
  private readonly inbox = new DatagramQueue();
  readonly closed: Promise<void>;
  private isClosed = false;

  constructor(
    private readonly socket: Socket,
    readonly remoteAddress: TransportAddress,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('message', (m: Buffer) => this.inbox.push(new Uint8Array(m.buffer, m.byteOffset, m.length).slice()));
    // ICMP port unreachable and the like: a datagram is lost, the association goes on (RFC 6347 §4.1.1.1).
    socket.on('error', () => undefined);
    socket.once('close', () => this.inbox.end());
  }

  get localAddress(): TransportAddress | undefined {
    return localOf(this.socket);
  }

  receive(): Promise<Uint8Array | null> {
    return this.inbox.next();
  }

  send(datagram: Uint8Array): void {
    if (this.isClosed) throw new TransportError('EPIPE', 'send after close');
    this.socket.send(datagram, (error) => {
      if (error !== null && error !== undefined) this.socket.emit('error', error);
    });
  }

  close(): Promise<void> {
    if (!this.isClosed) {
      this.isClosed = true;
      this.socket.close();
    }
    return this.closed;
  }
}

/**
 * Opens a UDP socket connected to host:port (only that peer's datagrams are received).
 *
 * @example
 * const transport = await connectDatagram('127.0.0.1', 4433);
 */
export function connectDatagram(host: string, port: number): Promise<DatagramTransport> {
  const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(port, host, () => {
      socket.off('error', reject);
      const peer = socket.remoteAddress();
      resolve(new ConnectedDatagram(socket, { address: peer.address, port: peer.port, family: peer.family }));
    });
  });
}

/** One peer of a shared server socket. */
class PeerDatagram implements DatagramTransport {
  readonly inbox = new DatagramQueue();
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;
  private isClosed = false;

  constructor(
    private readonly listener: NodeDatagramListener,
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

/** Options for {@link listenDatagram}. */
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

class NodeDatagramListener implements DatagramListener {
  private readonly byPeer = new Map<string, PeerDatagram>();
  /** Admitted peers not accepted yet, oldest first, each with its expiry timer. */
  private readonly waiting: { peer: PeerDatagram; timer: ReturnType<typeof setTimeout> }[] = [];
  private readonly acceptors: ((peer: PeerDatagram | null) => void)[] = [];
  private ended = false;
  /** Admitted peers closed because nobody accepted them within `maxAcceptWaitMs`. */
  expired = 0;

  constructor(
    private readonly socket: Socket,
    readonly address: TransportAddress,
    private readonly options: ListenDatagramOptions,
  ) {
    socket.on('message', (m: Buffer, rinfo: RemoteInfo) => this.dispatch(new Uint8Array(m).slice(), rinfo));
    socket.on('error', () => undefined);
  }

  get peers(): number {
    return this.byPeer.size;
  }

  private dispatch(datagram: Uint8Array, rinfo: RemoteInfo): void {
    const key = `${rinfo.address}:${rinfo.port}`;
    const remote: TransportAddress = { address: rinfo.address, port: rinfo.port, family: family(rinfo.address) };
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
    this.socket.send(datagram, to.port, to.address);
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
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/**
 * Binds a UDP server socket; `accept()` returns one transport per new peer address.
 *
 * @example
 * const listener = await listenDatagram(4433, { host: '127.0.0.1' });
 * const peer = await listener.accept();
 */
export async function listenDatagram(port: number, options: ListenDatagramOptions = {}): Promise<DatagramListener> {
  let socket: Socket;
  if (options.host !== undefined) {
    socket = await bindUdp(port, options.host);
  } else {
    try {
      socket = await bindUdp(port, '::');
    } catch (error) {
      // No IPv6 on this host (EAFNOSUPPORT, EADDRNOTAVAIL): every IPv4 interface instead.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL' && code !== 'EPROTONOSUPPORT') throw error;
      socket = await bindUdp(port, '0.0.0.0');
    }
  }
  return new NodeDatagramListener(socket, localOf(socket) as TransportAddress, options);
}

/** A UDP socket bound to host:port (udp6 for an IPv6 literal; dual-stack when that is `::`). */
function bindUdp(port: number, host: string): Promise<Socket> {
  const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.bind(port, host, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
