import type { Transport, TransportAddress } from './transport.js';
import { fromWebStreams } from './web-streams-transport.js';

/** The part of `Deno.Conn` the adapter uses (declared here so Node builds never need Deno's types). */
export interface DenoConnLike {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly remoteAddr: { hostname: string; port: number; transport: string };
  readonly localAddr: { hostname: string; port: number; transport: string };
  setNoDelay?(enabled?: boolean): void;
}

interface DenoListenerLike extends AsyncIterable<DenoConnLike> {
  readonly addr: { hostname: string; port: number };
  accept(): Promise<DenoConnLike>;
  close(): void;
}

interface DenoNamespace {
  connect(options: { hostname: string; port: number }): Promise<DenoConnLike>;
  listen(options: { hostname: string; port: number }): DenoListenerLike;
}

function denoGlobal(): DenoNamespace {
  const deno = (globalThis as { Deno?: DenoNamespace }).Deno;
  if (deno === undefined) throw new Error('the Deno adapters need the Deno runtime');
  return deno;
}

function toAddress(addr: { hostname: string; port: number }): TransportAddress {
  return { address: addr.hostname, port: addr.port, family: addr.hostname.includes(':') ? 'IPv6' : 'IPv4' };
}

/** Wraps a `Deno.Conn` through its Web Streams. */
export function fromDenoConn(conn: DenoConnLike): Transport {
  conn.setNoDelay?.(true);
  const transport = fromWebStreams(conn, { remote: toAddress(conn.remoteAddr), local: toAddress(conn.localAddr) });
  transport.setNoDelay = (enabled) => conn.setNoDelay?.(enabled);
  return transport;
}

/** `Deno.connect` as a Transport. */
export async function connectDeno(hostname: string, port: number): Promise<Transport> {
  return fromDenoConn(await denoGlobal().connect({ hostname, port }));
}

/** `Deno.listen`, with `accept()` returning Transports. */
export function listenDeno(
  port: number,
  hostname = '127.0.0.1',
): { accept(): Promise<Transport>; address: TransportAddress; close(): void } {
  const listener = denoGlobal().listen({ hostname, port });
  return {
    address: toAddress(listener.addr),
    accept: async () => fromDenoConn(await listener.accept()),
    close: () => listener.close(),
  };
}
