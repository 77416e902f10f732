/**
 * A worker of the AEAD pool (aead-pool.ts): seals and opens records in the shared slots
 * (aead-ring.ts) with the same per-record node:crypto code as the synchronous provider (aead.ts).
 * It blocks in `Atomics.wait` while there is nothing to do, so its event loop never runs: traffic
 * keys arrive on a MessagePort that it reads synchronously (`receiveMessageOnPort`) when a slot
 * names a key it does not have yet (the main thread posts a key before any slot uses it).
 *
 * @module
 */

import { type MessagePort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { AeadAlgorithm, AeadKey } from '@sslsocket/suites';
import { createAeadKey } from './aead.js';
import {
  AeadRing,
  CTL_CLAIMED,
  CTL_COMPLETED,
  CTL_SLEEPERS,
  CTL_STOP,
  CTL_SUBMITTED,
  CTL_WAKING,
  H_AAD_LENGTH,
  H_KEY,
  H_LENGTH,
  H_OP,
  H_RESULT,
  H_STATE,
  NONCE_LENGTH,
  OP_SEAL,
  RESULT_ERROR,
  RESULT_FORGED,
  RESULT_OK,
  STATE_DONE,
} from './aead-ring.js';

/** What the main thread posts on the key port. */
export type KeyMessage =
  | { readonly id: number; readonly algorithm: AeadAlgorithm; readonly key: Uint8Array }
  | { readonly forget: number };

/** `workerData` of a pool worker. */
export interface PoolWorkerData {
  readonly memory: SharedArrayBuffer;
  readonly slots: number;
  readonly keys: MessagePort;
  /** How long an idle worker polls for the next record before it sleeps, in microseconds. */
  readonly spinMicros: number;
}

const data = workerData as PoolWorkerData;
const ring = new AeadRing(data.memory, data.slots);
const keys = new Map<number, AeadKey>();
const { control, queue, headers, bytes } = ring;
const slots = ring.slots;
/** Nonce views per slot, made once. */
const nonces = Array.from({ length: slots }, (_, slot) =>
  bytes.subarray(ring.nonceAt(slot), ring.nonceAt(slot) + NONCE_LENGTH),
);

/** Takes every message waiting on the key port (new keys, keys to forget). */
function readKeys(): void {
  for (
    let message = receiveMessageOnPort(data.keys);
    message !== undefined;
    message = receiveMessageOnPort(data.keys)
  ) {
    const body = message.message as KeyMessage;
    if ('forget' in body) keys.delete(body.forget);
    else keys.set(body.id, createAeadKey(body.algorithm, body.key));
  }
}

function keyFor(id: number): AeadKey {
  let key = keys.get(id);
  if (key === undefined) {
    readKeys();
    key = keys.get(id);
    if (key === undefined) throw new Error(`AEAD pool worker: unknown key ${id}`);
  }
  return key;
}

/**
 * Polls `submitted` for up to `spinMicros`: true when a record came meanwhile. Costs this worker's
 * core only while the pool is in use, and only between records.
 */
function spin(submitted: number): boolean {
  if (data.spinMicros <= 0) return false;
  const until = performance.now() + data.spinMicros / 1000;
  do {
    if (Atomics.load(control, CTL_SUBMITTED) !== submitted || Atomics.load(control, CTL_STOP) !== 0) return true;
  } while (performance.now() < until);
  return false;
}

/** Wakes one sleeping worker unless a wake is already on its way (see aead-ring.ts). */
function wakeAnother(): void {
  if (Atomics.load(control, CTL_SLEEPERS) > 0 && Atomics.compareExchange(control, CTL_WAKING, 0, 1) === 0) {
    if (Atomics.notify(control, CTL_SUBMITTED, 1) === 0) Atomics.store(control, CTL_WAKING, 0);
  }
}

/** Runs the operation in `slot` and publishes its result. */
function run(slot: number): void {
  const at = (field: number): number => ring.field(slot, field);
  let result: number;
  try {
    const key = keyFor(headers[at(H_KEY)] as number);
    const aadAt = ring.aadAt(slot);
    const aad = bytes.subarray(aadAt, aadAt + (headers[at(H_AAD_LENGTH)] as number));
    const length = headers[at(H_LENGTH)] as number;
    const dataAt = ring.dataAt(slot);
    if (headers[at(H_OP)] === OP_SEAL) {
      key.seal(nonces[slot] as Uint8Array, aad, bytes, dataAt, length);
      result = RESULT_OK;
    } else {
      result = key.open(nonces[slot] as Uint8Array, aad, bytes, dataAt, length) === true ? RESULT_OK : RESULT_FORGED;
    }
  } catch {
    result = RESULT_ERROR;
  }
  headers[at(H_RESULT)] = result;
  Atomics.store(headers, at(H_STATE), STATE_DONE);
  Atomics.add(control, CTL_COMPLETED, 1);
  // Wakes the main thread's waitAsync if it is armed; otherwise costs next to nothing, so a
  // burst of records finishing while the main thread is busy costs it one wake.
  Atomics.notify(control, CTL_COMPLETED);
}

for (;;) {
  // `claimed` first: read the other way round, other workers could claim past a stale
  // `submitted` in between and this one would claim a position not yet submitted.
  const claimed = Atomics.load(control, CTL_CLAIMED);
  const submitted = Atomics.load(control, CTL_SUBMITTED);
  if (claimed !== submitted) {
    // Read the entry before claiming it (see aead-ring.ts: it cannot change until it is claimed).
    const slot = Atomics.load(queue, (claimed >>> 0) % slots);
    if (Atomics.compareExchange(control, CTL_CLAIMED, claimed, (claimed + 1) | 0) === claimed) {
      // More records queued behind this one: a sleeping worker takes them (this thread pays the wake).
      if (((submitted - claimed) | 0) > 1) wakeAnother();
      run(slot);
    }
    continue;
  }
  if (Atomics.load(control, CTL_STOP) !== 0) break;
  readKeys();
  // Records often come a few at a time with short gaps (a TCP chunk's worth, a send's worth):
  // polling a little before sleeping spares the submitting thread a wake-up (see aead-ring.ts).
  if (spin(submitted)) continue;
  Atomics.add(control, CTL_SLEEPERS, 1);
  // Returns at once when a record was submitted since `submitted` was read.
  const woken = Atomics.wait(control, CTL_SUBMITTED, submitted);
  Atomics.sub(control, CTL_SLEEPERS, 1);
  // Sleepers first, then the flag: whoever sees the flag clear also sees this worker awake.
  if (woken === 'ok') Atomics.store(control, CTL_WAKING, 0);
}
data.keys.close();
