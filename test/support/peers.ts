// Shared pieces of the hostile-peer, stress and fuzz suites: a test CA, our listener with cleanup,
// raw TCP peers that speak bytes we choose, and a reader of TLS records off a raw socket.
import * as net from 'node:net';
import { generateCaChain } from '@sslsocket/pkix';
import {
  type ClientOptions,
  connect,
  listen,
  type ServerOptions,
  type SslListenSocket,
  type SslSocket,
} from 'sslsocket';

export type TestCa = Awaited<ReturnType<typeof generateCaChain>>;

let sharedCa: Promise<TestCa> | undefined;

/** One CA and leaf (P-256, names localhost / 127.0.0.1 / server.test) per test file. */
export function testCa(): Promise<TestCa> {
  sharedCa ??= generateCaChain({ altNames: ['server.test'] });
  return sharedCa;
}

/** Things to undo after each test, last in first out. */
export class Cleanup {
  private readonly steps: (() => Promise<void> | void)[] = [];

  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) await step();
  }
}

/** Our listener on 127.0.0.1 with the test leaf, closed by `cleanup`. */
export async function ourServer(cleanup: Cleanup, options: ServerOptions = {}): Promise<SslListenSocket> {
  const ca = await testCa();
  const listener = await listen(0, {
    host: '127.0.0.1',
    cert: ca.leaf.certificatePem,
    key: ca.leaf.keyPem,
    ...options,
  });
  cleanup.add(() => listener.close());
  return listener;
}

/** Our client to `port`, trusting the test CA. */
export async function ourClient(port: number, options: ClientOptions = {}): Promise<SslSocket> {
  const ca = await testCa();
  return connect('127.0.0.1', port, {
    cacerts: [ca.ca.certificatePem],
    serverNameIndication: 'server.test',
    ...options,
  });
}

/** A raw TCP connection to 127.0.0.1:port, errors swallowed (the tests look at `closed`). */
export function rawConnect(port: number, cleanup?: Cleanup): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('error', reject);
    cleanup?.add(() => {
      socket.destroy();
    });
  });
}

/** Everything a raw socket receives until it closes. */
export function collect(socket: net.Socket): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  // 'end' as well as 'close': with allowHalfOpen the socket stays open after the peer's FIN.
  return new Promise((resolve) => {
    const done = (): void => resolve(new Uint8Array(Buffer.concat(chunks)));
    socket.once('end', done);
    socket.once('close', done);
  });
}

/** A TLS record: type, legacy version 0x0303, length, fragment. */
export function record(type: number, fragment: Uint8Array, version = 0x0303): Uint8Array {
  const out = new Uint8Array(5 + fragment.length);
  out[0] = type;
  out[1] = version >> 8;
  out[2] = version & 0xff;
  out[3] = fragment.length >> 8;
  out[4] = fragment.length & 0xff;
  out.set(fragment, 5);
  return out;
}

/** The records in a byte string, as far as they are complete. */
export function records(bytes: Uint8Array): { type: number; fragment: Uint8Array }[] {
  const out: { type: number; fragment: Uint8Array }[] = [];
  let offset = 0;
  while (offset + 5 <= bytes.length) {
    const length = ((bytes[offset + 3] as number) << 8) | (bytes[offset + 4] as number);
    if (offset + 5 + length > bytes.length) break;
    out.push({ type: bytes[offset] as number, fragment: bytes.subarray(offset + 5, offset + 5 + length) });
    offset += 5 + length;
  }
  return out;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether `promise` settles within `ms` (either way). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([settled, timeout]);
  clearTimeout(timer);
  return result;
}

/** Runs a full garbage collection (V8's gc exposed at run time, as --expose-gc would). */
export async function collectGarbage(): Promise<void> {
  const v8 = await import('node:v8');
  const vm = await import('node:vm');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(10);
  }
}
