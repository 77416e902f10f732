// The `memory` row's sample: what N idle established connections cost the process that holds them,
// counted as the operating system counts it (resident set), the same way for every stack.
import { getHeapSpaceStatistics } from 'node:v8';

/** Three full collections with a pause between them (finalizers and weak callbacks run). */
async function settle() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function memoryNow() {
  await settle();
  const usage = process.memoryUsage();
  // V8's young generation (semispaces + new large objects), resident bytes: part of `rss`.
  const young = getHeapSpaceStatistics()
    .filter((space) => space.space_name === 'new_space' || space.space_name === 'new_large_object_space')
    .reduce((sum, space) => sum + space.physical_space_size, 0);
  return { js: usage.heapUsed + usage.arrayBuffers, rss: usage.rss, young };
}

/**
 * Resident-set growth per idle established connection, client and server side both in this
 * process, post-handshake tickets received; run in a fresh process per sample (the driver's
 * `fresh` rows), after one warm-up connection, with a full GC before and after.
 *
 * Returns bytes per connection:
 *  - `rss`: the whole resident-set growth, nothing left out. This is the row's figure.
 *  - `young`: the part of `rss` that is V8's young generation. While many objects survive
 *    scavenges (every connection's state does once, on its way to the old generation) V8 doubles
 *    the semispaces, up to --max-semi-space-size (16 MiB each on Node 20): a cost that grows with the
 *    count until that cap, then stays. A stack that keeps less per connection grows it less. V8
 *    gives it back once the process has gone idle (its memory reducer, seconds to tens of seconds
 *    later), which this sample does not wait for.
 *  - `js`: V8 heap used + ArrayBuffer backing stores (node:tls keeps most of a connection in
 *    OpenSSL's malloc, which only `rss` sees).
 */
export async function idleMemory(stack, { cfg, count }) {
  const servers = [];
  const server = await stack.createServer(cfg, (connection) => servers.push(connection));
  // One connection first, so code loading and first-use caches are not counted per connection.
  (await stack.connect(server.port, cfg)).destroy();
  const before = await memoryNow();
  const clients = [];
  for (let i = 0; i < count; i++) clients.push(await stack.connect(server.port, cfg));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const after = await memoryNow();
  if (servers.length < count) throw new Error(`${stack.name}: only ${servers.length} of ${count} accepted`);
  for (const connection of [...clients, ...servers]) connection.destroy();
  await server.close();
  return {
    rss: (after.rss - before.rss) / count,
    young: (after.young - before.young) / count,
    js: (after.js - before.js) / count,
  };
}
