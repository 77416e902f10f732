// Test helpers: an Ed25519 identity with a minimal self-made certificate, and an in-memory pump.
import { ed25519 } from '@noble/curves/ed25519.js';
import { nobleProvider, type PrivateKey } from '@sslsocket/suites';
import type { ConnectionConfig } from '../config.js';
import { ClientConnection, type Connection, ServerConnection } from '../connection.js';
import type { ConnectionCore } from '../core.js';

function der(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    body.set(p, at);
    at += p.length;
  }
  const len = body.length < 128 ? [body.length] : [0x81, body.length];
  return Uint8Array.of(tag, ...len, ...body);
}

/**
 * An Ed25519 key and a structurally valid (unsigned) X.509 certificate carrying its SPKI: enough
 * for pinned-certificate verification, which only compares bytes and reads the key.
 */
export function makeIdentity(seedByte = 1): { cert: Uint8Array; key: PrivateKey } {
  const seed = new Uint8Array(32).fill(seedByte);
  const pub = ed25519.getPublicKey(seed);
  const spki = der(0x30, der(0x30, Uint8Array.of(0x06, 0x03, 0x2b, 0x65, 0x70)), der(0x03, Uint8Array.of(0), pub));
  const empty = der(0x30);
  const tbs = der(
    0x30,
    der(0xa0, Uint8Array.of(2, 1, 2)),
    Uint8Array.of(2, 1, seedByte),
    empty,
    empty,
    empty,
    empty,
    spki,
  );
  const cert = der(0x30, tbs, der(0x30, Uint8Array.of(0x06, 0x03, 0x2b, 0x65, 0x70)), der(0x03, Uint8Array.of(0)));
  return { cert, key: { kind: 'ed25519', seed, key: pub } };
}

export const serverId = makeIdentity(1);
export const clientId = makeIdentity(2);

export function baseClient(extra: Partial<ConnectionConfig> = {}): ConnectionConfig {
  return { provider: nobleProvider, serverName: 'example.test', pinnedCertificate: serverId.cert, ...extra };
}

export function baseServer(extra: Partial<ConnectionConfig> = {}): ConnectionConfig {
  return { provider: nobleProvider, certificateChain: [serverId.cert], privateKey: serverId.key, ...extra };
}

/** Moves bytes both ways until neither side has output. */
export function pump(a: Connection, b: Connection, rounds = 20): void {
  for (let i = 0; i < rounds; i++) {
    const x = a.takeOutput();
    if (x !== null) b.receive(x);
    const y = b.takeOutput();
    if (y !== null) a.receive(y);
    if (x === null && y === null) return;
  }
}

/** {@link pump} for connections whose steps may wait on Promises (async providers or stores). */
export async function pumpAsync(a: Connection, b: Connection): Promise<void> {
  for (let i = 0; i < 30; i++) {
    await a.settle();
    await b.settle();
    const x = a.takeOutput();
    if (x !== null) await b.receive(x);
    await b.settle();
    const y = b.takeOutput();
    if (y !== null) await a.receive(y);
    if (x === null && y === null) return;
  }
}

export function connect(clientExtra: Partial<ConnectionConfig> = {}, serverExtra: Partial<ConnectionConfig> = {}) {
  const client = new ClientConnection(baseClient(clientExtra));
  const server = new ServerConnection(baseServer(serverExtra));
  client.start();
  pump(client, server);
  return { client, server };
}

/** The engine core behind a Connection (tests only). */
export function coreOf(conn: Connection): ConnectionCore {
  return (conn as unknown as { core: ConnectionCore }).core;
}

/**
 * Rewrites the `type` handshake messages `conn` sends (flight or post-handshake) with `mutate`,
 * whose result is re-framed with a correct header.
 */
export function mutateOutgoing(
  conn: Connection,
  type: number,
  mutate: (body: Uint8Array) => Uint8Array,
  newType = type,
): void {
  const core = coreOf(conn);
  const frame = (raw: Uint8Array): Uint8Array => {
    if (raw[0] !== type) return raw;
    const body = mutate(raw.slice(4));
    return Uint8Array.of(newType, body.length >> 16, (body.length >> 8) & 255, body.length & 255, ...body);
  };
  const queue = core.queueHandshake.bind(core);
  const direct = core.record.writeHandshakeOutsideTranscript.bind(core.record);
  core.queueHandshake = (raw, transcript) => queue(frame(raw), transcript);
  core.record.writeHandshakeOutsideTranscript = (raw) => direct(frame(raw));
}
