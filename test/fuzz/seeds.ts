// Seeds for the fuzzers: the transcripts recorded from interop runs against openssl
// (test-vectors/transcripts, written by `SSLSOCKET_TRANSCRIPTS=dir npm run interop`), split into
// records and the plaintext handshake messages they carry.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Transcript {
  readonly file: string;
  readonly case: string;
  /** The role of our engine in the recording; the fuzzer replays `received` into this role. */
  readonly role: 'client' | 'server';
  readonly version: 'tlsv1.3' | 'tlsv1.2' | undefined;
  /** What openssl sent, chunk by chunk as it arrived. */
  readonly received: Uint8Array[];
  /** What we sent. */
  readonly sent: Uint8Array[];
}

export const transcriptDir = fileURLToPath(new URL('../../test-vectors/transcripts/', import.meta.url));

/** Every recorded transcript. */
export function loadTranscripts(): Transcript[] {
  let files: string[];
  try {
    files = readdirSync(transcriptDir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.sort().map((file) => {
    const raw = JSON.parse(readFileSync(join(transcriptDir, file), 'utf8')) as {
      case: string;
      role: 'client' | 'server';
      version?: 'tlsv1.3' | 'tlsv1.2';
      received: string[];
      sent: string[];
    };
    const hex = (chunks: string[]): Uint8Array[] => chunks.map((c) => new Uint8Array(Buffer.from(c, 'hex')));
    return {
      file,
      case: raw.case,
      role: raw.role,
      version: raw.version,
      received: hex(raw.received),
      sent: hex(raw.sent),
    };
  });
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks));
}

/** The plaintext handshake messages at the start of a byte stream (up to its first key change). */
export function plaintextMessages(stream: Uint8Array): { type: number; body: Uint8Array }[] {
  const handshake: number[] = [];
  let at = 0;
  while (at + 5 <= stream.length) {
    const type = stream[at] as number;
    const length = ((stream[at + 3] as number) << 8) | (stream[at + 4] as number);
    if (type !== 22 || at + 5 + length > stream.length) break;
    for (const byte of stream.subarray(at + 5, at + 5 + length)) handshake.push(byte);
    at += 5 + length;
  }
  const out: { type: number; body: Uint8Array }[] = [];
  let m = 0;
  while (m + 4 <= handshake.length) {
    const length =
      ((handshake[m + 1] as number) << 16) | ((handshake[m + 2] as number) << 8) | (handshake[m + 3] as number);
    if (m + 4 + length > handshake.length) break;
    out.push({ type: handshake[m] as number, body: Uint8Array.from(handshake.slice(m + 4, m + 4 + length)) });
    m += 4 + length;
  }
  return out;
}

/** Every record (header included) of a byte stream. */
export function splitRecords(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at + 5 <= stream.length) {
    const length = ((stream[at + 3] as number) << 8) | (stream[at + 4] as number);
    if (at + 5 + length > stream.length) break;
    out.push(stream.slice(at, at + 5 + length));
    at += 5 + length;
  }
  return out;
}

/** Extension bodies of a hello body (ClientHello or ServerHello layout). */
function helloExtensions(type: number, body: Uint8Array): Uint8Array[] {
  let at = 2 + 32;
  const sessionLength = body[at] ?? 0;
  at += 1 + sessionLength;
  if (type === 1) {
    at += 2 + (((body[at] ?? 0) << 8) | (body[at + 1] ?? 0));
    at += 1 + (body[at] ?? 0);
  } else at += 3;
  const out: Uint8Array[] = [];
  if (at + 2 > body.length) return out;
  out.push(body.slice(at)); // the whole block
  at += 2;
  while (at + 4 <= body.length) {
    const length = ((body[at + 2] as number) << 8) | (body[at + 3] as number);
    out.push(body.slice(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return out;
}

/** Handshake messages, extension bodies and records from all transcripts. */
export async function realFlights(): Promise<{
  messages: { type: number; body: Uint8Array }[];
  extensions: Uint8Array[];
  records: Uint8Array[];
}> {
  const messages: { type: number; body: Uint8Array }[] = [];
  const records: Uint8Array[] = [];
  for (const t of loadTranscripts()) {
    for (const side of [t.received, t.sent]) {
      const stream = concat(side);
      messages.push(...plaintextMessages(stream));
      records.push(...splitRecords(stream).slice(0, 12));
    }
  }
  const extensions = messages
    .filter((m) => m.type === 1 || m.type === 2)
    .flatMap((m) => helloExtensions(m.type, m.body));
  return { messages, extensions, records };
}
