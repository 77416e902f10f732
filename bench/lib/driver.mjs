// `npm run bench [-- --quick] [-- --rounds N] [-- --only ID,...]`: the benchmark of issue #17.
// One process per stack (node:tls, lemon-tls, sslsocket with nodeProvider and webcryptoProvider),
// rows run interleaved: in every round each row takes one sample from each stack in turn (the order
// rotates per round), after a warm-up round that is not counted. Ratios to node:tls are taken round
// by round. Prints a Markdown table, writes bench/results/<date>-<machine>.json (every sample and the
// machine) and two SVG charts, and ends with the `record-layer ratio:` and `native ratios:` lines.
import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NOBLE_BOUND } from './aead-bound.mjs';
import { makeCertificates } from './certs.mjs';
import { writeRunCharts } from './charts.mjs';
import { machineInfo } from './machine.mjs';
import { rows as allRows, POOL_STACKS } from './rows.mjs';
import { pairedRatios, summary } from './stats.mjs';

/** The WebCrypto TLS clients on npm that sslsocket's WebCrypto client is compared with. */
const WEB_PEERS = ['subtls', '@reclaimprotocol/tls'];
const here = fileURLToPath(new URL('.', import.meta.url));
const benchDir = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => {
  const at = argv.indexOf(name);
  return at === -1 ? undefined : argv[at + 1];
};
const quick = flag('--quick');
const rounds = Number(option('--rounds') ?? (quick ? 2 : 5));
const only = option('--only')?.split(',');
const nodePath = process.env.BENCH_NODE ?? process.execPath;
// --baseline DIR: another checkout (built) whose sslsocket runs as one more stack in every row an
// sslsocket stack is in (the row's first: `sslsocket@baseline`, `sslsocket/webcrypto-client@baseline`,
// `sslsocket/noble@baseline`): before/after figures from the same interleaved rounds.
const baseline = option('--baseline');
// A sample that hangs (a stack stuck on a group it does not implement) costs this much per round:
// the slowest legitimate full-size sample takes a few seconds even on a loaded machine, and
// 5 rounds + warm-up of one hanging stack must leave the full run inside its 15 minutes.
const sampleTimeoutMs = quick ? 30_000 : 60_000;
// A fresh-process sample (the memory row: 1,000 sequential handshakes of one stack, lemon-tls's
// at a few dozen a second on a loaded machine) gets three times as long.
const freshTimeoutMs = 3 * sampleTimeoutMs;
const started = performance.now();

// ---- certificates (lib/certs.mjs: an ECDSA P-256 and an RSA-2048 self-signed certificate) ----
const certDir = makeCertificates();
const env = { ...process.env, BENCH_CERTS: certDir, ...(baseline === undefined ? {} : { BENCH_BASELINE: baseline }) };

// ---- stack workers ----
/**
 * Why a stack's process died, from the tail of its stderr: the error line of an uncaught exception
 * (a failed byte check thrown in a data listener lands there), not the `Node.js vNN` line Node
 * prints after it or the stack frames.
 */
function crashReason(stderr) {
  const lines = stderr
    .trim()
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('at ') && !/^Node\.js v\d/.test(line) && line !== '^');
  return lines.findLast((line) => /(Error|error)\b/.test(line)) ?? lines.at(-1) ?? 'no output';
}

class Worker {
  constructor(stack) {
    this.stack = stack;
    this.pending = new Map();
    this.nextId = 0;
    this.start();
  }

  start() {
    const child = fork(join(here, 'worker.mjs'), ['ipc', this.stack], {
      env,
      execPath: nodePath,
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    this.dead = false;
    this.stderr = '';
    // Every handler checks that its child is still the current one: a child killed after a timeout
    // exits while its replacement may already be running a sample.
    const current = () => child === this.child;
    child.stderr.on('data', (data) => {
      if (current()) this.stderr = (this.stderr + data).slice(-2000);
    });
    this.ready = new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', () => reject(new Error(`${this.stack} worker exited: ${crashReason(this.stderr)}`)));
    });
    this.ready.catch(() => undefined);
    child.on('message', (message) => {
      const entry = this.pending.get(message.id);
      if (entry === undefined) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) entry.reject(new Error(message.error));
      else entry.resolve(message.value);
    });
    // A message sent just as the child died: its exit (below) fails the sample.
    child.on('error', () => undefined);
    child.on('exit', () => {
      if (!current()) return;
      for (const entry of this.pending.values())
        entry.reject(new Error(`${this.stack} worker exited: ${crashReason(this.stderr)}`));
      this.pending.clear();
      this.dead = true;
    });
  }

  async run(task, args) {
    if (this.dead) this.start();
    await this.ready;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // A stack that hangs (e.g. a group it does not implement) is killed, and the next sample
        // in this process starts a fresh one (not the dying one, whose exit comes later).
        this.pending.delete(id);
        this.child.kill();
        this.dead = true;
        reject(new Error(`no result within ${sampleTimeoutMs / 1000} s`));
      }, sampleTimeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ id, task, args });
    });
  }

  stop() {
    this.child.kill();
  }
}

/** One sample in a fresh process (idle memory: each stack alone in its own process). */
function runFresh(stack, task, args) {
  const result = spawnSync(
    nodePath,
    ['--expose-gc', join(here, 'worker.mjs'), 'once', stack, task, JSON.stringify(args)],
    { env, encoding: 'utf8', timeout: freshTimeoutMs },
  );
  if (result.error?.code === 'ETIMEDOUT') throw new Error(`${stack}: no result within ${freshTimeoutMs / 1000} s`);
  if (result.status !== 0) throw new Error(`${stack}: ${crashReason(result.stderr ?? '')}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

// ---- the run ----
/** The sslsocket stack a row is about (the first one it lists), compared with its `@baseline` twin. */
const primarySslsocket = (row) => row.stacks.find((stack) => stack.startsWith('sslsocket'));
const rows = allRows(quick)
  .filter((row) => only === undefined || only.includes(row.id))
  .map((row) =>
    baseline !== undefined && primarySslsocket(row) !== undefined && !row.fresh
      ? { ...row, stacks: [...row.stacks, `${primarySslsocket(row)}@baseline`] }
      : row,
  );
if (only !== undefined && rows.length === 0 && !only.includes('record')) {
  console.error(
    `bench: no row matches --only ${only.join(',')} (rows: ${allRows(quick)
      .map((row) => row.id)
      .join(', ')})`,
  );
  process.exit(2);
}
const stacks = [...new Set(rows.flatMap((row) => row.stacks))];
/** The process a stack's samples run in: its own, or another stack's (rows.mjs `stackTasks`). */
const processOf = (row, stack) => row.stackTasks?.[stack]?.in ?? stack;
const processes = [...new Set(rows.flatMap((row) => row.stacks.map((stack) => processOf(row, stack))))];
const workers = new Map(processes.map((stack) => [stack, new Worker(stack)]));
const samples = new Map(rows.map((row) => [row.id, Object.fromEntries(row.stacks.map((stack) => [stack, []]))]));
/** Every failed sample (warm-up included): { row, stack, round, message }; see the failures list. */
const failures = [];
const totalSamples = rows.reduce((n, row) => n + row.stacks.length * (row.fresh ? rounds : rounds + 1), 0);
let doneSamples = 0;
const progress = (text) => {
  const elapsed = Math.round((performance.now() - started) / 1000);
  const line = `[${doneSamples}/${totalSamples} samples, ${Math.floor(elapsed / 60)}:${String(elapsed % 60).padStart(2, '0')}] ${text}`;
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`);
  else process.stderr.write(`${line}\n`);
};

for (let round = 0; round <= rounds; round++) {
  const warmUp = round === 0;
  for (const row of rows) {
    // A fresh process per sample has nothing to warm up.
    if (warmUp && row.fresh) continue;
    // The order of the stacks rotates from round to round, so none always runs first (or last).
    const order = row.stacks.map((_, i) => row.stacks[(i + round) % row.stacks.length]);
    for (const stack of order) {
      progress(`${warmUp ? 'warm-up' : `round ${round}/${rounds}`}: ${row.label} — ${stack}`);
      // The warm-up takes a smaller sample: it only has to load and compile the code.
      const args = warmUp && row.task === 'bulk' ? { ...row.args, bytes: row.args.bytes / 8 } : row.args;
      const task = row.stackTasks?.[stack]?.task ?? row.task;
      let value;
      try {
        value = row.fresh ? runFresh(stack, task, args) : await workers.get(processOf(row, stack)).run(task, args);
      } catch (error) {
        failures.push({ row: row.id, stack, round: warmUp ? 'warm-up' : round, message: error.message });
        value = null;
      }
      doneSamples++;
      if (!warmUp) samples.get(row.id)[stack].push(value);
    }
  }
}
for (const worker of workers.values()) worker.stop();
if (process.stderr.isTTY) process.stderr.write('\n');

// ---- record layer alone beside the raw AEAD (bench/record.mjs, its own process) ----
// Part of every run except an `--only` list that does not name `record`.
let recordLines = [];
if (only === undefined || only.includes('record')) {
  progress('record layer beside the raw AEAD');
  const recordRun = spawnSync(nodePath, ['--expose-gc', join(benchDir, 'record.mjs')], {
    env: { ...process.env, ...(quick ? { BENCH_ROUNDS: '2', BENCH_SECONDS: '0.02', BENCH_WARMUP: '0.01' } : {}) },
    encoding: 'utf8',
  });
  recordLines = recordRun.stdout.trim().split('\n');
}
if (process.stderr.isTTY) process.stderr.write('\n');
rmSync(certDir, { recursive: true, force: true });

// ---- figures ----
const fmt = (n, unit) => {
  if (unit === 'bytes') return n >= 10240 ? `${(n / 1024).toFixed(0)} KiB` : `${n.toFixed(0)} B`;
  if (unit === 'ms') return n.toFixed(1);
  return n >= 100 ? n.toFixed(0) : n.toFixed(1);
};
/** ` [n of N]` when some rounds gave no figure (failed samples, listed under the table). */
const partial = (s) => (s.n < rounds ? ` [${s.n} of ${rounds}]` : '');
const cell = (s, unit) =>
  s === undefined ? 'n/a' : `${fmt(s.median, unit)} (${fmt(s.min, unit)}–${fmt(s.max, unit)})${partial(s)}`;
const ratioCell = (s) =>
  s === undefined ? 'n/a' : `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})${partial(s)}`;
const results = rows.map((row) => {
  const perStack = samples.get(row.id);
  const figures = Object.fromEntries(
    Object.entries(perStack).map(([stack, values]) => [
      stack,
      {
        samples: values,
        summary: summary(values.map((v) => (row.task === 'memory' ? v?.rss : v))),
        // memory: the part of the resident set that is V8's young generation (lib/idle-memory.mjs).
        ...(row.task === 'memory' ? { young: summary(values.map((v) => v?.young)) } : {}),
      },
    ]),
  );
  const series = (stack) => (perStack[stack] ?? []).map((v) => (row.task === 'memory' ? (v?.rss ?? null) : v));
  const ratios = {};
  for (const stack of row.stacks) {
    if (stack === 'node:tls' || !row.stacks.includes('node:tls')) continue;
    ratios[`${stack} ÷ node:tls`] = summary(pairedRatios(series(stack), series('node:tls'), row.lowerIsBetter));
  }
  ratios['sslsocket ÷ lemon-tls'] = summary(pairedRatios(series('sslsocket'), series('lemon-tls'), row.lowerIsBetter));
  // The worker-pool stacks (rows.mjs POOL_STACKS) are compared with lemon-tls as sslsocket is.
  for (const stack of POOL_STACKS.filter((name) => row.stacks.includes(name) && row.stacks.includes('lemon-tls')))
    ratios[`${stack} ÷ lemon-tls`] = summary(pairedRatios(series(stack), series('lemon-tls'), row.lowerIsBetter));
  if (row.webTarget !== undefined) {
    // The best WebCrypto peer of each round: sslsocket's WebCrypto client ÷ the faster of them.
    const peers = WEB_PEERS.map(series);
    const best = peers[0].map((_, i) => {
      const values = peers.map((values) => values[i]).filter((v) => v !== null && v !== undefined);
      return values.length === 0 ? null : Math.max(...values);
    });
    ratios['webcrypto ÷ best WebCrypto peer'] = summary(
      pairedRatios(series('sslsocket/webcrypto-client'), best, row.lowerIsBetter),
    );
  }
  if (row.boundTarget !== undefined)
    ratios['noble ÷ seal+open bound'] = summary(pairedRatios(series('sslsocket/noble'), series(NOBLE_BOUND)));
  const primary = primarySslsocket(row);
  if (row.stacks.includes(`${primary}@baseline`))
    ratios['sslsocket ÷ baseline'] = summary(
      pairedRatios(series(primary), series(`${primary}@baseline`), row.lowerIsBetter),
    );
  return { ...row, figures, ratios };
});

/** The table's stack columns in this order; a stack a row adds that is not listed comes last. */
const COLUMN_ORDER = [
  'node:tls',
  'lemon-tls',
  'sslsocket',
  'sslsocket/webcrypto',
  'sslsocket/webcrypto-client',
  ...WEB_PEERS,
  'sslsocket/noble',
  NOBLE_BOUND,
  'node-forge',
  'sslsocket@baseline',
  'sslsocket/webcrypto-client@baseline',
  'sslsocket/noble@baseline',
];
// Every stack that ran gets a column: one missing from COLUMN_ORDER must not vanish from the table.
const shownStacks = [
  ...COLUMN_ORDER.filter((stack) => stacks.includes(stack)),
  ...stacks.filter((stack) => !COLUMN_ORDER.includes(stack)),
];
const machine = machineInfo(nodePath);
const ratioColumns = [
  'sslsocket ÷ node:tls',
  'sslsocket ÷ lemon-tls',
  ...(rows.some((row) => row.webTarget !== undefined) ? ['webcrypto ÷ best WebCrypto peer'] : []),
  ...(rows.some((row) => row.boundTarget !== undefined) ? ['noble ÷ seal+open bound'] : []),
  ...(baseline === undefined ? [] : ['sslsocket ÷ baseline']),
  ...POOL_STACKS.filter((stack) => stacks.includes(stack)).flatMap((stack) => [
    `${stack} ÷ node:tls`,
    `${stack} ÷ lemon-tls`,
  ]),
];
const header = ['test', 'unit', ...shownStacks, ...ratioColumns, 'target'];
const table = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
for (const row of results) {
  const target = [
    row.target === undefined ? undefined : `≥ ${row.target} × node:tls`,
    row.lemonTarget === undefined ? undefined : `≥ ${row.lemonTarget} × lemon`,
    row.webTarget === undefined ? undefined : `webcrypto ≥ ${row.webTarget} × best WebCrypto peer`,
    row.boundTarget === undefined ? undefined : `noble ≥ ${row.boundTarget} × its seal+open bound`,
  ]
    .filter(Boolean)
    .join(', ');
  table.push(
    `| ${row.label} | ${row.unit} | ${shownStacks.map((stack) => (row.stacks.includes(stack) ? cell(row.figures[stack]?.summary, row.unit) : '—')).join(' | ')} | ${ratioColumns.map((name) => ratioCell(row.ratios[name])).join(' | ')} | ${target || '—'} |`,
  );
}
const sizes = quick ? 'quick (smoke) sizes' : 'full sizes';
// #17's method is the median of at least 5 rounds: a table of fewer says so in its first line.
const fewRounds = rounds < 5 ? ' (fewer than the 5 of the method: a trial, not a figure to publish)' : '';
const caption = `${rounds} interleaved rounds${fewRounds} after a warm-up round, ${sizes}; cells: median (min–max) of the rounds; ratios taken round by round (time and memory: node:tls ÷ stack, so > 1 is better). Loopback TCP, both ends in one process unless noted; every received byte checked. Machine: ${machine.cpu}, ${machine.cores} cores, load average ${machine.loadAverage.map((n) => n.toFixed(1)).join(' ')} at the end; Node ${machine.node} (OpenSSL ${machine.nodeOpenssl}).`;
console.log(`\n${caption}\n`);
console.log(table.join('\n'));
// Failed samples, grouped by row, stack and message: they are the n/a cells and the `[n of N]` ones.
const failureGroups = new Map();
for (const failure of failures) {
  const key = `${failure.row} ${failure.stack}: ${failure.message}`;
  failureGroups.set(key, [...(failureGroups.get(key) ?? []), failure.round]);
}
if (failureGroups.size > 0) {
  console.log('\nFailed samples (n/a cells, and `[n of N]` where only some rounds failed):');
  for (const [key, when] of [...failureGroups].slice(0, 40))
    console.log(`- ${key} (${when.map((round) => (round === 'warm-up' ? round : `round ${round}`)).join(', ')})`);
}

if (recordLines.length > 0) {
  console.log('\nRecord layer alone beside the raw AEAD (bench/record.mjs):\n');
  for (const line of recordLines) console.log(line);
}

// ---- files ----
const date = new Date().toISOString().slice(0, 10);
// --out DIR: write the JSON and charts there instead of bench/results/ (trial runs that must not
// replace the published figures).
const resultsDir = option('--out') === undefined ? join(benchDir, 'results') : resolve(option('--out'));
mkdirSync(resultsDir, { recursive: true });
/** A results path as printed: relative to the repository when inside it. */
const shown = (dir) => {
  const inRepo = relative(join(benchDir, '..'), dir);
  return inRepo.startsWith('..') ? dir : inRepo;
};
const stem = `${date}-${machine.name}${machine.node.startsWith('v20.') ? '' : `-node${machine.node.split('.')[0].slice(1)}`}${baseline === undefined ? '' : '-baseline'}${quick ? '-quick' : ''}`;
const run = {
  date: new Date().toISOString(),
  quick,
  rounds,
  machine,
  stacks: shownStacks,
  rows: results.map(({ stacks: _s, ...row }) => row),
  errors: Object.fromEntries(failures.map((f) => [`${f.row} ${f.stack}`, f.message])),
  failures,
  recordLayer: recordLines,
};
writeFileSync(join(resultsDir, `${stem}.json`), `${JSON.stringify(run, null, 1)}\n`);
try {
  await writeRunCharts(run, join(resultsDir, stem));
  console.log(`\nwrote ${shown(resultsDir)}/${stem}.json, ${stem}-ratios.svg, ${stem}-bulk.svg`);
} catch (error) {
  console.log(`\nwrote ${shown(resultsDir)}/${stem}.json (charts failed: ${error.message})`);
}

// ---- the fixed summary lines ----
const recordRatio = recordLines.find((line) => line.startsWith('record-layer ratio: '));
if (recordRatio !== undefined) console.log(recordRatio);
const smallest = (group) => {
  const values = results
    .filter((row) => row.group === group)
    .map((row) => row.ratios['sslsocket ÷ node:tls']?.median)
    .filter((v) => v !== undefined);
  return values.length === 0 ? 'n/a' : Math.min(...values).toFixed(2);
};
// Which rows each figure of the fixed line is the smallest of (the line itself keeps its format).
const groupRows = (group) =>
  results
    .filter((row) => row.group === group && row.ratios['sslsocket ÷ node:tls'] !== undefined)
    .map((row) => row.id)
    .join(' ') || 'none';
console.log(
  `(native ratios over the rows: bulk ${groupRows('bulk')}; handshake ${groupRows('handshake')}; memory ${groupRows('memory')})`,
);
console.log(
  `native ratios: bulk ${smallest('bulk')}, handshake ${smallest('handshake')}, memory ${smallest('memory')}`,
);
const minutes = (performance.now() - started) / 60000;
console.log(`bench: ${minutes.toFixed(1)} minutes`);
// A failed sslsocket sample (or noble bound, our own code too) is a bug, ours or the bench's: the
// run fails. The peers' failures are their known limits (bench/README.md) and node:tls lacks
// X25519MLKEM768 before OpenSSL 3.5; those only read n/a.
const ownFailures = failures.filter(
  (failure) => failure.stack.startsWith('sslsocket') || failure.stack === NOBLE_BOUND,
);
if (ownFailures.length > 0) {
  console.log(`bench: ${ownFailures.length} sample(s) of sslsocket stacks failed (listed above)`);
  process.exitCode = 1;
}
