// `npm run bench -- record`: record-layer throughput next to the raw provider AEAD, same run.
// For each provider and AEAD, at 16 KiB and 1 KiB records: MB/s of the provider's seal/open on a
// reused buffer (the ceiling), and of RecordWriter/RecordReader doing the same work with framing,
// nonces and copies. Ends with `record-layer ratio: R`, the smallest record÷raw over the 16 KiB rows of
// the two engine providers of issue #3 (noble and webcrypto), then the same figure for nodeProvider
// (issue #10's target: the GCM and ChaCha20 rows) on a line of its own.
import { ContentType, RecordReader, RecordWriter, Tls13Protection } from '@sslsocket/record';
import * as suites from '@sslsocket/suites';

const seconds = Number(process.env.BENCH_SECONDS ?? 0.15);
/** Seconds each step runs before the measured rounds (JIT warm-up); the driver's --quick shortens it. */
const warmUpSeconds = Number(process.env.BENCH_WARMUP ?? 0.1);
let providers = [suites.nobleProvider];
if (suites.webcryptoProvider !== undefined) providers.push(suites.webcryptoProvider);
try {
  const { nodeProvider } = await import('@sslsocket/provider-node');
  if (nodeProvider !== undefined) providers.push(nodeProvider);
} catch {
  // provider-node not built: noble (and webcrypto) only.
}
// BENCH_PROVIDERS=webcrypto,node limits the run to some providers.
if (process.env.BENCH_PROVIDERS !== undefined) {
  const wanted = process.env.BENCH_PROVIDERS.split(',');
  providers = providers.filter((provider) => wanted.includes(provider.name));
}
const algorithms = [
  ['AES-128-GCM', 16],
  ['AES-256-GCM', 32],
  ['CHACHA20-POLY1305', 32],
  ['AES-128-CCM', 16],
];

const rounds = Number(process.env.BENCH_ROUNDS ?? 7);

/**
 * Runs the steps (each may return a Promise) in alternation, `count` rounds of `seconds` each after
 * a warm-up, and returns per step the MB/s of every round. Alternating raw and record-layer runs
 * exposes both to the same disturbances (WebCrypto's thread pool, a shared 2-core machine), so the
 * ratio is taken round by round between neighbouring runs, and the median of those ratios is kept:
 * one disturbed run moves neither the figures nor the ratio.
 */
async function measureAlternating(steps, bytes, count) {
  const runs = steps.map(() => []);
  for (const step of steps) await measureOnce(step, bytes, warmUpSeconds);
  for (let round = 0; round < count; round++) {
    for (const [i, step] of steps.entries()) runs[i].push(await measureOnce(step, bytes, seconds));
  }
  return runs;
}

async function measureOnce(step, bytes, duration) {
  for (let i = 0; i < 3; i++) await step();
  let count = 0;
  const start = performance.now();
  const deadline = start + duration * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 8; i++) {
      const result = step();
      if (result instanceof Promise) await result;
    }
    count += 8;
  }
  return (count * bytes) / ((performance.now() - start) / 1000) / 1e6;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median of the round-by-round ratios record ÷ raw. */
function pairedRatio(record, raw) {
  return median(record.map((value, i) => value / raw[i]));
}

const rows = [];
let ratio = Number.POSITIVE_INFINITY;
let nodeRatio = Number.POSITIVE_INFINITY;
for (const provider of providers) {
  for (const [algorithm, keyLength] of algorithms) {
    const key = new Uint8Array(keyLength).fill(7);
    const iv = new Uint8Array(12).fill(9);
    let aead;
    try {
      aead = provider.aead(algorithm, key);
    } catch {
      continue;
    }
    for (const size of [16384, 1024]) {
      const data = new Uint8Array(size).fill(0x61);
      const nonce = new Uint8Array(12);
      const aad = new Uint8Array(5);
      const buffer = new Uint8Array(size + 16);
      buffer.fill(0);
      await aead.seal(nonce, aad, buffer, 0, size);
      const sealed = buffer.slice();
      const rawSealStep = () => aead.seal(nonce, aad, buffer, 0, size);
      const rawOpenStep = () => {
        buffer.set(sealed);
        return aead.open(nonce, aad, buffer, 0, size + aead.tagLength);
      };

      const writer = new RecordWriter();
      writer.setProtection(Tls13Protection.create(provider, algorithm, key, iv));
      // The transport is done with the bytes at once here, so each buffer goes back to the writer.
      const recycle = () => writer.recycle(writer.takeOutput());
      const recordSealStep = () => {
        const pending = writer.writeRecords(ContentType.application_data, data);
        if (pending instanceof Promise) return pending.then(recycle);
        recycle();
      };

      // A long run of records sealed with the same keys, then opened in order by a reader.
      const sealer = new RecordWriter();
      sealer.setProtection(Tls13Protection.create(provider, algorithm, key, iv));
      const stream = [];
      for (let i = 0; i < 64; i++) {
        const pending = sealer.writeRecords(ContentType.application_data, data);
        if (pending instanceof Promise) await pending;
        stream.push(sealer.takeOutput());
      }
      let reader;
      let index = stream.length;
      const recordOpenStep = () => {
        if (index === stream.length) {
          reader = new RecordReader();
          reader.setProtection(Tls13Protection.create(provider, algorithm, key, iv));
          index = 0;
        }
        reader.feed(stream[index++]);
        return reader.next();
      };
      const runs = await measureAlternating(
        [rawSealStep, recordSealStep, rawOpenStep, recordOpenStep],
        size,
        size === 16384 ? rounds : Math.min(rounds, 3),
      );
      const [rawSeal, recordSeal, rawOpen, recordOpen] = runs.map(median);
      const rowRatio = Math.min(pairedRatio(runs[1], runs[0]), pairedRatio(runs[3], runs[2]));
      // Issue #10's node target names AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305 (not CCM).
      if (size === 16384 && provider.name === 'node') {
        if (algorithm !== 'AES-128-CCM') nodeRatio = Math.min(nodeRatio, rowRatio);
      } else if (size === 16384) ratio = Math.min(ratio, rowRatio);
      rows.push([provider.name, algorithm, `${size / 1024} KiB`, rawSeal, recordSeal, rawOpen, recordOpen, rowRatio]);
    }
  }
}

const header = ['provider', 'aead', 'record', 'raw seal', 'record seal', 'raw open', 'record open', 'ratio'];
const table = rows.map((row) =>
  row.map((cell, i) => (i >= 3 && i <= 6 ? cell.toFixed(1) : i === 7 ? cell.toFixed(3) : String(cell))),
);
const widths = header.map((title, i) => Math.max(title.length, ...table.map((row) => row[i].length)));
const line = (cells) => cells.map((cell, i) => (i >= 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ');
console.log(
  `MB/s (median of ${rounds} alternating runs), AEAD seal/open alone (raw) and through the record layer (record); ratio: median of the run-by-run record ÷ raw, the smaller of seal and open`,
);
console.log(line(header));
for (const row of table) console.log(line(row));
console.log(`record-layer ratio: ${ratio.toFixed(3)}`);
if (Number.isFinite(nodeRatio)) console.log(`record-layer ratio (node): ${nodeRatio.toFixed(3)}`);
