// `npm run test:stress`: 1,000 concurrent good clients (node:tls, TLS 1.3 and 1.2 mixed, random
// write sizes, SHA-256 of every connection) beside 100 hostile connections, against our echo
// server and then against node:tls's under the same attack, two rounds each. Each server runs in a
// process of its own, so its memory and handles are its own. Every good client must complete with
// every byte echoed; the server's TCP handles and JS heap must come back to where it started, and
// its RSS must not grow from the first round to the second (test/support/server-rounds.ts says why
// that is the RSS baseline). Prints the figures.
import { afterEach, describe, expect, it } from 'vitest';
import { type EchoProcess, startEchoProcess } from '../support/echo-server.js';
import type { LoadReport } from '../support/load.js';
import { Cleanup, testCa } from '../support/peers.js';
import { loadRounds, type Round, retained } from '../support/server-rounds.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const GOOD = Number(process.env.STRESS_GOOD ?? 1000);
const HOSTILE = Number(process.env.STRESS_HOSTILE ?? 100);
const ROUNDS = 2;
const MB = 1024 * 1024;
const mb = (n: number): string => (n / MB).toFixed(1);

function line(name: string, report: LoadReport, served: number): string {
  return (
    `${name}: ${report.good}/${GOOD} good clients ok, ${report.failed.length} failed, ` +
    `${(report.bytesChecked / MB).toFixed(1)} MiB checked, ${served} connections served, ` +
    `handshake p50 ${report.p50.toFixed(0)} ms p99 ${report.p99.toFixed(0)} ms, ` +
    `wall ${(report.wallMs / 1000).toFixed(1)} s`
  );
}

function memoryLine(name: string, server: EchoProcess, rounds: readonly Round[]): string {
  const before = server.baseline;
  const last = rounds[rounds.length - 1]!.after;
  const afters = rounds.map((round) => mb(round.after.rss)).join(' / ');
  const delay = last.eventLoopDelayMs;
  return (
    `${name} memory: RSS before ${mb(before.rss)} MB, peak ${mb(last.peakRss)} MB, after ${afters} MB ` +
    `(round ${rounds.map((_, i) => i + 1).join(' / ')}); JS heap before ${mb(before.heapUsed)} MB, ` +
    `after ${rounds.map((round) => mb(round.after.heapUsed)).join(' / ')} MB; ` +
    `TCP handles before ${before.tcpHandles}, after ${last.tcpHandles}; timers after ${last.timers}; ` +
    `event-loop delay p99 ${delay.p99.toFixed(0)} ms max ${delay.max.toFixed(0)} ms`
  );
}

/** Two rounds of the load against `kind`'s server in its own process; prints its lines. */
async function serve(kind: 'sslsocket' | 'node', ca: Awaited<ReturnType<typeof testCa>>) {
  // Both servers get a 60 s handshake timeout: 1,100 handshakes at once on a shared 2-core machine
  // take seconds; the hostile ones end at their own 15 s cap. 1,100 connections at once exceed our
  // default maxConcurrentHandshakes (1024), which refuses the extra ones by design; this run
  // measures serving them all. maxPendingHellos keeps its default: a burst accepted in one busy
  // turn is held until it could be read (hello-gate.ts), so honest clients are not dropped.
  const options =
    kind === 'sslsocket'
      ? { handshakeTimeoutMs: 60_000, maxConcurrentHandshakes: 2048 }
      : { handshakeTimeoutMs: 60_000 };
  // STRESS_CPU_PROF=dir: each server process writes a V8 CPU profile to dir/<kind>/ when it exits
  // (scripts/cpu-profile-split.mjs reads it).
  const profileDir = process.env.STRESS_CPU_PROF;
  const execArgv = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${kind}`];
  const server = await startEchoProcess(kind, ca, options, { execArgv });
  cleanup.add(() => server.kill());
  const load = {
    good: GOOD,
    hostile: HOSTILE,
    concurrency: GOOD,
    bytesPerClient: 65_536,
    hostileCapMs: 15_000,
    rampMs: 1,
  };
  const rounds = await loadRounds(server, ca, load, ROUNDS, 20_000);
  await server.close();
  const name = kind === 'node' ? 'node:tls ' : 'sslsocket';
  let served = 0;
  for (const [i, round] of rounds.entries()) {
    console.log(line(i === 0 ? name : `${name} round ${i + 1}`, round.report, round.after.served - served));
    served = round.after.served;
  }
  if (kind === 'sslsocket') {
    console.log(
      `sslsocket handshake failures: ${JSON.stringify(rounds[0]!.after.failures)}; ` +
        `established connections ended by: ${JSON.stringify(rounds[0]!.after.ended)}; ` +
        `listener queue: ${JSON.stringify(rounds[0]!.after.queue)}`,
    );
  }
  console.log(memoryLine(name, server, rounds));
  return { server, rounds };
}

describe('load beside hostile peers (stress)', () => {
  it(`${GOOD} concurrent good clients and ${HOSTILE} hostile ones, two rounds: ours beside node:tls`, async () => {
    const ca = await testCa();
    const ours = await serve('sslsocket', ca);
    const node = await serve('node', ca);
    const first = (run: { rounds: Round[] }): LoadReport => run.rounds[0]!.report;
    console.log(
      `p99 handshake latency under attack: sslsocket ${first(ours).p99.toFixed(0)} ms, node:tls ${first(node).p99.toFixed(0)} ms`,
    );

    for (const round of ours.rounds) {
      expect(round.report.failed.slice(0, 5)).toEqual([]);
      expect(round.report.good).toBe(GOOD);
      expect(round.after.tcpHandles).toBe(0);
    }
    const kept = retained(ours.server.baseline, ours.rounds);
    // The JS heap comes back: what stays is bounded caches (the TLS 1.2 session-id store, at most
    // 1,000 entries, ~0.9 MB when full; compiled code ~1.2 MB), +2.4 to +3.8 MB measured.
    expect(kept.heapGrowth).toBeLessThan(8 * MB);
    // A second round fills the session store the rest of the way (+0.9 to +1.1 MB measured) and
    // nothing else: per-connection retention would show here, 1,100 connections at a time.
    expect(kept.heapGrowthLastRound).toBeLessThan(3 * MB);
    // RSS: the second round reuses what the first left in the allocator (+2 to +18 MB measured,
    // node:tls +7 to +41 MB); a server that kept what each connection used would add about the
    // whole first round's rise again.
    expect(kept.rssGrowthLastRound).toBeLessThan(kept.firstRoundRssRise / 2);
  });
});
