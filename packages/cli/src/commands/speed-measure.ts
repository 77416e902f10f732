/**
 * The two measurements behind `sslsocket speed`, each bounded by time rather than by bytes so a slow
 * provider finishes as fast as a quick one:
 *  - record: seal + open of full records with one suite's record protection, no I/O at all;
 *  - connection: bytes a client delivers to a server, both sslsocket endpoints in this process over
 *    the in-memory transport pair (handshake, fragmentation, backpressure and both record layers).
 */
import { type RecordProtection, Tls12AeadProtection, Tls12CbcProtection, Tls13Protection } from '@sslsocket/record';
import { type CipherSuite, type CryptoProvider, isPromiseLike, isPskSuite } from '@sslsocket/suites';
import { memoryPair } from '@sslsocket/transport';
import { connect, handshake, type SslSocket } from 'sslsocket';

/** Reports how far a measurement is, as a fraction from 0 to 1. */
export type Progress = (fraction: number) => void;

/** What one record-layer measurement found. */
export interface RecordResult {
  /** Plaintext bytes sealed and opened again per second, in MB (10^6 bytes). */
  readonly megabytesPerSecond: number;
  readonly records: number;
}

/** What one connection measurement found. */
export interface ConnectionResult {
  readonly megabytesPerSecond: number;
  /** Wall time of the full handshake, both endpoints in this thread. */
  readonly handshakeMs: number;
  readonly protocol: string;
}

/** A certificate and key the in-memory server presents (ECDSA P-256, from generateSelfSigned). */
export interface ServerIdentity {
  readonly cert: string;
  readonly key: string;
}

/** application_data (RFC 8446 §5.1, RFC 5246 §6.2.1). */
const APPLICATION_DATA = 23;
const TLS12_VERSION = 0x0303;
/** Give timers (the progress display) a turn this often during a synchronous loop. */
const YIELD_EVERY_MS = 50;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The version whose record protection a suite uses: TLS 1.3 suites only exist in 1.3. */
export function suiteVersion(suite: CipherSuite): 'tlsv1.3' | 'tlsv1.2' {
  return suite.versions.includes('tlsv1.3') ? 'tlsv1.3' : 'tlsv1.2';
}

/**
 * Why an in-memory connection cannot be made with this suite, or undefined when it can: the
 * generated identity is ECDSA, and PSK suites need a shared key we would have to invent.
 */
export function connectionUnsupported(suite: CipherSuite): string | undefined {
  if (isPskSuite(suite)) return 'PSK suites need a pre-shared key';
  if (suite.authentication === 'rsa') return 'needs an RSA certificate (the generated one is ECDSA)';
  if (suite.authentication === 'anon') return 'anonymous suites are not measured';
  return undefined;
}

/** A sealing and an opening protection with the same fresh random keys, as the two ends would hold. */
export function protectionPair(suite: CipherSuite, provider: CryptoProvider): [RecordProtection, RecordProtection] {
  const key = provider.randomBytes(suite.keyLength);
  const iv = provider.randomBytes(suite.fixedIvLength);
  const macKey = suite.macKeyLength === 0 ? new Uint8Array(0) : provider.randomBytes(suite.macKeyLength);
  const { aead, cbc, macHash } = suite;
  const make = (): RecordProtection => {
    if (aead !== undefined) {
      return suiteVersion(suite) === 'tlsv1.3'
        ? Tls13Protection.create(provider, aead, key, iv)
        : Tls12AeadProtection.create(provider, aead, key, iv);
    }
    if (cbc !== undefined && macHash !== undefined)
      return Tls12CbcProtection.create(provider, cbc, key, macHash, macKey);
    throw new RangeError(`${suite.name} has no record protection to measure`);
  };
  return [make(), make()];
}

/**
 * Seals and opens `recordSize`-byte records for `seconds`. Every opened record is checked for its
 * length, so a broken protection fails instead of reporting a number.
 */
export async function measureRecord(
  suite: CipherSuite,
  provider: CryptoProvider,
  seconds: number,
  recordSize: number,
  progress: Progress,
): Promise<RecordResult> {
  const [sealer, opener] = protectionPair(suite, provider);
  const out = new Uint8Array(5 + sealer.prefixLength + recordSize + sealer.maxSuffixLength(recordSize));
  out.fill(0x61, 5 + sealer.prefixLength, 5 + sealer.prefixLength + recordSize);
  const limit = seconds * 1000;
  const start = performance.now();
  let lastYield = start;
  let records = 0;
  let elapsed = 0;
  do {
    const sealed = sealer.seal(APPLICATION_DATA, out, 0, recordSize);
    const total = isPromiseLike(sealed) ? await sealed : sealed;
    const opening = opener.open(out[0] as number, TLS12_VERSION, out, 5, total - 5);
    const opened = isPromiseLike(opening) ? await opening : opening;
    if (opened.length !== recordSize || opened.contentType !== APPLICATION_DATA) {
      throw new Error(`${suite.name}: opened ${opened.length} bytes of type ${opened.contentType}`);
    }
    records++;
    const now = performance.now();
    elapsed = now - start;
    if (now - lastYield >= YIELD_EVERY_MS) {
      progress(Math.min(1, elapsed / limit));
      await yieldToEventLoop();
      lastYield = performance.now();
    }
  } while (elapsed < limit);
  progress(1);
  return { megabytesPerSecond: (records * recordSize) / (elapsed / 1000) / 1e6, records };
}

/**
 * Handshakes a client and a server over `memoryPair()` with only `suite` enabled, then streams
 * 64 KiB writes from client to server for `seconds`; the figure counts bytes the server received.
 */
export async function measureConnection(
  suite: CipherSuite,
  provider: CryptoProvider,
  seconds: number,
  identity: ServerIdentity,
  progress: Progress,
): Promise<ConnectionResult> {
  const [clientEnd, serverEnd] = memoryPair();
  const common = { provider, versions: [suiteVersion(suite)], ciphers: [suite.name] } as const;
  const started = performance.now();
  const serverReady = handshake(serverEnd, { ...common, cert: identity.cert, key: identity.key });
  // If the client fails first the server fails too; the client's error is the one reported.
  serverReady.catch(() => undefined);
  let client: SslSocket | undefined;
  let server: SslSocket | undefined;
  try {
    client = await connect(clientEnd, { ...common, verify: 'verify_none', reuseSessions: false });
    server = await serverReady;
    const handshakeMs = performance.now() - started;
    const protocol = client.connectionInformation().protocol;
    const megabytesPerSecond = await stream(client, server, seconds, progress);
    return { megabytesPerSecond, handshakeMs, protocol };
  } finally {
    await Promise.all([
      client?.close({ timeoutMs: 200 }).catch(() => undefined),
      server?.close({ timeoutMs: 200 }).catch(() => undefined),
    ]);
    clientEnd.destroy();
    serverEnd.destroy();
  }
}

async function stream(client: SslSocket, server: SslSocket, seconds: number, progress: Progress): Promise<number> {
  const chunk = new Uint8Array(64 * 1024).fill(0x62);
  const limit = seconds * 1000;
  let sent = 0;
  let received = 0;
  let sending = true;
  let done = false;
  let failure: unknown;
  let finish!: () => void;
  const stopped = new Promise<void>((resolve) => {
    finish = resolve;
  });
  void (async () => {
    try {
      while (sending || received < sent) received += (await server.recv(0)).length;
    } catch (error) {
      // Closing the sockets after the measurement ends this read too; only an earlier failure counts.
      if (!done) failure = error;
    }
    finish();
  })();
  const start = performance.now();
  let elapsed = 0;
  let lastReport = start;
  while (elapsed < limit && failure === undefined) {
    const write = client.send(chunk);
    write.catch(() => undefined);
    // A reader that failed must not leave the sender waiting on backpressure forever.
    await Promise.race([write, stopped]);
    sent += chunk.length;
    const now = performance.now();
    elapsed = now - start;
    if (now - lastReport >= YIELD_EVERY_MS) {
      progress(Math.min(1, elapsed / limit));
      lastReport = now;
    }
  }
  sending = false;
  if (received >= sent) finish();
  await stopped;
  done = true;
  if (failure !== undefined) throw failure;
  const total = (performance.now() - start) / 1000;
  progress(1);
  return received / total / 1e6;
}
