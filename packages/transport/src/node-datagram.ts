/**
 * node:dgram datagram transports: a client's connected UDP socket, and a server socket whose
 * datagrams are demultiplexed by peer address into one {@link DatagramTransport} per peer.
 * @module
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { DemuxListener, type ListenDatagramOptions } from './datagram-demux.js';
import { DatagramQueue } from './datagram-queue.js';
import type { DatagramListener, DatagramTransport } from './datagram-transport.js';

export type { ListenDatagramOptions } from './datagram-demux.js';

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
  const listener = new DemuxListener(
    {
      send: (datagram, to) => socket.send(datagram, to.port, to.address),
      close: () => new Promise((resolve) => socket.close(() => resolve())),
    },
    localOf(socket) as TransportAddress,
    options,
  );
  socket.on('message', (m: Buffer, rinfo: RemoteInfo) => {
    listener.dispatch(new Uint8Array(m).slice(), {
      address: rinfo.address,
      port: rinfo.port,
      family: family(rinfo.address),
    });
  });
  socket.on('error', () => undefined);
  return listener;
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
