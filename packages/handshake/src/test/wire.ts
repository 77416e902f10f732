// Test helpers for conformance tests that build the exact bytes a peer sends and read the exact
// answer: ClientHello records made field by field (independent of the engine's own encoders), and a
// reader for what a ServerConnection answers (handshake message types, alerts, encrypted records).
import { x25519 } from '@noble/curves/ed25519.js';
import { alertName } from '@sslsocket/suites';
import type { ConnectionConfig } from '../config.js';
import { ServerConnection } from '../connection.js';
import { baseServer } from './pair.js';

export const u8 = (n: number): number[] => [n & 0xff];
export const u16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
export const u24 = (n: number): number[] => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
export const vec8 = (b: readonly number[]): number[] => [...u8(b.length), ...b];
export const vec16 = (b: readonly number[]): number[] => [...u16(b.length), ...b];
export const ascii = (s: string): number[] => [...new TextEncoder().encode(s)];

/** One extension: type, then its extension_data as a 16-bit vector. */
export const ext = (type: number, data: readonly number[]): number[] => [...u16(type), ...vec16(data)];

/** A fixed X25519 client share (public key of the scalar 0x11…11). */
export const X25519_SHARE = [...x25519.getPublicKey(new Uint8Array(32).fill(0x11))];

/** Default extensions of a TLS 1.3 + 1.2 ClientHello, by type (in this order). */
export function defaultExtensions(): Map<number, number[]> {
  return new Map<number, number[]>([
    [0, vec16([0, ...vec16(ascii('example.test'))])], // server_name
    [10, vec16([...u16(0x001d), ...u16(0x0017)])], // supported_groups: x25519, secp256r1
    [11, vec8([0])], // ec_point_formats: uncompressed
    [13, vec16([...u16(0x0807), ...u16(0x0403), ...u16(0x0804)])], // signature_algorithms
    [23, []], // extended_master_secret
    [43, vec8([...u16(0x0304), ...u16(0x0303)])], // supported_versions
    [45, vec8([1])], // psk_key_exchange_modes: psk_dhe_ke
    [51, vec16([...u16(0x001d), ...vec16(X25519_SHARE)])], // key_share
    [0xff01, [0]], // renegotiation_info (empty)
  ]);
}

export interface HelloParts {
  readonly legacyVersion?: number;
  readonly random?: readonly number[];
  readonly sessionId?: readonly number[];
  readonly suites?: readonly number[];
  readonly compression?: readonly number[];
  /** Extensions by type; an entry set to undefined removes a default one. */
  readonly extensions?: Map<number, readonly number[] | undefined>;
  /** Raw extension block (after the 2-byte length), instead of `extensions`. */
  readonly rawExtensions?: readonly number[];
  /** Record-layer version (default 0x0301, as most stacks send in the first flight). */
  readonly recordVersion?: number;
}

/** The ClientHello body (no handshake header). */
export function clientHelloBody(p: HelloParts = {}): number[] {
  const exts = defaultExtensions();
  for (const [t, v] of p.extensions ?? []) {
    if (v === undefined) exts.delete(t);
    else exts.set(t, [...v]);
  }
  const block = p.rawExtensions ?? [...exts].flatMap(([t, v]) => ext(t, v));
  return [
    ...u16(p.legacyVersion ?? 0x0303),
    ...(p.random ?? new Array<number>(32).fill(0x5a)),
    ...vec8(p.sessionId ?? new Array<number>(32).fill(0x33)),
    ...vec16((p.suites ?? [0x1301, 0x1303, 0xc02b, 0xc02f]).flatMap(u16)),
    ...vec8(p.compression ?? [0]),
    ...vec16(block),
  ];
}

/** A handshake message of `type` with `body`, framed in one plaintext handshake record. */
export function handshakeRecord(type: number, body: readonly number[], recordVersion = 0x0301): Uint8Array {
  const msg = [type, ...u24(body.length), ...body];
  return Uint8Array.from([22, ...u16(recordVersion), ...u16(msg.length), ...msg]);
}

/** A complete ClientHello record. */
export function clientHelloRecord(p: HelloParts = {}): Uint8Array {
  return handshakeRecord(1, clientHelloBody(p), p.recordVersion);
}

/** What came back: plaintext handshake message types, alerts, and the count of encrypted records. */
export interface Answer {
  readonly handshakeTypes: number[];
  /** Alert descriptions in the order sent, with their level ('warning' | 'fatal'). */
  readonly alerts: { level: string; description: string }[];
  readonly encryptedRecords: number;
  /** Record content types in order (22, 21, 23, 20). */
  readonly recordTypes: number[];
  readonly serverHelloVersion?: number;
}

/** Parses a server's output records (plaintext parts only). */
export function parseAnswer(out: Uint8Array | null): Answer {
  const a = {
    handshakeTypes: [] as number[],
    alerts: [] as Answer['alerts'],
    encryptedRecords: 0,
    recordTypes: [] as number[],
  };
  let serverHelloVersion: number | undefined;
  let at = 0;
  const bytes = out ?? new Uint8Array(0);
  while (at + 5 <= bytes.length) {
    const type = bytes[at] as number;
    const len = ((bytes[at + 3] as number) << 8) | (bytes[at + 4] as number);
    const body = bytes.subarray(at + 5, at + 5 + len);
    a.recordTypes.push(type);
    if (type === 22) {
      for (let p = 0; p + 4 <= body.length; ) {
        const mlen = ((body[p + 1] as number) << 16) | ((body[p + 2] as number) << 8) | (body[p + 3] as number);
        a.handshakeTypes.push(body[p] as number);
        if (body[p] === 2) serverHelloVersion = ((body[p + 4] as number) << 8) | (body[p + 5] as number);
        p += 4 + mlen;
      }
    } else if (type === 21 && len === 2) {
      a.alerts.push({ level: body[0] === 1 ? 'warning' : 'fatal', description: alertName(body[1] as number) });
    } else if (type === 23) {
      a.encryptedRecords++;
    }
    at += 5 + len;
  }
  return serverHelloVersion === undefined ? a : { ...a, serverHelloVersion };
}

/**
 * A ServerConnection fed `bytes` at once; returns its answer and events. `config` adds to the
 * Ed25519 test identity, or (when it names a provider) is the whole configuration.
 */
export function answerTo(bytes: Uint8Array, config: Partial<ConnectionConfig> = {}) {
  const server = new ServerConnection(
    config.provider === undefined ? baseServer(config) : (config as ConnectionConfig),
  );
  const result = server.receive(bytes);
  if (result instanceof Promise) throw new Error('expected a synchronous provider');
  const answer = parseAnswer(server.takeOutput());
  const events = server.takeEvents();
  const error = events.find((e) => e.type === 'error');
  return { server, answer, events, error: error?.type === 'error' ? error.error : undefined };
}

/** The fatal alert a server sends for `bytes`, or 'none'. */
export function alertFor(bytes: Uint8Array, config: Partial<ConnectionConfig> = {}): string {
  const { answer } = answerTo(bytes, config);
  return answer.alerts.find((a) => a.level === 'fatal')?.description ?? 'none';
}
