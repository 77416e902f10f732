// The rows of the benchmark table: what each measures, with which stacks, at which size, and the
// targets of issue #17 (ratios to node:tls computed round by round; higher is better everywhere:
// time and memory ratios are node:tls ÷ stack).
import { NOBLE_BOUND } from './aead-bound.mjs';

const tls13 = { version: '1.3', aead: 'AES-128-GCM', group: 'x25519', cert: 'ecdsa' };
const chacha = { ...tls13, aead: 'CHACHA20-POLY1305' };
const tls12 = { ...tls13, version: '1.2' };
const rsa = { ...tls13, cert: 'rsa' };
const hybrid = { ...tls13, group: 'X25519MLKEM768' };
// subtls offers P-256 key shares only (and WebCrypto has no X25519 in every browser).
const webTls13 = { ...tls13, group: 'secp256r1' };
// node-forge: TLS 1.0 with RSA key transport and AES-128-CBC-SHA is all it has.
const forgeTls10 = { version: '1.0', aead: 'AES-128-CBC', group: 'secp256r1', cert: 'rsa' };

const ALL = ['node:tls', 'lemon-tls', 'sslsocket', 'sslsocket/webcrypto'];
const NATIVE = ['node:tls', 'lemon-tls', 'sslsocket'];
/**
 * sslsocket with the node provider's records on 1 and 2 worker threads (createNodePoolProvider,
 * #17's "one connection on more than one core"): on the bulk rows beside sslsocket, with their own
 * ratios to node:tls and lemon-tls.
 */
export const POOL_STACKS = ['sslsocket/pool-1', 'sslsocket/pool-2'];
// Clients against a node:tls server: sslsocket's WebCrypto client beside the WebCrypto peers.
const WEBCRYPTO = ['node:tls', 'sslsocket/webcrypto-client', 'subtls', '@reclaimprotocol/tls'];
const FORGE = ['node:tls', 'node-forge'];
// sslsocket with nobleProvider at both ends, beside what noble's AEAD alone allows (aead-bound.mjs).
const NOBLE = ['sslsocket/noble', NOBLE_BOUND];
// lemon-tls 0.7 offers no X25519MLKEM768 (it hangs rather than refusing), and node:tls has it only
// where Node links OpenSSL ≥ 3.5 (Node 24): on Node 20 its cell reads n/a.

/**
 * @param {boolean} quick smoke sizes (`--quick`) or full ones
 * @returns the row list; `group` feeds the `native ratios:` line, `lemonTarget` the lemon-tls column,
 *   `webTarget` the WebCrypto peers' column, `boundTarget` the noble bound's; `stackTasks` gives
 *   some stacks a task other than `task` (the bound is computed, not a TLS connection) and the
 *   stack whose process runs it (the bound beside sslsocket/noble, same process, same JIT state).
 */
export function rows(quick) {
  const MiB = 1024 * 1024;
  const bulkBytes = quick ? 8 * MiB : 128 * MiB;
  // Pure-JavaScript AES runs at a few MB/s: 1/16 of the bulk size, but enough in --quick for the
  // warm-up sample (1/8 of it) to compile noble's code before the counted rounds.
  const nobleBytes = quick ? 2 * MiB : bulkBytes / 16;
  const bulk = (cfg, extra = {}) => ({ cfg, bytes: bulkBytes, writeSize: 256 * 1024, ...extra });
  const hs = (cfg, extra = {}) => ({ cfg, count: quick ? 20 : 200, seconds: quick ? 0.5 : 2, ...extra });
  const ttfb = (cfg, extra = {}) => ({ cfg, count: quick ? 3 : 15, ...extra });
  return [
    {
      id: 'bulk-aes',
      label: 'bulk TLS 1.3 AES-128-GCM',
      unit: 'MB/s',
      task: 'bulk',
      args: bulk(tls13),
      stacks: [...ALL, ...POOL_STACKS],
      group: 'bulk',
      target: 0.7,
      lemonTarget: 1.15,
    },
    {
      id: 'bulk-remote',
      label: 'bulk, server in its own process',
      unit: 'MB/s',
      task: 'bulk',
      args: bulk(tls13, { remote: true }),
      stacks: [...NATIVE, ...POOL_STACKS],
      group: 'bulk',
      target: 0.7,
      lemonTarget: 1.15,
    },
    {
      id: 'bulk-chacha',
      label: 'bulk TLS 1.3 ChaCha20-Poly1305',
      unit: 'MB/s',
      task: 'bulk',
      args: bulk(chacha),
      stacks: [...NATIVE, ...POOL_STACKS],
      group: 'bulk',
      target: 0.7,
      lemonTarget: 1.15,
    },
    {
      id: 'bulk-tls12',
      label: 'bulk TLS 1.2 ECDHE-ECDSA-AES128-GCM',
      unit: 'MB/s',
      task: 'bulk',
      args: bulk(tls12),
      stacks: [...NATIVE, ...POOL_STACKS],
      group: 'bulk',
      target: 0.7,
      lemonTarget: 1.15,
    },
    {
      id: 'bulk-1k',
      label: 'bulk TLS 1.3 AES-128-GCM, 1 KiB writes',
      unit: 'MB/s',
      task: 'bulk',
      args: bulk(tls13, { bytes: bulkBytes / 8, writeSize: 1024 }),
      stacks: NATIVE,
      group: 'bulk',
      target: 0.7,
      lemonTarget: 1.15,
    },
    {
      id: 'hs-13',
      label: 'full handshakes/s TLS 1.3 (ECDSA P-256, verified)',
      unit: 'hs/s',
      task: 'handshakes',
      args: hs(tls13),
      stacks: ALL,
      group: 'handshake',
      target: 0.8,
    },
    {
      id: 'hs-12',
      label: 'full handshakes/s TLS 1.2',
      unit: 'hs/s',
      task: 'handshakes',
      args: hs(tls12),
      stacks: NATIVE,
      group: 'handshake',
      target: 0.8,
    },
    {
      id: 'hs-13-resumed',
      label: 'resumed handshakes/s TLS 1.3',
      unit: 'hs/s',
      task: 'handshakes',
      args: hs(tls13, { resumed: true }),
      stacks: NATIVE,
      group: 'handshake',
      target: 0.8,
    },
    {
      id: 'hs-12-resumed',
      label: 'resumed handshakes/s TLS 1.2',
      unit: 'hs/s',
      task: 'handshakes',
      args: hs(tls12, { resumed: true }),
      stacks: NATIVE,
      group: 'handshake',
      target: 0.8,
    },
    {
      id: 'hs-13-rsa',
      label: 'full handshakes/s TLS 1.3, RSA-2048 certificate',
      unit: 'hs/s',
      task: 'handshakes',
      args: hs(rsa),
      stacks: NATIVE,
      target: 0.8,
    },
    {
      id: 'hs-13-mlkem',
      label: 'full handshakes/s TLS 1.3, X25519MLKEM768',
      unit: 'hs/s',
      task: 'handshakes',
      args: hs(hybrid),
      stacks: ['node:tls', 'sslsocket'],
      target: 0.8,
    },
    {
      id: 'bulk-webcrypto',
      label: 'bulk TLS 1.3 AES-128-GCM, WebCrypto clients (P-256) of a node:tls server',
      unit: 'MB/s',
      task: 'bulk',
      args: bulk(webTls13, { bytes: bulkBytes / 16 }),
      stacks: WEBCRYPTO,
      webTarget: 1.3,
    },
    {
      id: 'hs-13-webcrypto',
      label: 'full handshakes/s TLS 1.3, WebCrypto clients (P-256) of a node:tls server',
      unit: 'hs/s',
      task: 'handshakes',
      args: hs(webTls13, { count: quick ? 10 : 100 }),
      stacks: WEBCRYPTO,
      webTarget: 1.3,
    },
    {
      id: 'bulk-noble',
      label: 'bulk TLS 1.3 AES-128-GCM, nobleProvider both ends, beside its seal+open bound',
      unit: 'MB/s',
      task: 'bulk',
      stackTasks: { [NOBLE_BOUND]: { task: 'aeadBound', in: 'sslsocket/noble' } },
      args: bulk(tls13, { bytes: nobleBytes, transferOnly: true }),
      stacks: NOBLE,
      boundTarget: 0.8,
    },
    {
      id: 'bulk-noble-chacha',
      label: 'bulk TLS 1.3 ChaCha20-Poly1305, nobleProvider both ends, beside its seal+open bound',
      unit: 'MB/s',
      task: 'bulk',
      stackTasks: { [NOBLE_BOUND]: { task: 'aeadBound', in: 'sslsocket/noble' } },
      args: bulk(chacha, { bytes: nobleBytes, transferOnly: true }),
      stacks: NOBLE,
      boundTarget: 0.8,
    },
    {
      id: 'bulk-forge',
      label: 'bulk TLS 1.0 AES-128-CBC-SHA, RSA: node-forge (its only version and suite) as client of node:tls',
      unit: 'MB/s',
      task: 'bulk',
      args: bulk(forgeTls10, { bytes: bulkBytes / 32 }),
      stacks: FORGE,
    },
    {
      id: 'hs-forge',
      label: 'full handshakes/s TLS 1.0 RSA: node-forge as client of node:tls',
      unit: 'hs/s',
      task: 'handshakes',
      args: hs(forgeTls10, { count: quick ? 10 : 100 }),
      stacks: FORGE,
    },
    {
      id: 'ttfb',
      label: 'time to first byte, 1-RTT',
      unit: 'ms',
      lowerIsBetter: true,
      task: 'ttfb',
      args: ttfb(tls13),
      stacks: NATIVE,
    },
    {
      id: 'ttfb-resumed',
      label: 'time to first byte, resumed',
      unit: 'ms',
      lowerIsBetter: true,
      task: 'ttfb',
      args: ttfb(tls13, { resumed: true }),
      stacks: NATIVE,
    },
    {
      id: 'memory',
      label: 'memory per idle connection (RSS, own process)',
      unit: 'bytes',
      lowerIsBetter: true,
      task: 'memory',
      fresh: true,
      // 1,000: V8's young-generation growth during the burst of handshakes is a per-process cost
      // capped at its maximum semispace size; below ~1,000 it still swings the per-connection
      // figure by tens of KiB from run to run (bench/README.md, "The memory row").
      args: { cfg: tls13, count: quick ? 20 : 1000 },
      stacks: NATIVE,
      group: 'memory',
      target: 1,
    },
  ];
}
