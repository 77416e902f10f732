// Test helper: a simulated datagram network with virtual time, seeded loss, duplication,
// reordering and an MTU, driving two DtlsConnections and the timers they request.
import { generateSelfSigned } from '@sslsocket/pkix';
import { nodeProvider } from '@sslsocket/provider-node';
import type { PrivateKey, PublicKey } from '@sslsocket/suites';
import { seeded } from '../../../transport/src/memory-datagram.js';
import type { DtlsConfig } from '../config.js';
import { DtlsConnection } from '../connection.js';
import type { DtlsEvent } from '../events.js';

export interface NetworkOptions {
  readonly seed?: number;
  readonly loss?: number;
  readonly duplicate?: number;
  /** Extra random delay (ms) per datagram, which reorders them. */
  readonly jitter?: number;
  /** Datagrams larger than this are dropped (and counted). */
  readonly mtu?: number;
}

type Side = 'client' | 'server';

export class SimulatedNetwork {
  now = 0;
  private readonly rand: () => number;
  private queue: { at: number; to: Side; data: Uint8Array; n: number }[] = [];
  private readonly timers: Record<Side, number | undefined> = { client: undefined, server: undefined };
  readonly events: Record<Side, DtlsEvent[]> = { client: [], server: [] };
  oversized = 0;
  sent = 0;
  private counter = 0;
  /** Every datagram put on the wire, by sender (for replay tests). */
  readonly wire: Record<Side, Uint8Array[]> = { client: [], server: [] };

  constructor(
    readonly client: DtlsConnection,
    readonly server: DtlsConnection,
    private readonly options: NetworkOptions = {},
  ) {
    this.rand = seeded(options.seed ?? 1);
  }

  private conn(side: Side): DtlsConnection {
    return side === 'client' ? this.client : this.server;
  }

  /** Moves a side's output onto the wire and applies its timer requests. */
  collect(side: Side): void {
    const c = this.conn(side);
    for (const e of c.takeEvents()) {
      this.events[side].push(e);
      if (e.type === 'timer') this.timers[side] = e.delay === undefined ? undefined : this.now + e.delay;
    }
    const to: Side = side === 'client' ? 'server' : 'client';
    for (const d of c.takeDatagrams()) {
      this.sent++;
      this.wire[side].push(d);
      if (this.options.mtu !== undefined && d.length > this.options.mtu) {
        this.oversized++;
        continue;
      }
      this.send(to, d);
    }
  }

  send(to: Side, data: Uint8Array): void {
    if (this.rand() < (this.options.loss ?? 0)) return;
    const copies = this.rand() < (this.options.duplicate ?? 0) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const at = this.now + 5 + this.rand() * (this.options.jitter ?? 0);
      this.queue.push({ at, to, data: data.slice(), n: this.counter++ });
    }
  }

  /** Runs until `done()` or nothing is left to happen or `limit` ms of virtual time passed. */
  run(done: () => boolean, limit = 120_000): void {
    this.collect('client');
    this.collect('server');
    while (!done() && this.now <= limit) {
      this.queue.sort((a, b) => a.at - b.at || a.n - b.n);
      const next = this.queue[0];
      const timerSide = (['client', 'server'] as const)
        .filter((s) => this.timers[s] !== undefined)
        .sort((a, b) => (this.timers[a] as number) - (this.timers[b] as number))[0];
      const timerAt = timerSide === undefined ? Number.POSITIVE_INFINITY : (this.timers[timerSide] as number);
      if (next === undefined && timerSide === undefined) return;
      if (next !== undefined && next.at <= timerAt) {
        this.queue.shift();
        this.now = next.at;
        this.conn(next.to).receive(next.data);
        this.collect(next.to);
      } else {
        const side = timerSide as Side;
        this.now = timerAt;
        this.timers[side] = undefined;
        this.conn(side).handleTimeout();
        this.collect(side);
      }
    }
  }

  completed(): boolean {
    return this.client.handshakeComplete && this.server.handshakeComplete;
  }

  data(side: Side): Uint8Array[] {
    return this.events[side].flatMap((e) => (e.type === 'data' ? [e.data] : []));
  }
}

/** A P-256 server identity with a self-signed certificate (made once per test file). */
export async function serverIdentity(): Promise<{
  cert: Uint8Array;
  config: { certificateChain: readonly Uint8Array[]; privateKey: PrivateKey };
}> {
  const id = await generateSelfSigned({ provider: nodeProvider });
  return {
    cert: id.certificateDer,
    config: { certificateChain: [id.certificateDer], privateKey: id.privateKey },
  };
}

export function dtlsPair(
  server: Partial<DtlsConfig>,
  pinned: Uint8Array,
  clientExtra: Partial<DtlsConfig> = {},
  serverExtra: Partial<DtlsConfig> = {},
): { client: DtlsConnection; server: DtlsConnection } {
  const client = DtlsConnection.client({
    provider: nodeProvider,
    serverName: 'localhost',
    pinnedCertificate: pinned,
    ...clientExtra,
  });
  const srv = DtlsConnection.server({ provider: nodeProvider, ...server, ...serverExtra });
  return { client, server: srv };
}

export type { PublicKey };
