import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectionInformation, connect, generateSelfSigned, listen, type SslSocket } from 'sslsocket';
import { booleanFlag, type FlagSpec, formatHelp, parseArgs } from '../args.js';
import { type CommandIo, ExitCode } from '../io.js';

const FLAGS: FlagSpec[] = [
  { name: 'provider', value: 'NAME', help: 'crypto provider: node (default), noble or webcrypto' },
  { name: 'no_openssl', help: 'skip the openssl s_client connection' },
];

const USAGE = 'sslsocket demo [-provider node|noble|webcrypto] [-no_openssl]';
const THROUGHPUT_BYTES = 32 * 1024 * 1024;
const DEADLINE_MS = 30_000;

interface Row {
  readonly client: string;
  readonly info: ConnectionInformation | undefined;
  readonly note: string;
}

/** Echoes every connection until it closes; each connection's failure stays its own. */
async function serve(socket: SslSocket, seen: ConnectionInformation[]): Promise<void> {
  seen.push(socket.connectionInformation());
  try {
    for await (const chunk of socket) await socket.send(chunk);
  } catch {
    // A client that disappears mid-stream only ends its own connection.
  }
  await socket.close({ timeoutMs: 200 }).catch(() => undefined);
}

function opensslAvailable(): boolean {
  return spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
}

/** One round trip through `openssl s_client`; resolves with what came back. */
function opensslRoundTrip(port: number, caFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${port}`,
        '-CAfile',
        caFile,
        '-servername',
        'localhost',
        '-quiet',
        '-verify_return_error',
      ],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('openssl s_client timed out'));
    }, 10_000);
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString();
      if (output.includes('hello from openssl')) {
        clearTimeout(timer);
        child.kill();
        resolve(output.trim());
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.stdin.write('hello from openssl\n');
  });
}

function table(rows: readonly Row[]): string {
  const header = ['client', 'protocol', 'cipher suite', 'group', 'signature', 'ALPN', 'resumed', 'note'];
  const lines = rows.map((row) => [
    row.client,
    row.info?.protocol ?? '-',
    row.info?.selectedCipherSuite ?? '-',
    row.info?.negotiatedGroup ?? '-',
    row.info?.signatureScheme ?? '-',
    row.info?.alpn ?? '-',
    row.info === undefined ? '-' : row.info.sessionResumption ? 'yes' : 'no',
    row.note,
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => (line[i] as string).length)));
  const render = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}

async function runDemo(io: CommandIo, provider: 'node' | 'noble' | 'webcrypto', withOpenssl: boolean): Promise<number> {
  const started = performance.now();
  io.stdout('sslsocket demo: a TLS server with a fresh self-signed certificate, and clients talking to it\n\n');
  const certificate = await generateSelfSigned();
  const dir = mkdtempSync(join(tmpdir(), 'sslsocket-demo-'));
  const caFile = join(dir, 'cert.pem');
  writeFileSync(caFile, certificate.certificatePem);
  const serverSeen: ConnectionInformation[] = [];
  const server = await listen(0, {
    host: '127.0.0.1', // the demo's clients are local: no need to listen on every interface
    cert: certificate.certificatePem,
    key: certificate.keyPem,
    provider,
    alpnPreferredProtocols: ['demo/1', 'http/1.1'],
  });
  const port = server.address.port;
  io.stdout(`server listening on 127.0.0.1:${port} (certificate CN=localhost, ECDSA P-256, provider ${provider})\n`);
  let accepting = true;
  const acceptLoop = (async () => {
    while (accepting) {
      const socket = await server.accept().catch(() => undefined);
      if (socket !== undefined) void serve(socket, serverSeen);
      else if (!accepting) return;
    }
  })();
  const clientOptions = {
    cacerts: [certificate.certificatePem],
    serverNameIndication: 'localhost',
    provider,
    alpnAdvertisedProtocols: ['demo/1'],
  } as const;
  const rows: Row[] = [];

  for (const version of ['tlsv1.3', 'tlsv1.2'] as const) {
    try {
      const socket = await connect('127.0.0.1', port, {
        ...clientOptions,
        versions: [version],
        handshakeTimeoutMs: 5000,
      });
      await socket.send(`hello over ${version}`);
      const echo = new TextDecoder().decode(await socket.recv(0, 5000));
      rows.push({ client: `sslsocket ${version}`, info: socket.connectionInformation(), note: `echo: "${echo}"` });
      await socket.close({ timeoutMs: 500 });
    } catch (error) {
      rows.push({
        client: `sslsocket ${version}`,
        info: undefined,
        note: `not available: ${(error as Error).message}`,
      });
    }
  }

  if (withOpenssl && opensslAvailable()) {
    const before = serverSeen.length;
    try {
      const reply = await opensslRoundTrip(port, caFile);
      rows.push({ client: 'openssl s_client', info: serverSeen[before], note: `echo: "${reply}" (server's view)` });
    } catch (error) {
      rows.push({ client: 'openssl s_client', info: undefined, note: `failed: ${(error as Error).message}` });
    }
  } else {
    rows.push({ client: 'openssl s_client', info: undefined, note: withOpenssl ? 'openssl not on PATH' : 'skipped' });
  }

  const bulk = await connect('127.0.0.1', port, clientOptions);
  const chunk = new Uint8Array(256 * 1024).fill(0x5a);
  const t0 = performance.now();
  const reading = (async () => {
    let received = 0;
    while (received < THROUGHPUT_BYTES) received += (await bulk.recv(0, 10_000)).length;
  })();
  for (let sent = 0; sent < THROUGHPUT_BYTES; sent += chunk.length) await bulk.send(chunk);
  await reading;
  const seconds = (performance.now() - t0) / 1000;
  await bulk.close({ timeoutMs: 500 });

  io.stdout(`\n${table(rows)}\n\n`);
  io.stdout(
    `throughput: ${((THROUGHPUT_BYTES * 2) / seconds / 1e6).toFixed(1)} MB/s (${THROUGHPUT_BYTES / 1048576} MiB echoed over loopback TLS, both directions counted)\n`,
  );
  accepting = false;
  await server.close();
  await acceptLoop;
  rmSync(dir, { recursive: true, force: true });
  io.stdout(`done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  const ok = rows.some((row) => row.client === 'sslsocket tlsv1.3' && row.info !== undefined);
  return ok ? ExitCode.ok : ExitCode.failure;
}

/** `sslsocket demo`: what `npm start` runs. Exit 0 when the TLS 1.3 connection worked. */
export async function runDemoCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, FLAGS);
  if (args.help) {
    io.stdout(
      `${formatHelp(USAGE, FLAGS, ['sslsocket demo', 'sslsocket demo -provider noble'])}\nexit codes: 0 success, 1 failure, 2 usage\n`,
    );
    return ExitCode.ok;
  }
  const providerFlag = args.flags.get('provider')?.[0];
  const provider = providerFlag === 'noble' || providerFlag === 'webcrypto' ? providerFlag : 'node';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<number>((resolve) => {
    timer = setTimeout(() => {
      io.stderr(`error: the demo did not finish within ${DEADLINE_MS / 1000} s\n`);
      resolve(ExitCode.failure);
    }, DEADLINE_MS);
  });
  try {
    return await Promise.race([runDemo(io, provider, !booleanFlag(args, 'no_openssl')), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
