import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AeadAlgorithm, type AeadKey, isPromiseLike } from '@sslsocket/suites';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createAeadKey } from './aead.js';
import { AeadPool, WorkerPoolError } from './aead-pool.js';
import { createPoolAeadKey } from './aead-pool-key.js';
import { createNodePoolProvider } from './pool-provider.js';

// The worker script runs from dist/ (tests run the sources, workers cannot): `npm test` builds first.

const AEADS: [AeadAlgorithm, number][] = [
  ['AES-128-GCM', 16],
  ['AES-256-GCM', 32],
  ['CHACHA20-POLY1305', 32],
  ['AES-128-CCM', 16],
  ['AES-256-CCM', 32],
  ['AES-128-CCM-8', 16],
  ['AES-256-CCM-8', 32],
];

/** Every record goes to the workers (minBytes 0); maxQueued is high so none is done here instead. */
const pool = new AeadPool({ workers: 2, slots: 64, maxQueued: 64, spinMicros: 0 });
afterAll(async () => {
  await pool.close();
});

/** Seals `plain` with `key`, awaiting when the key returns a Promise. */
async function seal(key: AeadKey, nonce: Uint8Array, aad: Uint8Array, plain: Uint8Array): Promise<Uint8Array> {
  const buffer = new Uint8Array(plain.length + key.tagLength);
  buffer.set(plain);
  await key.seal(nonce, aad, buffer, 0, plain.length);
  return buffer;
}

/** A pattern of `length` bytes that depends on `seed` (a view of a precomputed table: fast). */
const PATTERN = Uint8Array.from({ length: 16384 + 512 + 256 }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
const bytes = (length: number, seed: number): Uint8Array => PATTERN.slice(seed & 0xff, (seed & 0xff) + length);

/** Byte equality without vitest's element-by-element deep compare (slow on 16 KiB arrays). */
function same(actual: Uint8Array | null | undefined, expected: Uint8Array): boolean {
  return actual instanceof Uint8Array && Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected);
}

describe('pool AEAD keys give the synchronous node provider’s results', () => {
  for (const [algorithm, keyLength] of AEADS) {
    it(`${algorithm}: seal, sealTo, open and openDetached, 0..16 KiB + 256 bytes`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ minLength: keyLength, maxLength: keyLength }),
          fc.uint8Array({ minLength: 12, maxLength: 12 }),
          fc.uint8Array({ maxLength: 13 }),
          fc.integer({ min: 0, max: 16384 + 256 - 16 }),
          fc.integer({ min: 0, max: 3 }),
          async (rawKey, nonce, aad, length, trailerLength) => {
            const sync = createAeadKey(algorithm, rawKey);
            const pooled = createPoolAeadKey(pool, algorithm, rawKey, 0);
            const plain = bytes(length, rawKey[0] as number);
            const expected = await seal(sync, nonce, aad, plain);
            // seal in place: a Promise (the record went to a worker), same bytes.
            const buffer = new Uint8Array(length + pooled.tagLength);
            buffer.set(plain);
            const sealing = pooled.seal(nonce, aad, buffer, 0, length);
            expect(isPromiseLike(sealing)).toBe(true);
            await sealing;
            expect(same(buffer, expected)).toBe(true);
            // sealTo with a trailer (TLS 1.3's inner content type), into an output at an offset.
            const trailer = bytes(trailerLength, 7);
            const withTrailer = new Uint8Array(length + trailerLength);
            withTrailer.set(plain);
            withTrailer.set(trailer, length);
            const expectedTo = await seal(sync, nonce, aad, withTrailer);
            const output = new Uint8Array(expectedTo.length + 9);
            await pooled.sealTo?.(nonce, aad, plain, trailerLength > 0 ? trailer : undefined, output, 9);
            expect(same(output.subarray(9), expectedTo)).toBe(true);
            // openDetached: a fresh, unshared array; the input is left as it was.
            const record = new Uint8Array(expected.length + 5);
            record.set(expected, 5);
            const opened = await pooled.openDetached?.(nonce, aad, record, 5, expected.length);
            expect(same(opened, plain)).toBe(true);
            expect(opened?.buffer).toBeInstanceOf(ArrayBuffer);
            expect(same(record.subarray(5), expected)).toBe(true);
            // open in place.
            expect(await pooled.open(nonce, aad, record, 5, expected.length)).toBe(true);
            expect(same(record.subarray(5, 5 + length), plain)).toBe(true);
          },
        ),
        { numRuns: 40 },
      );
    });
  }

  it('a tampered record, tag or AAD fails as with the synchronous key: false / null, never a throw', async () => {
    const rawKey = bytes(16, 3);
    const sync = createAeadKey('AES-128-GCM', rawKey);
    const pooled = createPoolAeadKey(pool, 'AES-128-GCM', rawKey, 0);
    const nonce = bytes(12, 9);
    const aad = bytes(5, 1);
    const sealed = await seal(sync, nonce, aad, bytes(16384, 5));
    for (const [what, at] of [
      ['ciphertext', 100],
      ['tag', sealed.length - 1],
    ] as const) {
      const forged = sealed.slice();
      forged[at] = (forged[at] as number) ^ 1;
      expect(await pooled.openDetached?.(nonce, aad, forged, 0, forged.length), what).toBeNull();
      expect(await pooled.open(nonce, aad, forged.slice(), 0, forged.length), what).toBe(false);
      expect(sync.openDetached?.(nonce, aad, forged, 0, forged.length), what).toBeNull();
    }
    const otherAad = aad.slice();
    otherAad[0] ^= 1;
    expect(await pooled.openDetached?.(nonce, otherAad, sealed, 0, sealed.length)).toBeNull();
    // Shorter than a tag: no worker involved, the same answer.
    expect(await pooled.openDetached?.(nonce, aad, sealed, 0, 10)).toBeNull();
  });

  it('many records at once finish in any order, each with its own result; inputs may be reused at once', async () => {
    const rawKey = bytes(32, 4);
    const sync = createAeadKey('CHACHA20-POLY1305', rawKey);
    const pooled = createPoolAeadKey(pool, 'CHACHA20-POLY1305', rawKey, 0);
    const nonce = new Uint8Array(12);
    const aad = new Uint8Array(5);
    const count = 200;
    const expected: Uint8Array[] = [];
    const pending: Promise<void>[] = [];
    const outputs: Uint8Array[] = [];
    const plain = new Uint8Array(16384);
    for (let i = 0; i < count; i++) {
      // The same nonce, AAD and input arrays are rewritten for every record: the key copies them.
      nonce[11] = i;
      nonce[10] = i >> 8;
      aad[4] = i;
      const length = 1000 + ((i * 7919) % 15000);
      plain.set(bytes(length, i));
      expected.push(await seal(sync, nonce, aad, plain.subarray(0, length)));
      const output = new Uint8Array(length + 16);
      outputs.push(output);
      const result = pooled.sealTo?.(nonce, aad, plain.subarray(0, length), undefined, output, 0);
      if (isPromiseLike(result)) pending.push(result);
    }
    await Promise.all(pending);
    for (let i = 0; i < count; i++) expect(same(outputs[i], expected[i] as Uint8Array), `record ${i}`).toBe(true);
    const opened = await Promise.all(
      expected.map((sealed, i) => {
        nonce[11] = i;
        nonce[10] = i >> 8;
        aad[4] = i;
        return pooled.openDetached?.(nonce, aad, sealed, 0, sealed.length);
      }),
    );
    for (let i = 0; i < count; i++) {
      expect(same(opened[i], bytes((expected[i] as Uint8Array).length - 16, i)), `record ${i}`).toBe(true);
    }
  });
});

describe('pool failures', () => {
  it('a worker that dies rejects the records in flight with WorkerPoolError; later records run here', async () => {
    const rawKey = bytes(16, 6);
    const sync = createAeadKey('AES-128-GCM', rawKey);
    const nonce = bytes(12, 2);
    const aad = bytes(5, 2);
    const plain = bytes(16384, 1);
    const expected = await seal(sync, nonce, aad, plain);
    let rejected = 0;
    // A worker finishes a record in ~20 µs: terminating it at once leaves some in flight. A few
    // tries make a run where the worker finished all 64 before it stopped (never seen) harmless.
    for (let attempt = 0; attempt < 5 && rejected === 0; attempt++) {
      const dying = new AeadPool({ workers: 1, slots: 64, maxQueued: 64, spinMicros: 0 });
      const key = createPoolAeadKey(dying, 'AES-128-GCM', rawKey, 0);
      const buffers = Array.from({ length: 64 }, () => plain.slice());
      const results = buffers.map((buffer) => key.seal(nonce, aad, buffer, 0, plain.length));
      void dying.workers[0]?.terminate();
      const settled = await Promise.allSettled(results);
      settled.forEach((outcome, i) => {
        if (outcome.status === 'fulfilled') {
          // A record that finished before the worker stopped is complete and correct.
          const sealed = new Uint8Array(plain.length + 16);
          sealed.set((buffers[i] as Uint8Array).subarray(0, plain.length + 16));
          expect(same(sealed, expected)).toBe(true);
        } else {
          rejected++;
          expect(outcome.reason).toBeInstanceOf(WorkerPoolError);
          expect((outcome.reason as WorkerPoolError).reason).toBe('worker-exit');
        }
      });
      expect(dying.usable).toBe(false);
      expect(dying.error?.reason).toBe('worker-exit');
      // The key goes on without workers, synchronously, with the same results.
      const buffer = new Uint8Array(plain.length + 16);
      buffer.set(plain);
      expect(key.seal(nonce, aad, buffer, 0, plain.length)).toBeUndefined();
      expect(same(buffer, expected)).toBe(true);
    }
    expect(rejected).toBeGreaterThan(0);
  });

  it('destroy() rejects records in flight with WorkerPoolError("destroyed"); close() lets them finish', async () => {
    const rawKey = bytes(16, 8);
    const nonce = bytes(12, 3);
    const aad = bytes(5, 3);
    const plain = bytes(16384, 2);
    const closing = new AeadPool({ workers: 1, slots: 16, maxQueued: 16, spinMicros: 0 });
    const key = createPoolAeadKey(closing, 'AES-128-GCM', rawKey, 0);
    const sealed = Array.from({ length: 16 }, () => key.seal(nonce, aad, plain.slice(), 0, 16384 - 16));
    await closing.close();
    // close() waited for every record: all fulfilled.
    expect((await Promise.allSettled(sealed)).every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    const destroyed = new AeadPool({ workers: 1, slots: 16, maxQueued: 16, spinMicros: 0 });
    const other = createPoolAeadKey(destroyed, 'AES-128-GCM', rawKey, 0);
    const inFlight = Array.from({ length: 16 }, () => other.seal(nonce, aad, plain.slice(), 0, 16384 - 16));
    destroyed.destroy();
    for (const outcome of await Promise.allSettled(inFlight)) {
      if (outcome.status === 'rejected') expect((outcome.reason as WorkerPoolError).reason).toBe('destroyed');
    }
    expect(destroyed.usable).toBe(false);
  });

  it('option values that are not integers in range throw RangeError before any worker starts', () => {
    for (const bad of [
      { workers: 0 },
      { workers: Number.NaN },
      { workers: 1.5 },
      { slots: -1 },
      { slots: 1 << 20 },
      { minBytes: -1 },
      { spinMicros: Number.POSITIVE_INFINITY },
      { maxQueued: 0 },
    ])
      expect(() => createNodePoolProvider(bad), JSON.stringify(bad)).toThrow(RangeError);
  });

  it('records below minBytes stay on the calling thread, synchronous', () => {
    const provider = createNodePoolProvider({ workers: 1, minBytes: 4096 });
    const key = provider.aead('AES-128-GCM', bytes(16, 1));
    const buffer = new Uint8Array(1000 + 16);
    expect(key.seal(bytes(12, 1), bytes(5, 1), buffer, 0, 1000)).toBeUndefined();
    expect(provider.name).toBe('node-pool');
    return provider.close();
  });

  it('a process that used the pool and did not close it exits on its own (the workers are unref()ed)', () => {
    const index = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `
      import { createNodePoolProvider } from ${JSON.stringify(index)};
      const provider = createNodePoolProvider({ workers: 2, minBytes: 0 });
      const key = provider.aead('AES-128-GCM', new Uint8Array(16));
      const buffer = new Uint8Array(16384 + 16);
      const result = key.seal(new Uint8Array(12), new Uint8Array(5), buffer, 0, 16384);
      // While the record is in a worker the process is kept alive; the result still arrives.
      result.then(() => console.log('sealed', buffer[0] !== 0 || buffer[1] !== 0));
    `;
    const file = join(mkdtempSync(join(tmpdir(), 'sslsocket-pool-')), 'exit.mjs');
    writeFileSync(file, script);
    const child = spawnSync(process.execPath, [file], { timeout: 20_000, encoding: 'utf8' });
    rmSync(dirname(file), { recursive: true, force: true });
    expect(child.error).toBeUndefined();
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('sealed true');
    expect(child.status).toBe(0);
  });
});
