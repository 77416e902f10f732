/**
 * Deno UDP datagram transports over `Deno.listenDatagram({ transport: 'udp' })` (unstable in Deno 2:
 * run with `--unstable-net`): a client transport to one peer, and a server listener demultiplexed by
 * peer address like the node:dgram one (the shared logic is in datagram-demux.ts).
 * @module
 */
import { DemuxListener, familyOf, type ListenDatagramOptions } from './datagram-demux.js';
import { DatagramQueue } from './datagram-queue.js';
import type { DatagramListener, DatagramTransport } from './datagram-transport.js';
import { type TransportAddress, TransportError } from './transport.js';

/** The part of `Deno.NetAddr` the adapter uses. */
interface DenoNetAddrLike {
  readonly hostname: string;
  readonly port: number;
}

/** The part of `Deno.DatagramConn` the adapter uses (declared here so Node builds never need Deno's types). */
interface DenoDatagramConnLike {
  readonly addr: DenoNetAddrLike;
  receive(): Promise<[Uint8Array, DenoNetAddrLike]>;
  send(datagram: Uint8Array, to: DenoNetAddrLike & { transport: 'udp' }): Promise<number>;
  close(): void;
}

interface DenoDatagramNamespace {
  listenDatagram?(options: { transport: 'udp'; hostname: string; port: number }): DenoDatagramConnLike;
}

/**
 * Binds a Deno UDP socket. Throws a TransportError (code `UNSUPPORTED`) outside Deno, or when
 * `Deno.listenDatagram` is missing because Deno 2 was run without `--unstable-net`.
 */
function bindDeno(hostname: string, port: number): DenoDatagramConnLike {
  const deno = (globalThis as { Deno?: DenoDatagramNamespace }).Deno;
  if (deno === undefined) throw new TransportError('UNSUPPORTED', 'the Deno adapters need the Deno runtime');
  if (typeof deno.listenDatagram !== 'function') {
    throw new TransportError(
      'UNSUPPORTED',
      'Deno.listenDatagram is missing: UDP in Deno 2 is unstable, run deno with --unstable-net',
    );
  }
  return deno.listenDatagram({ transport: 'udp', hostname, port });
}

function toAddress(addr: DenoNetAddrLike): TransportAddress {
  return { address: addr.hostname, port: addr.port, family: familyOf(addr.hostname) };
}

/**
 * Reads `conn` until it is closed, handing each datagram to `deliver`. Receive errors other than a
 * close (ICMP unreachable and the like) lose one datagram; the association goes on (RFC 6347 §4.1.1.1).
 */
async function pump(
  conn: DenoDatagramConnLike,
  isClosed: () => boolean,
  deliver: (d: Uint8Array, from: TransportAddress) => void,
): Promise<void> {
  while (!isClosed()) {
    try {
      const [datagram, from] = await conn.receive();
      deliver(datagram.slice(), toAddress(from));
    } catch {
      if (isClosed()) return;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
}

/** A Deno UDP socket that talks to one peer: datagrams from other addresses are dropped. */
class DenoPeerDatagram implements DatagramTransport {
  private readonly inbox = new DatagramQueue();
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;
  private isClosed = false;

  constructor(
    private readonly conn: DenoDatagramConnLike,
    readonly remoteAddress: TransportAddress,
  ) {
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    void pump(
      conn,
      () => this.isClosed,
      (datagram, from) => {
        if (from.port === remoteAddress.port && sameHost(from.address, remoteAddress.address)) {
          this.inbox.push(datagram);
        }
      },
    );
  }

  get localAddress(): TransportAddress {
    return toAddress(this.conn.addr);
  }

  receive(): Promise<Uint8Array | null> {
    return this.inbox.next();
  }

  send(datagram: Uint8Array): void {
    if (this.isClosed) throw new TransportError('EPIPE', 'send after close');
    // A failed send is a lost datagram (UDP is best effort).
    this.conn
      .send(datagram, { transport: 'udp', hostname: this.remoteAddress.address, port: this.remoteAddress.port })
      .catch(() => undefined);
  }

  close(): Promise<void> {
    if (!this.isClosed) {
      this.isClosed = true;
      this.inbox.end();
      this.conn.close();
      this.resolveClosed();
    }
    return this.closed;
  }
}

/** Equal IP literals, counting an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as its IPv4 one. */
function sameHost(a: string, b: string): boolean {
  const plain = (s: string): string => s.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return plain(a) === plain(b);
}

/**
 * A Deno UDP transport to `host:port` (an IP literal: datagrams are matched to it by address),
 * bound to an ephemeral local port. Needs `--unstable-net` in Deno 2 (else a TransportError
 * `UNSUPPORTED` naming the flag).
 *
 * @example
 * const transport = await connectDenoDatagram('127.0.0.1', 4433);
 * const dtls = await connect(transport, { protocol: 'dtls', host: 'localhost', cacerts: [caPem] });
 */
export async function connectDenoDatagram(host: string, port: number): Promise<DatagramTransport> {
  const conn = bindDeno(familyOf(host) === 'IPv6' ? '::' : '0.0.0.0', 0);
  return new DenoPeerDatagram(conn, { address: host, port, family: familyOf(host) });
}

/**
 * Binds a Deno UDP server socket (default host `0.0.0.0`); `accept()` returns one transport per new
 * peer address, with the same `admit`/`readmit`/`maxPeers`/`maxAcceptWaitMs` rules as node's
 * `listenDatagram`. Needs `--unstable-net` in Deno 2 (else a TransportError `UNSUPPORTED`).
 *
 * @example
 * const listener = await listenDenoDatagram(4433, { host: '127.0.0.1' });
 * const peer = await listener.accept();
 */
export async function listenDenoDatagram(port: number, options: ListenDatagramOptions = {}): Promise<DatagramListener> {
  const conn = bindDeno(options.host ?? '0.0.0.0', port);
  let closed = false;
  const listener = new DemuxListener(
    {
      send: (datagram, to) => {
        conn.send(datagram, { transport: 'udp', hostname: to.address, port: to.port }).catch(() => undefined);
      },
      close: async () => {
        if (closed) return;
        closed = true;
        conn.close();
      },
    },
    toAddress(conn.addr),
    options,
  );
  void pump(
    conn,
    () => closed,
    (datagram, from) => listener.dispatch(datagram, from),
  );
  return listener;
}
