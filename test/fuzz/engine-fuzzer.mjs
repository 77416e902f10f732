// `npm run fuzz -- --seconds N [--target client|server] [--seed S]`: coverage-guided fuzzing of the
// client and server engines, seeded with transcripts recorded from interop runs against openssl
// (test-vectors/transcripts). Runs on the built dist.
//
// Engine: Jazzer.js installs its native part from a binary download outside the npm registry, so
// this uses V8's own block coverage instead: node:inspector's Profiler.takePreciseCoverage after
// every input, and an input that reaches a new (block, hit-count bucket) pair joins the corpus.
//
// A finding is anything the engine must never do with hostile bytes: throw out of receive(),
// answer with internal_error (the peer's fault must get the precise alert), or hang. Findings are
// written to test/fuzz/findings/ and the run exits non-zero.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { ClientConnection, ServerConnection, ServerSessionCache } = await import(
  join(root, 'packages/handshake/dist/index.js')
);
const { nobleProvider } = await import(join(root, 'packages/suites/dist/index.js'));
// node:crypto does the arithmetic: the target is the engine's parsing and state machine, and a
// faster provider means more inputs per second (--provider noble to fuzz with the pure-JS one).
const provider =
  option('provider', 'node') === 'node'
    ? (await import(join(root, 'packages/provider-node/dist/index.js'))).nodeProvider
    : nobleProvider;
const { generateSelfSigned } = await import(join(root, 'packages/pkix/dist/index.js'));

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}
const seconds = Number(option('seconds', '60'));
const targets = option('target', 'client,server').split(',');
let rngState = BigInt(option('seed', String(Date.now())));

/** xorshift64*: reproducible with --seed. */
function rand(n) {
  rngState ^= rngState >> 12n;
  rngState ^= (rngState << 25n) & 0xffffffffffffffffn;
  rngState ^= rngState >> 27n;
  const out = (rngState * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
  return Number(out % BigInt(n));
}

// ---- seeds ----
const transcriptDir = join(root, 'test-vectors/transcripts');
const transcripts = readdirSync(transcriptDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(transcriptDir, f), 'utf8')));

function records(stream) {
  const out = [];
  let at = 0;
  while (at + 5 <= stream.length) {
    const length = (stream[at + 3] << 8) | stream[at + 4];
    const end = Math.min(stream.length, at + 5 + length);
    out.push(stream.subarray(at, end));
    at = end;
  }
  if (at < stream.length) out.push(stream.subarray(at));
  return out;
}

/** An input is the peer's byte stream as a list of records (the unit most mutations work on). */
function seedInputs(role) {
  return transcripts
    .filter((t) => t.role === role)
    .map((t) => records(new Uint8Array(Buffer.concat(t.received.map((h) => Buffer.from(h, 'hex'))))));
}

// ---- engines ----
const identity = await generateSelfSigned({ commonName: 'localhost' });
const ticketKey = new Uint8Array(32).fill(7);

function newEngine(role) {
  if (role === 'client') {
    return new ClientConnection({ provider, serverName: 'localhost', verifyPeer: false });
  }
  return new ServerConnection({
    provider,
    certificateChain: [identity.certificateDer],
    privateKey: identity.privateKey,
    ticketKeys: [ticketKey],
    sessionCache: new ServerSessionCache(),
    maxEarlyDataSize: 16384,
    earlyDataReplay: new Set(),
  });
}

class Finding extends Error {}

async function within(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Finding(`receive() did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs one input; throws a Finding for anything the engine must never do. */
async function execute(role, input) {
  const engine = newEngine(role);
  if (role === 'client') await engine.start();
  engine.takeOutput();
  for (const chunk of input) {
    let result;
    try {
      result = engine.receive(chunk);
      if (result !== undefined) await within(result, 2000);
    } catch (error) {
      if (error instanceof Finding) throw error;
      throw new Finding(`receive() threw ${error?.name}: ${error?.message}`);
    }
    engine.takeOutput();
    for (const event of engine.takeEvents()) {
      if (event.type === 'error') {
        const alert = event.error;
        if (alert.description === 'internal_error' && alert.sentByUs !== false) {
          const cause = alert.cause instanceof Error ? `${alert.cause.name}: ${alert.cause.stack}` : '';
          throw new Finding(`internal_error for the peer's bytes: ${alert.message} ${cause}`);
        }
        return;
      }
    }
  }
}

// ---- coverage ----
const session = new Session();
session.connect();
const post = (method, params = {}) =>
  new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
await post('Profiler.enable');
await post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
const wanted = /packages\/(handshake|record|suites|pkix)\/dist\//;
const totalRanges = new Set();

function bucket(count) {
  return count < 4 ? count : count < 8 ? 4 : count < 32 ? 5 : count < 128 ? 6 : 7;
}

async function coverage() {
  const { result } = await post('Profiler.takePreciseCoverage');
  const features = [];
  for (const script of result) {
    if (!wanted.test(script.url)) continue;
    const file = script.url.slice(script.url.indexOf('packages/'));
    for (const fn of script.functions) {
      for (const range of fn.ranges) {
        const key = `${file}:${range.startOffset}:${range.endOffset}`;
        totalRanges.add(key);
        if (range.count > 0) features.push(`${key}#${bucket(range.count)}`);
      }
    }
  }
  return features;
}

// ---- mutation ----
const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x3f, 0x40, 0x14, 0x15, 0x16, 0x17];

function mutate(input, corpus) {
  const records = input.map((r) => r.slice());
  const rounds = 1 + rand(4);
  for (let i = 0; i < rounds; i++) {
    if (records.length === 0) records.push(new Uint8Array(5));
    const at = rand(records.length);
    const rec = records[at];
    switch (rand(10)) {
      case 0: // flip a bit
        if (rec.length > 0) rec[rand(rec.length)] ^= 1 << rand(8);
        break;
      case 1: // an interesting byte
        if (rec.length > 0) rec[rand(rec.length)] = INTERESTING[rand(INTERESTING.length)];
        break;
      case 2: // a length field pushed to an edge (record header or a handshake/vector length)
        if (rec.length > 6) {
          const p = rand(rec.length - 1);
          const v = [0, 1, 0xffff, (rec[p] << 8) + rec[p + 1] + 1, (rec[p] << 8) + rec[p + 1] - 1][rand(5)];
          rec[p] = (v >> 8) & 0xff;
          rec[p + 1] = v & 0xff;
        }
        break;
      case 3: // drop a record
        records.splice(at, 1);
        break;
      case 4: // duplicate a record
        records.splice(at, 0, rec.slice());
        break;
      case 5: // swap two records
        {
          const b = rand(records.length);
          [records[at], records[b]] = [records[b], records[at]];
        }
        break;
      case 6: // a record from another input
        {
          const other = corpus[rand(corpus.length)].input;
          if (other.length > 0) records.splice(at, 0, other[rand(other.length)].slice());
        }
        break;
      case 7: // cut or extend a record's body and fix its header
        if (rec.length >= 5) {
          const body = rec.subarray(5);
          const keep = rand(body.length + 1);
          const extra = rand(2) === 0 ? 0 : rand(64);
          const out = new Uint8Array(5 + keep + extra);
          out.set(rec.subarray(0, 5));
          out.set(body.subarray(0, keep), 5);
          for (let k = 0; k < extra; k++) out[5 + keep + k] = rand(256);
          out[3] = ((keep + extra) >> 8) & 0xff;
          out[4] = (keep + extra) & 0xff;
          records[at] = out;
        }
        break;
      case 8: // change the record type
        if (rec.length > 0) rec[0] = [20, 21, 22, 23, 24, rand(256)][rand(6)];
        break;
      default: // split the stream differently: merge two records into one chunk
        if (at + 1 < records.length) {
          const merged = new Uint8Array(rec.length + records[at + 1].length);
          merged.set(rec);
          merged.set(records[at + 1], rec.length);
          records.splice(at, 2, merged);
        }
    }
  }
  return records;
}

// ---- the loop ----
const findingsDir = join(root, 'test/fuzz/findings');
const report = [];
let failed = 0;
for (const role of targets) {
  const seeds = seedInputs(role);
  if (seeds.length === 0) {
    console.log(`fuzz ${role}: no transcripts for this role in test-vectors/transcripts`);
    continue;
  }
  const seen = new Set();
  const corpus = [];
  const findings = new Map();
  let execs = 0;
  const consider = async (input, always) => {
    execs++;
    let finding;
    try {
      await execute(role, input);
    } catch (error) {
      if (!(error instanceof Finding)) throw error;
      finding = error.message;
    }
    const features = await coverage();
    let fresh = 0;
    for (const f of features) {
      if (!seen.has(f)) {
        seen.add(f);
        fresh++;
      }
    }
    if (fresh > 0 || always) corpus.push({ input, fresh });
    if (finding !== undefined) {
      const key = finding.split('\n')[0].slice(0, 160);
      if (!findings.has(key)) {
        findings.set(key, input);
        mkdirSync(findingsDir, { recursive: true });
        const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
        writeFileSync(
          join(findingsDir, `${role}-${hash}.json`),
          `${JSON.stringify({ role, finding, input: input.map((r) => Buffer.from(r).toString('hex')) }, null, 1)}\n`,
        );
        console.log(`FINDING ${role}: ${key}`);
      }
    }
  };
  const started = Date.now();
  for (const seed of seeds) await consider(seed, true);
  const seedFeatures = seen.size;
  const deadline = started + seconds * 1000;
  let lastReport = Date.now();
  while (Date.now() < deadline) {
    // Favour inputs that found more: pick the better of two random corpus entries.
    const a = corpus[rand(corpus.length)];
    const b = corpus[rand(corpus.length)];
    await consider(mutate((a.fresh >= b.fresh ? a : b).input, corpus), false);
    if (Date.now() - lastReport > 60_000) {
      lastReport = Date.now();
      console.log(`fuzz ${role}: ${execs} inputs, corpus ${corpus.length}, features ${seen.size}`);
    }
  }
  const covered = new Set([...seen].map((f) => f.slice(0, f.lastIndexOf('#'))));
  const line =
    `fuzz ${role}: ${execs} inputs in ${Math.round((Date.now() - started) / 1000)} s, ` +
    `${findings.size} findings, corpus ${corpus.length} (seeds ${seeds.length}), ` +
    `block coverage ${covered.size}/${totalRanges.size} ranges (${((100 * covered.size) / totalRanges.size).toFixed(1)} %), ` +
    `features ${seen.size} (seeds alone ${seedFeatures})`;
  report.push(line);
  console.log(line);
  failed += findings.size;
}
session.disconnect();
process.exit(failed === 0 ? 0 : 1);
