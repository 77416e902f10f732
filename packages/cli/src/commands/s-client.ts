import { readFile, writeFile } from 'node:fs/promises';
import { type ClientOptions, connect, formatError, type SslSocket } from 'sslsocket';
import { booleanFlag, type FlagSpec, formatHelp, type ParsedArgs, parseArgs, stringFlag, UsageError } from '../args.js';
import { type CommandIo, ExitCode } from '../io.js';
import { alpnList, COMMON_TLS_FLAGS, commonOptions, hostPort, pskKey, readPem } from './tls-flags.js';

const FLAGS: FlagSpec[] = [
  { name: 'connect', value: 'HOST:PORT', help: 'where to connect (default localhost:4433)' },
  { name: 'servername', value: 'NAME', help: 'SNI name, and the name the certificate must match' },
  { name: 'noservername', help: 'send no SNI' },
  { name: 'verify_return_error', help: 'abort when the server certificate does not verify' },
  { name: 'verify_hostname', value: 'NAME', help: 'check the certificate against this name' },
  { name: 'sess_out', value: 'FILE', help: 'save the session for resumption' },
  { name: 'sess_in', value: 'FILE', help: 'resume the saved session' },
  { name: 'brief', help: 'print the summary only' },
  { name: 'early_data', value: 'FILE', help: 'TLS 1.3 0-RTT: send FILE as early data (needs -sess_in)' },
  { name: 'reconnect', help: 'after the first handshake, reconnect 5 times resuming its session' },
  ...COMMON_TLS_FLAGS,
];

const USAGE = 'sslsocket s_client -connect HOST:PORT [options]';
const EXAMPLES = [
  'sslsocket s_client -connect example.com:443 -CAfile /etc/ssl/certs/ca-certificates.crt',
  'echo hello | sslsocket s_client -connect 127.0.0.1:4433 -CAfile ca.pem -servername localhost -quiet',
];

/** Sessions are saved as JSON with byte fields in hex. */
function encodeSession(session: object): string {
  return JSON.stringify(session, (_key, value: unknown) =>
    value instanceof Uint8Array ? { hex: Buffer.from(value).toString('hex') } : value,
  );
}

/** `-sess_in FILE`, with a readable error for a missing or damaged file. */
async function readSession(path: string): Promise<object> {
  try {
    return decodeSession(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`-sess_in: cannot read a session from ${path}: ${(error as Error).message}`);
  }
}

function decodeSession(text: string): object {
  return JSON.parse(text, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && 'hex' in value
      ? new Uint8Array(Buffer.from(String((value as { hex: string }).hex), 'hex'))
      : value,
  ) as object;
}

function summary(socket: SslSocket, verify: string): string {
  const info = socket.connectionInformation();
  const protocol = info.protocol === 'tlsv1.3' ? 'TLSv1.3' : 'TLSv1.2';
  return [
    `Protocol: ${protocol}`,
    `Cipher: ${info.selectedCipherSuite}`,
    `Group: ${info.negotiatedGroup ?? 'none'}`,
    `Signature: ${info.signatureScheme ?? 'none'}`,
    `ALPN: ${info.alpn ?? 'none'}`,
    `Resumed: ${info.sessionResumption ? 'yes' : 'no'}`,
    `Verify: ${verify}`,
    `EarlyData: ${info.earlyData}`,
  ].join('\n');
}

/**
 * `sslsocket s_client`: connects, prints the negotiated parameters to stderr, then copies stdin to
 * the connection and the connection to stdout. Exit 0 on a clean close, 1 on a handshake failure.
 */
export async function runSClient(
  argv: readonly string[],
  io: CommandIo,
  stdin: AsyncIterable<Uint8Array | string> = process.stdin,
): Promise<number> {
  let options: ClientOptions;
  let target: { host: string; port: number };
  let verifyFailure: string | undefined;
  const args = (() => {
    try {
      return parseArgs(argv, FLAGS);
    } catch (error) {
      io.stderr(`error: ${(error as Error).message}\n`);
      return undefined;
    }
  })();
  if (args === undefined) return ExitCode.usage;
  if (args.help) {
    io.stdout(
      `${formatHelp(USAGE, FLAGS, EXAMPLES)}\nexit codes: 0 clean close, 1 handshake or connection failure, 2 usage\n`,
    );
    return ExitCode.ok;
  }
  try {
    const psk = pskKey(args);
    const earlyFile = stringFlag(args, 'early_data');
    if (earlyFile !== undefined && stringFlag(args, 'sess_in') === undefined) {
      throw new UsageError('-early_data needs -sess_in (0-RTT only works when resuming)');
    }
    const early = earlyFile === undefined ? undefined : new Uint8Array(await readFile(earlyFile));
    target = hostPort(stringFlag(args, 'connect') ?? 'localhost:4433', 'localhost');
    const caFile = stringFlag(args, 'CAfile');
    const enforce = booleanFlag(args, 'verify_return_error');
    const name = booleanFlag(args, 'noservername') ? 'disable' : (stringFlag(args, 'servername') ?? target.host);
    const sessIn = stringFlag(args, 'sess_in');
    const alpn = alpnList(args);
    options = {
      ...(await commonOptions(args)),
      ...(caFile === undefined ? {} : { cacerts: [await readPem(caFile)] }),
      serverNameIndication: name,
      // Like openssl s_client: resume only what -sess_in names.
      reuseSessions: false,
      ...(alpn === undefined ? {} : { alpnAdvertisedProtocols: alpn }),
      ...(early === undefined ? {} : { earlyData: early }),
      ...(psk === undefined
        ? {}
        : {
            pskIdentity: stringFlag(args, 'psk_identity') ?? 'Client_identity',
            userLookupFun: () => psk,
          }),
      ...(sessIn === undefined ? {} : { reuseSession: await readSession(sessIn) }),
      // Like openssl: without -verify_return_error a failed verification is reported, not fatal.
      ...(enforce
        ? {}
        : {
            verifyFun: (_certificate, event) => {
              if (event.type === 'bad_cert') verifyFailure ??= event.reason;
              return event.type === 'bad_cert' ? 'valid' : 'unknown';
            },
          }),
    };
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n`);
    return ExitCode.usage;
  }
  let socket: SslSocket;
  try {
    socket = await connect(target.host, target.port, options);
  } catch (error) {
    io.stderr(`error: ${formatError(error)}\n`);
    return ExitCode.failure;
  }
  const sessOut = stringFlag(args, 'sess_out');
  // One write at a time (servers send several tickets), the newest last.
  let saving: Promise<void> = Promise.resolve();
  const save = (saved: object): void => {
    if (sessOut !== undefined) saving = saving.then(() => writeFile(sessOut, encodeSession(saved)));
  };
  // Tickets can arrive with the server's last handshake flight, before connect() returned.
  const latest = socket.savedSessions.at(-1);
  if (latest !== undefined) save(latest);
  socket.on('session', save);
  try {
    return await session(socket, args, target, options, io, stdin, verifyFailure);
  } finally {
    // The process may exit right after: the saved session must be on disk first.
    await saving;
  }
}

async function session(
  socket: SslSocket,
  args: ParsedArgs,
  target: { host: string; port: number },
  options: ClientOptions,
  io: CommandIo,
  stdin: AsyncIterable<Uint8Array | string>,
  verifyFailure: string | undefined,
): Promise<number> {
  io.stderr(`${summary(socket, verifyFailure ?? 'OK')}\n`);
  if (booleanFlag(args, 'reconnect')) return reconnect(socket, target, options, io);
  if (booleanFlag(args, 'brief')) {
    await socket.close({ timeoutMs: 500 }).catch(() => undefined);
    return ExitCode.ok;
  }
  const reading = (async () => {
    for await (const chunk of socket) io.stdout(new TextDecoder().decode(chunk));
  })();
  void (async () => {
    try {
      for await (const chunk of stdin) await socket.send(typeof chunk === 'string' ? chunk : new Uint8Array(chunk));
      // End of input: half-close like openssl does on EOF, and keep reading the answer.
      await socket.shutdown('write');
    } catch {
      // The connection ended first; the reader reports it.
    }
  })();
  try {
    await reading;
    await socket.close({ timeoutMs: 200 }).catch(() => undefined);
    return ExitCode.ok;
  } catch (error) {
    io.stderr(`error: ${formatError(error)}\n`);
    return ExitCode.failure;
  }
}

/**
 * `-reconnect`, as in OpenSSL: close, then connect five more times resuming the latest session,
 * printing each summary. Exit 1 when a connection fails.
 */
async function reconnect(
  first: SslSocket,
  target: { host: string; port: number },
  options: ClientOptions,
  io: CommandIo,
): Promise<number> {
  let socket = first;
  for (let i = 0; i < 5; i++) {
    const session = socket.savedSessions.at(-1);
    await socket.close({ timeoutMs: 500 }).catch(() => undefined);
    try {
      socket = await connect(target.host, target.port, {
        ...options,
        ...(session === undefined ? {} : { reuseSession: session }),
      });
    } catch (error) {
      io.stderr(`error: ${formatError(error)}\n`);
      return ExitCode.failure;
    }
    io.stderr(`${summary(socket, 'OK')}\n`);
  }
  await socket.close({ timeoutMs: 500 }).catch(() => undefined);
  return ExitCode.ok;
}
