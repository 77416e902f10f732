#!/usr/bin/env node
// Where a server process's CPU went, from a V8 .cpuprofile (node --cpu-prof): self time grouped by
// what ran — our packages (packages/<name>/), node:crypto's JavaScript side (the OpenSSL work it
// calls counts with it), other node internals, GC, idle — then the busiest functions.
//
// Usage: STRESS_CPU_PROF=/tmp/prof npm run test:stress   (writes one profile per server process)
//        node scripts/cpu-profile-split.mjs /tmp/prof/sslsocket/*.cpuprofile [--top 25] [--per 1100]
// --per N also prints the busy milliseconds per connection for N connections served.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const [value] = args.splice(at, 2).slice(1);
  return Number(value);
};
const top = option('--top', 25);
const per = option('--per', 0);
const [file] = args;
if (file === undefined) {
  console.error('usage: node scripts/cpu-profile-split.mjs FILE.cpuprofile [--top N] [--per CONNECTIONS]');
  process.exit(2);
}

const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
const selfTime = new Map();
profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

/** The group a frame's self time goes to; native frames go with their nearest JavaScript caller. */
function group(node) {
  const { functionName, url } = node.callFrame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'native (no JS frame)';
  const ours = /\/packages\/([^/]+)\//.exec(url);
  if (ours !== null) return `ours: ${ours[1]}`;
  if (url.startsWith('node:internal/crypto') || url === 'node:crypto') return 'node:crypto';
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/').slice(0, 2).join('/')}`;
  if (url === '') {
    let up = parents.get(node.id);
    while (up !== undefined && nodes.get(up).callFrame.url === '') up = parents.get(up);
    return up === undefined ? 'native' : group(nodes.get(up));
  }
  return `other: ${url.split('/').slice(-2).join('/')}`;
}

const groups = new Map();
const functions = new Map();
let total = 0;
for (const [id, time] of selfTime) {
  const node = nodes.get(id);
  const name = group(node);
  groups.set(name, (groups.get(name) ?? 0) + time);
  const { functionName, url, lineNumber } = node.callFrame;
  const where = `${name}  ${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
  functions.set(where, (functions.get(where) ?? 0) + time);
  total += time;
}
const idle = groups.get('idle') ?? 0;
const busy = total - idle;
const ms = (us) => (us / 1000).toFixed(0).padStart(7);
const share = (us) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
console.log(`profile ${ms(total).trim()} ms, idle ${ms(idle).trim()} ms, busy ${ms(busy).trim()} ms`);
if (per > 0) console.log(`busy per connection: ${(busy / 1000 / per).toFixed(2)} ms (${per} connections)`);
console.log('\nbusy time by group (share of busy):');
for (const [name, time] of [...groups].filter(([name]) => name !== 'idle').sort((a, b) => b[1] - a[1])) {
  if (time / busy < 0.002) continue;
  console.log(`${ms(time)} ms ${share(time)}  ${name}`);
}
console.log(`\nbusiest ${top} functions (self time):`);
for (const [where, time] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  if (where.startsWith('idle')) continue;
  console.log(`${ms(time)} ms  ${where}`);
}
