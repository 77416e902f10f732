// The same load run twice against one server process, with the server's figures after each round
// (all connections closed, three full GCs): what "back to baseline" is measured against.
//
// Why two rounds. After a round of 1,000 connections the server's RSS stays well above its start
// for node:tls as much as for ours (node:tls 46 → 147 MB, ours 72 → 136 MB in one run) while the
// JS heap comes back: glibc keeps freed pages (`malloc_trim(0)` called from gdb in the server
// brought node:tls back to 63 MB and ours to 104 MB) and V8 keeps its young generation grown to the
// semi-space maximum (with `--max-semi-space-size=1` ours came back to 73 MB after the trim).
// That memory is free, ready for the next round, so the baseline for RSS is the level after a
// first round: a second identical round must not add to it what a connection costs, while the JS
// heap and the handles must come back to where the server started.
import { expect } from 'vitest';
import type { EchoProcess, ServerStats } from './echo-server.js';
import { type LoadOptions, type LoadReport, runLoad } from './load.js';
import type { TestCa } from './peers.js';

export interface Round {
  readonly report: LoadReport;
  /** The server's figures once every connection of the round has closed, after three GCs. */
  readonly after: ServerStats;
}

/** Runs `load` `rounds` times in a row against `server`; waits after each for its TCP handles to go. */
export async function loadRounds(
  server: EchoProcess,
  ca: TestCa,
  load: LoadOptions,
  rounds: number,
  handlesTimeoutMs: number,
): Promise<Round[]> {
  const out: Round[] = [];
  for (let i = 0; i < rounds; i++) {
    const report = await runLoad(server.port, ca, load);
    await expect
      .poll(async () => (await server.stats()).tcpHandles, { timeout: handlesTimeoutMs, interval: 100 })
      .toBe(0);
    out.push({ report, after: await server.stats(true) });
  }
  return out;
}

/** What stayed after the rounds: JS heap against the start, RSS of the last round against the first. */
export function retained(
  baseline: ServerStats,
  rounds: readonly Round[],
): {
  heapGrowth: number;
  heapGrowthLastRound: number;
  rssGrowthLastRound: number;
  firstRoundRssRise: number;
} {
  const first = rounds[0]!.after;
  const last = rounds[rounds.length - 1]!.after;
  const beforeLast = rounds.length > 1 ? rounds[rounds.length - 2]!.after : baseline;
  return {
    heapGrowth: last.heapUsed - baseline.heapUsed,
    heapGrowthLastRound: last.heapUsed - beforeLast.heapUsed,
    rssGrowthLastRound: last.rss - first.rss,
    firstRoundRssRise: first.peakRss - baseline.rss,
  };
}
