// `npm run bench -- crypto`: AEAD seal/open throughput of each provider at 16 KiB and 1 KiB, and
// WebCrypto with 8 seals in flight (how the record layer pipelines an asynchronous provider).
import * as suites from '@sslsocket/suites';

const seconds = Number(process.env.BENCH_SECONDS ?? 0.3);
const providers = [suites.nobleProvider, suites.webcryptoProvider];
try {
  const { nodeProvider } = await import('@sslsocket/provider-node');
  if (nodeProvider !== undefined) providers.push(nodeProvider);
} catch {
  // provider-node not built.
}
const algorithms = [
  ['AES-128-GCM', 16],
  ['AES-256-GCM', 32],
  ['CHACHA20-POLY1305', 32],
  ['AES-128-CCM', 16],
  ['AES-128-CCM-8', 16],
];

async function rate(step, bytes, inFlight = 1) {
  for (let i = 0; i < 4; i++) await step();
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    const batch = [];
    for (let i = 0; i < inFlight; i++) batch.push(step());
    if (batch[0] instanceof Promise) await Promise.all(batch);
    count += inFlight;
  }
  return (count * bytes) / ((performance.now() - start) / 1000) / 1e6;
}

const rows = [];
for (const provider of providers) {
  for (const [algorithm, keyLength] of algorithms) {
    const key = provider.aead(algorithm, new Uint8Array(keyLength).fill(3));
    for (const size of [16384, 1024]) {
      const nonce = new Uint8Array(12);
      const aad = new Uint8Array(13);
      const buffers = Array.from({ length: 8 }, () => new Uint8Array(size + 16));
      let next = 0;
      const seal = () => key.seal(nonce, aad, buffers[next++ % 8], 0, size);
      const sealRate = await rate(seal, size);
      const sealed = new Uint8Array(size + 16);
      await key.seal(nonce, aad, sealed, 0, size);
      const open = () => {
        const buffer = buffers[next++ % 8];
        buffer.set(sealed);
        return key.open(nonce, aad, buffer, 0, size + key.tagLength);
      };
      const openRate = await rate(open, size);
      const pipelined = provider.name === 'webcrypto' && size === 16384 ? await rate(seal, size, 8) : undefined;
      rows.push([provider.name, algorithm, `${size / 1024} KiB`, sealRate, openRate, pipelined]);
    }
  }
}
console.log('AEAD MB/s per provider (seal and open in place; "8 in flight" = 8 concurrent seals)');
console.log(
  `${'provider'.padEnd(10)}${'aead'.padEnd(19)}${'size'.padEnd(8)}${'seal'.padStart(9)}${'open'.padStart(9)}${'8 in flight'.padStart(13)}`,
);
for (const [provider, algorithm, size, sealRate, openRate, pipelined] of rows) {
  console.log(
    `${provider.padEnd(10)}${algorithm.padEnd(19)}${size.padEnd(8)}${sealRate.toFixed(1).padStart(9)}${openRate.toFixed(1).padStart(9)}${(pipelined === undefined ? '' : pipelined.toFixed(1)).padStart(13)}`,
  );
}
