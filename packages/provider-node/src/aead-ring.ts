/**
 * The shared memory between the main thread and the AEAD pool's workers (aead-pool.ts,
 * aead-pool-worker.ts): one SharedArrayBuffer holding a control block, a submission queue, and a
 * fixed number of slots, each with a header (operation, key, nonce, AAD, result) and a data area
 * big enough for one TLS record.
 *
 * Protocol (every counter is an Int32 that wraps; only equality and differences are used):
 * - The main thread fills a free slot, writes its index at `queue[submitted % slots]`, then
 *   increments `submitted` (an Atomics store: the slot's plain writes happen before it). It wakes
 *   a worker only when every worker sleeps and no wake is on its way (`waking`): a wake-up costs
 *   the notifying thread a futex syscall (~14 µs measured, as much as sealing a 16 KiB record),
 *   and an awake worker always reads `submitted` again before it sleeps. A worker that claims a
 *   record and sees more queued wakes the next sleeper itself, so the main thread pays one wake
 *   per idle period, not one per record or per worker.
 * - A worker reads `queue[claimed % slots]`, then claims it by moving `claimed` forward with a
 *   compare-exchange (claims are in order, so that queue entry cannot be overwritten before the
 *   claim: its rewrite needs a free slot, and all slots are busy until it is claimed). It runs the
 *   cipher in the slot, stores the slot's state DONE, increments `completed` and notifies it.
 * - The main thread waits on `completed` with `Atomics.waitAsync` (one wake for however many
 *   records completed meanwhile) and copies the results out.
 *
 * @module
 */

/** Control block indices (Int32). */
export const CTL_SUBMITTED = 0;
export const CTL_CLAIMED = 1;
export const CTL_COMPLETED = 2;
export const CTL_SLEEPERS = 3;
export const CTL_STOP = 4;
/** 1 from a wake-up notify until the woken worker runs: no second wake is sent meanwhile. */
export const CTL_WAKING = 5;
const CONTROL_INTS = 8;

/** Slot header layout (Int32 indices within a slot header). */
export const H_OP = 0;
export const H_KEY = 1;
export const H_LENGTH = 2;
export const H_AAD_LENGTH = 3;
export const H_STATE = 4;
export const H_RESULT = 5;
const HEADER_BYTES = 128;
/** Byte offsets within a slot header. */
const NONCE_AT = 32;
const AAD_AT = 48;

/** Slot operations. */
export const OP_SEAL = 1;
export const OP_OPEN = 2;
/** Slot states. */
export const STATE_FREE = 0;
export const STATE_QUEUED = 1;
export const STATE_DONE = 2;
/** Slot results. */
export const RESULT_OK = 1;
export const RESULT_FORGED = 0;
export const RESULT_ERROR = -1;

/** TLS AEAD nonces are 12 bytes (RFC 8446 §5.3, RFC 5288 §3, RFC 7905 §2). */
export const NONCE_LENGTH = 12;
/** Largest AAD a slot carries: TLS 1.3 uses 5 bytes (RFC 8446 §5.2), TLS 1.2 13 (RFC 5246 §6.2.3.3). */
export const MAX_AAD = HEADER_BYTES - AAD_AT;
/**
 * Largest sealed or opened text a slot carries, tag included: a TLS 1.3 record's ciphertext may be
 * 2^14 + 256 bytes (RFC 8446 §5.2); anything longer is done on the main thread.
 */
export const SLOT_DATA = 16384 + 256 + 32;

/** Typed views of one pool's shared memory, the same on every thread. */
export class AeadRing {
  readonly control: Int32Array;
  readonly queue: Int32Array;
  readonly headers: Int32Array;
  readonly bytes: Uint8Array;
  private readonly dataStart: number;

  constructor(
    readonly memory: SharedArrayBuffer,
    readonly slots: number,
  ) {
    this.control = new Int32Array(memory, 0, CONTROL_INTS);
    this.queue = new Int32Array(memory, CONTROL_INTS * 4, slots);
    const headersAt = (CONTROL_INTS + slots) * 4;
    this.headers = new Int32Array(memory, headersAt, (slots * HEADER_BYTES) / 4);
    this.bytes = new Uint8Array(memory);
    this.dataStart = headersAt + slots * HEADER_BYTES;
  }

  /** Shared memory for `slots` slots. */
  static allocate(slots: number): AeadRing {
    const size = (CONTROL_INTS + slots) * 4 + slots * (HEADER_BYTES + SLOT_DATA);
    return new AeadRing(new SharedArrayBuffer(size), slots);
  }

  /** Int32 index of field `field` of slot `slot`'s header. */
  field(slot: number, field: number): number {
    return slot * (HEADER_BYTES / 4) + field;
  }

  /** Byte offset of the slot's nonce. */
  nonceAt(slot: number): number {
    return this.headers.byteOffset + slot * HEADER_BYTES + NONCE_AT;
  }

  /** Byte offset of the slot's AAD. */
  aadAt(slot: number): number {
    return this.headers.byteOffset + slot * HEADER_BYTES + AAD_AT;
  }

  /** Byte offset of the slot's data area. */
  dataAt(slot: number): number {
    return this.dataStart + slot * SLOT_DATA;
  }
}
