// Short benchmark: AES-128-GCM seal of 16 KiB records through nodeProvider's AeadKey versus a bare
// createCipheriv loop (the floor: no copy into a caller's buffer). Run after `npx tsc -b packages/provider-node`:
//   node packages/provider-node/bench-aead.mjs
import * as crypto from 'node:crypto';
import { nodeProvider } from './dist/index.js';

const RECORD = 16 * 1024;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const key = crypto.randomBytes(16);
const nonce = new Uint8Array(12);
const aad = new Uint8Array(13);
const plain = crypto.randomBytes(RECORD);

function measure(name, sealOnce) {
  for (let i = 0; i < 200; i++) sealOnce(i); // warm-up
  let n = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 50; i++) sealOnce(n++);
  }
  const mbps = (n * RECORD) / 1e6 / ((performance.now() - start) / 1000);
  console.log(`${name.padEnd(44)} ${mbps.toFixed(0).padStart(6)} MB/s`);
  return mbps;
}

const setCounter = (i) => new DataView(nonce.buffer).setUint32(8, i);

// 1. Through the provider: encrypt in place inside a record buffer (body + tag).
const aeadKey = nodeProvider.aead('AES-128-GCM', key);
const record = new Uint8Array(RECORD + 16);
record.set(plain);
// Sealing re-encrypts the previous ciphertext in place: same work, no refill copy the raw loop lacks.
const viaProvider = measure('nodeProvider AeadKey.seal (in place)', (i) => {
  setCounter(i);
  aeadKey.seal(nonce, aad, record, 0, RECORD);
});

// 2. Raw loop, raw key bytes, output left in node's Buffers (no copy into a caller's buffer).
const raw = measure('raw createCipheriv loop (Buffer key, no copy)', (i) => {
  setCounter(i);
  const c = crypto.createCipheriv('aes-128-gcm', key, nonce);
  c.setAAD(aad);
  c.update(plain);
  c.final();
  c.getAuthTag();
});

// 3. Raw loop with a KeyObject, to separate key import from the copy.
const keyObject = crypto.createSecretKey(key);
measure('raw createCipheriv loop (KeyObject, no copy)', (i) => {
  setCounter(i);
  const c = crypto.createCipheriv('aes-128-gcm', keyObject, nonce);
  c.setAAD(aad);
  c.update(plain);
  c.final();
  c.getAuthTag();
});

// 4. Alternative to update()+set: Buffer.concat of body and tag (one more allocation).
measure('alternative: Buffer.concat([update, tag])', (i) => {
  setCounter(i);
  const c = crypto.createCipheriv('aes-128-gcm', keyObject, nonce);
  c.setAAD(aad);
  const body = c.update(plain);
  c.final();
  Buffer.concat([body, c.getAuthTag()]);
});

// 5. Alternative input: a Buffer view over the caller's bytes instead of a Uint8Array subarray.
measure('alternative: Buffer view input + set', (i) => {
  setCounter(i);
  const c = crypto.createCipheriv('aes-128-gcm', keyObject, nonce);
  c.setAAD(aad);
  const body = c.update(Buffer.from(record.buffer, record.byteOffset, RECORD));
  c.final();
  record.set(body, 0);
  record.set(c.getAuthTag(), RECORD);
});

console.log(`ratio AeadKey / raw loop: ${(viaProvider / raw).toFixed(3)}`);
