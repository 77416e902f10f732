import { readFileSync, writeFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes.js';
import type { ConnectionConfig } from '../config.js';
import { ClientConnection, type Connection, ServerConnection } from '../connection.js';
import { baseClient, baseServer } from '../test/pair.js';

/** A reproducible byte stream: SHA-256(label || counter) blocks. */
function deterministic(label: string): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let at = 0; at < n; at += 32) {
      const block = sha256(new TextEncoder().encode(`${label}:${counter++}`));
      out.set(block.subarray(0, Math.min(32, n - at)), at);
    }
    return out;
  };
}

const fixedScalar = (side: string) => (group: string) =>
  group === 'x25519' ? sha256(new TextEncoder().encode(`${side} x25519 scalar`)) : undefined;

interface Flight {
  readonly from: 'client' | 'server';
  readonly hex: string;
}

function run(suite: string): Flight[] {
  const common: Partial<ConnectionConfig> = { versions: ['tlsv1.2'], cipherSuites: [suite], groups: ['x25519'] };
  const client = new ClientConnection(
    baseClient({ ...common, random: deterministic('client'), keyShareSecret: fixedScalar('client') as never }),
  );
  const server = new ServerConnection(
    baseServer({
      ...common,
      random: deterministic('server'),
      keyShareSecret: fixedScalar('server') as never,
      ticketKeys: [new Uint8Array(32).fill(0x42)],
      clock: { now: () => 1_700_000_000_000 },
    }),
  );
  const flights: Flight[] = [];
  const move = (from: Connection, to: Connection, name: 'client' | 'server'): boolean => {
    const out = from.takeOutput();
    if (out === null) return false;
    flights.push({ from: name, hex: toHex(out) });
    to.receive(out);
    return true;
  };
  client.start();
  for (let i = 0; i < 10; i++) {
    const a = move(client, server, 'client');
    const b = move(server, client, 'server');
    if (!a && !b) break;
  }
  client.write(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'));
  move(client, server, 'client');
  server.write(new TextEncoder().encode('HTTP/1.1 200 OK\r\n\r\n'));
  server.close();
  move(server, client, 'server');
  client.close();
  move(client, server, 'client');
  return flights;
}

const SUITES = ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384'];

describe('a full TLS 1.2 handshake with fixed randomness replays byte for byte', () => {
  it.each(SUITES)('%s', (suite) => {
    const file = new URL(`../../../../test-vectors/tls12/replay-${suite}.json`, import.meta.url);
    const flights = run(suite);
    if (process.env.SSLSOCKET_RECORD_VECTORS === '1') {
      writeFileSync(file, `${JSON.stringify({ suite, flights }, null, 1)}\n`);
    }
    const recorded = JSON.parse(readFileSync(file, 'utf8')) as { flights: Flight[] };
    expect(flights.length).toBeGreaterThanOrEqual(5);
    expect(flights).toEqual(recorded.flights);
  });
});
