/**
 * Flights (RFC 6347 §4.2.4): the messages one side sends before waiting for the other, kept whole so
 * they can be retransmitted with the epochs they were first sent in, and packed into datagrams no
 * larger than the path MTU (§4.1.1.1) — messages too large for one are fragmented (§4.2.3).
 * And the retransmission timer's back-off (§4.2.4.1): double on each timeout, up to a maximum.
 * @module
 */
import { ContentType } from '@sslsocket/record';
import { HANDSHAKE_HEADER_LENGTH } from '../constants.js';
import type { DtlsRecordLayer } from '../record/record-layer.js';
import { type DtlsMessage, fragmentMessage } from './fragments.js';

/** One element of a flight: a handshake message or ChangeCipherSpec, with its write epoch. */
export type FlightEntry =
  | { readonly kind: 'message'; readonly message: DtlsMessage; readonly epoch: number }
  | { readonly kind: 'ccs'; readonly epoch: number };

/**
 * Seals a flight into datagrams of at most `mtu` bytes. Every send (first or retransmission) uses
 * fresh record sequence numbers (RFC 6347 §4.2.4: retransmitted records are new records).
 */
export function packFlight(records: DtlsRecordLayer, flight: readonly FlightEntry[], mtu: number): Uint8Array[] {
  const datagrams: Uint8Array[] = [];
  let current: Uint8Array[] = [];
  let size = 0;
  const flush = (): void => {
    if (current.length === 0) return;
    const out = new Uint8Array(size);
    let at = 0;
    for (const r of current) {
      out.set(r, at);
      at += r.length;
    }
    datagrams.push(out);
    current = [];
    size = 0;
  };
  const add = (record: Uint8Array): void => {
    if (size + record.length > mtu) flush();
    current.push(record);
    size += record.length;
  };
  for (const e of flight) {
    if (e.kind === 'ccs') {
      add(records.seal(ContentType.change_cipher_spec, Uint8Array.of(1), e.epoch));
      continue;
    }
    // Room for the body of one fragment in a record that fills a datagram on its own.
    const room = mtu - records.recordSize(0, e.epoch) - HANDSHAKE_HEADER_LENGTH;
    for (const frag of fragmentMessage(e.message, room)) add(records.seal(ContentType.handshake, frag, e.epoch));
  }
  flush();
  return datagrams;
}

/** RFC 6347 §4.2.4.1: initial 1 s, doubling, at most 60 s. */
export class RetransmitTimer {
  private delay: number;
  /** Retransmissions of the current flight so far. */
  count = 0;

  constructor(
    private readonly initial = 1000,
    private readonly max = 60_000,
  ) {
    this.delay = initial;
  }

  /** A new flight went out: back to the initial timeout. */
  reset(): number {
    this.delay = this.initial;
    this.count = 0;
    return this.delay;
  }

  /** The timer fired: the next, doubled, timeout. */
  backOff(): number {
    this.count++;
    this.delay = Math.min(this.delay * 2, this.max);
    return this.delay;
  }
}
