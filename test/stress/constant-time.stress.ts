// Constant time where secrets meet attacker-chosen bytes: the CBC padding/MAC check (RFC 5246
// §6.2.3.2 and the Lucky Thirteen note there), Finished and PSK binder comparisons (RFC 8446
// §4.4.4, §4.2.11.2), and ticket decryption (RFC 5077 §4: a forged ticket must look like an
// unknown one). A dudect-style test: two classes of inputs measured interleaved at random, the
// slowest 10 % cropped, Welch's t statistic compared with a threshold. A deliberately leaky
// early-exit comparison is measured the same way and must be caught, so the test can fail.
import { nodeProvider } from '@sslsocket/provider-node';
import { Tls12CbcProtection } from '@sslsocket/record';
import { describe, expect, it } from 'vitest';
import { equalBytes } from '../../packages/handshake/src/bytes.js';
import { openTicket, sealTicket } from '../../packages/handshake/src/tickets.js';

const SAMPLES = Number(process.env.TIMING_SAMPLES ?? 20_000);
/** |t| above this says the two classes take measurably different time (dudect uses 10). */
const THRESHOLD = 10;

/** Welch's t statistic between two timing classes, after cropping each at its 90th percentile. */
function welch(a: number[], b: number[]): number {
  const crop = (xs: number[]): number[] => {
    const sorted = [...xs].sort((x, y) => x - y);
    const limit = sorted[Math.floor(sorted.length * 0.9)] as number;
    return xs.filter((x) => x <= limit);
  };
  const stats = (xs: number[]): [number, number, number] => {
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
    return [mean, variance, xs.length];
  };
  const [ma, va, na] = stats(crop(a));
  const [mb, vb, nb] = stats(crop(b));
  return (ma - mb) / Math.sqrt(va / na + vb / nb);
}

/** Times `run(class)` SAMPLES times with the class drawn at random each time; returns |t|. */
function measure(run: (which: 0 | 1) => void, batch: number): number {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < 2000; i++) run((i & 1) as 0 | 1); // warm the JIT on both classes
  for (let i = 0; i < SAMPLES; i++) {
    const which = Math.random() < 0.5 ? 0 : 1;
    const start = process.hrtime.bigint();
    for (let j = 0; j < batch; j++) run(which);
    times[which].push(Number(process.hrtime.bigint() - start));
  }
  return Math.abs(welch(times[0], times[1]));
}

/** The comparison everyone is told not to write: returns at the first difference. */
function leakyEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe('constant-time checks (statistical)', () => {
  const expected = new Uint8Array(48).map((_, i) => i * 5 + 1);
  const early = expected.slice();
  early[0] ^= 1;
  const late = expected.slice();
  late[47] ^= 1;
  let sink = 0;

  it('the measurement catches an early-exit comparison (positive control)', () => {
    const t = measure((which) => {
      sink += leakyEqual(expected, which === 0 ? early : late) ? 1 : 0;
    }, 200);
    console.log(`early-exit compare: |t| = ${t.toFixed(1)}`);
    expect(t).toBeGreaterThan(THRESHOLD);
  });

  it('Finished / binder comparison: a first-byte and a last-byte mismatch take the same time', () => {
    const t = measure((which) => {
      sink += equalBytes(expected, which === 0 ? early : late) ? 1 : 0;
    }, 200);
    console.log(`equalBytes: |t| = ${t.toFixed(1)} (sink ${sink > 0})`);
    expect(t).toBeLessThan(THRESHOLD);
  });

  it('CBC (MAC-then-encrypt): bad padding and a bad MAC with good padding take the same time', () => {
    const key = new Uint8Array(16).fill(3);
    const macKey = new Uint8Array(20).fill(4);
    const writer = Tls12CbcProtection.create(nodeProvider, 'AES-128-CBC', key, 'SHA-1', macKey);
    const reader = Tls12CbcProtection.create(nodeProvider, 'AES-128-CBC', key, 'SHA-1', macKey);
    // One genuine record of 1,000 bytes; the two forgeries flip a ciphertext bit that lands in the
    // padding (bad padding) or in the data (good padding, bad MAC).
    const plaintext = new Uint8Array(1000).fill(7);
    const buffer = new Uint8Array(2048);
    buffer.set(plaintext, 5 + 16);
    const sealed = writer.seal(23, buffer, 0, plaintext.length) as number;
    const record = buffer.slice(0, sealed);
    const body = record.subarray(5);
    const badPadding = body.slice();
    badPadding[badPadding.length - 17] ^= 0x01; // previous block's last byte → padding byte of the last block
    const badMac = body.slice();
    badMac[40] ^= 0x01; // a data byte
    const work = new Uint8Array(body.length);
    const t = measure((which) => {
      work.set(which === 0 ? badPadding : badMac);
      try {
        reader.open(23, 0x0303, work, 0, work.length);
      } catch {
        sink++;
      }
    }, 4);
    console.log(`CBC bad padding vs bad MAC: |t| = ${t.toFixed(1)}`);
    expect(t).toBeLessThan(THRESHOLD);
  });

  it('tickets: a forged ticket fails in the same time as one under an unknown key', () => {
    const keys = [new Uint8Array(32).fill(9)];
    const state = {
      cipherSuite: 0x1301,
      psk: new Uint8Array(32).fill(1),
      ticketAgeAdd: 1,
      lifetime: 7200,
      issuedAt: 0,
      alpn: '',
      maxEarlyDataSize: 0,
    };
    const genuine = sealTicket(nodeProvider, keys[0] as Uint8Array, new Uint8Array(12).fill(2), state) as Uint8Array;
    const forged = genuine.slice();
    forged[20] ^= 0x80;
    const unknown = sealTicket(
      nodeProvider,
      new Uint8Array(32).fill(8),
      new Uint8Array(12).fill(2),
      state,
    ) as Uint8Array;
    expect(openTicket(nodeProvider, keys, forged)).toBeUndefined();
    expect(openTicket(nodeProvider, keys, unknown)).toBeUndefined();
    const t = measure((which) => {
      sink += openTicket(nodeProvider, keys, which === 0 ? forged : unknown) === undefined ? 1 : 0;
    }, 4);
    console.log(`ticket forged vs unknown: |t| = ${t.toFixed(1)}`);
    expect(t).toBeLessThan(THRESHOLD);
  });
});
