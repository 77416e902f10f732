import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostnameMatches, parseCertificate } from '@sslsocket/pkix';
import { cipherSuites, parseCipherString, suiteByCode } from '@sslsocket/suites';
import type { Transport } from '@sslsocket/transport';
import { connectNode } from '@sslsocket/transport/node';
import { type ClientOptions, connect, formatError, SocketStateError, type SslSocket } from 'sslsocket';
import { booleanFlag, formatHelp, integerFlag, type ParsedArgs, parseArgs, stringFlag, UsageError } from '../args.js';
import { type CommandIo, ExitCode } from '../io.js';
import { runDtlsClient, wantsDtls } from './dtls.js';
import { tapTransport } from './msg-trace.js';
import { rpkOptions } from './rpk-flags.js';
import { EXAMPLES, FLAGS, USAGE } from './s-client-flags.js';
import { briefReport, type ConnectionReport, fullReport, type SessionView, ticketLines } from './s-client-report.js';
import { decodeSessionFile, encodeSessionFile, type SavedSession } from './session-file.js';
import { negotiateStarttls, starttlsProtocol } from './starttls.js';
import { alpnList, commonOptions, hostPort, pskKey, readPem } from './tls-flags.js';
import { verifyCode } from './verify-codes.js';

/** `-sess_in FILE`, with a readable error for a missing or damaged file. */
async function readSession(path: string): Promise<SavedSession> {
  try {
    return decodeSessionFile(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`-sess_in: cannot read a session from ${path}: ${(error as Error).message}`);
  }
}

/** Every PEM file in `-CApath DIR` that holds a certificate (hashed links and plain names alike). */
async function readCaPath(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new UsageError(`-CApath: cannot read ${dir}: ${(error as Error).message}`);
  }
  const texts = await Promise.all(names.map((name) => readFile(join(dir, name), 'utf8').catch(() => '')));
  return texts.filter((text) => text.includes('-----BEGIN CERTIFICATE-----'));
}

/** The session as the SSL-Session block shows it. */
function sessionView(session: SavedSession | undefined): SessionView | undefined {
  if (session === undefined) return undefined;
  const tls12 = session.version === 'tlsv1.2';
  return {
    sessionId: tls12 ? session.sessionId : new Uint8Array(),
    secret: tls12 ? session.masterSecret : session.psk,
    ticket: session.ticket,
    lifetime: session.lifetime,
    startTime: session.receivedAt,
    extendedMasterSecret: tls12 ? session.extendedMasterSecret : false,
    maxEarlyData: tls12 ? undefined : session.maxEarlyDataSize,
  };
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

/** What the command line asks of one connection, beyond the TLS options. */
interface Plan {
  readonly target: { host: string; port: number };
  readonly options: ClientOptions;
  /** The first verification failure (reported, not fatal, without -verify_return_error). */
  verifyFailure: string | undefined;
  /** The certificates the server sent, leaf first, as the verifier saw them. */
  chain: readonly Uint8Array[];
}

/** Parses the flags into a Plan; throws UsageError (exit 2) for bad flags or unreadable files. */
async function plan(args: ParsedArgs): Promise<Plan> {
  const psk = pskKey(args);
  const earlyFile = stringFlag(args, 'early_data');
  if (earlyFile !== undefined && stringFlag(args, 'sess_in') === undefined) {
    throw new UsageError('-early_data needs -sess_in (0-RTT only works when resuming)');
  }
  starttlsProtocol(stringFlag(args, 'starttls'));
  const early = earlyFile === undefined ? undefined : new Uint8Array(await readFile(earlyFile));
  const target = hostPort(stringFlag(args, 'connect') ?? 'localhost:4433', 'localhost');
  const caFile = stringFlag(args, 'CAfile');
  const caPath = stringFlag(args, 'CApath');
  const roots = [
    ...(caFile === undefined ? [] : [await readPem(caFile)]),
    ...(caPath === undefined ? [] : await readCaPath(caPath)),
  ];
  const depth = integerFlag(args, 'verify', 0, 100);
  const enforce = booleanFlag(args, 'verify_return_error');
  const name = booleanFlag(args, 'noservername') ? 'disable' : (stringFlag(args, 'servername') ?? target.host);
  const sessIn = stringFlag(args, 'sess_in');
  const alpn = alpnList(args);
  const result: Plan = { target, options: {}, verifyFailure: undefined, chain: [] };
  const options: ClientOptions = {
    ...(await commonOptions(args)),
    ...(await rpkOptions(args)),
    ...(roots.length === 0 ? {} : { cacerts: roots }),
    ...(depth === undefined ? {} : { depth }),
    serverNameIndication: name,
    // Like OpenSSL 3: a server that ends the stream without close_notify is an error (exit 1).
    unexpectedEof: 'error',
    ...(booleanFlag(args, 'enable_pha') ? { postHandshakeAuth: true } : {}),
    ...(booleanFlag(args, 'status') ? { ocspStapling: true } : {}),
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
    // The chain as the server sent it (for -showcerts and the report): the path builder hands it
    // to partial_chain before anything else; answering undefined leaves validation unchanged.
    partialChain: (chain) => {
      result.chain = chain.map((certificate) => certificate.der);
      return undefined;
    },
    // Like openssl: without -verify_return_error a failed verification is reported, not fatal;
    // the host name is checked only when -verify_hostname names one (after the handshake).
    verifyFun: (_certificate, event) => {
      if (event.type !== 'bad_cert') return 'unknown';
      if (event.reason === 'hostname_check_failed') return 'valid';
      result.verifyFailure ??= event.reason;
      return enforce ? 'fail' : 'valid';
    },
    // RFC 7250: a raw public key outside -expected-rpks is reported the same way (OpenSSL's
    // X509_V_ERR_RPK_UNTRUSTED), fatal only with -verify_return_error.
    verifyRawPublicKey: () => {
      result.verifyFailure ??= 'rpk_untrusted';
      return !enforce;
    },
  };
  const ciphers = resumableFirst(options.ciphers, options.reuseSession);
  return Object.assign(result, { options: ciphers === undefined ? options : { ...options, ciphers } });
}

/**
 * A TLS 1.3 PSK resumes only if the server picks a suite with the PSK's hash (RFC 8446 §4.2.11),
 * and servers often follow the client's order: a resumed session's suite goes first. Sessions
 * saved by OpenSSL (AES-256/SHA-384 by default) then resume even though we prefer AES-128.
 */
function resumableFirst(
  ciphers: ClientOptions['ciphers'],
  session: ClientOptions['reuseSession'],
): string[] | undefined {
  const resumed = session as SavedSession | undefined;
  if (resumed === undefined || resumed.version === 'tlsv1.2') return undefined;
  const suite = suiteByCode(resumed.cipherSuite)?.name;
  if (suite === undefined) return undefined;
  const list =
    typeof ciphers === 'string'
      ? ciphers.split(':')
      : Array.isArray(ciphers)
        ? ciphers.map((entry) => (typeof entry === 'string' ? entry : entry.name))
        : [...cipherSuites('default', 'tlsv1.3'), ...parseCipherString('DEFAULT')].map((s) => s.name);
  return list.includes(suite) ? [suite, ...list.filter((name) => name !== suite)] : undefined;
}

/** TCP, then the -starttls dialogue, with -msg/-trace tapping the records. */
async function openTransport(args: ParsedArgs, target: Plan['target'], io: CommandIo): Promise<Transport> {
  const transport = await connectNode(target.host, target.port);
  const protocol = starttlsProtocol(stringFlag(args, 'starttls'));
  if (protocol !== undefined) {
    try {
      await negotiateStarttls(transport, protocol, stringFlag(args, 'name') ?? target.host);
    } catch (error) {
      transport.destroy();
      throw error;
    }
  }
  const trace = booleanFlag(args, 'trace');
  return trace || booleanFlag(args, 'msg') ? tapTransport(transport, trace, io.stdout) : transport;
}

/**
 * `sslsocket s_client`: connects, prints what openssl s_client prints (the certificate chain, the
 * server certificate PEM, the summary with `Verify return code:`; `-brief` a short block on
 * stderr; `-quiet` nothing) and our own summary lines on stderr, then copies stdin to the
 * connection and the connection to stdout. Exit 0 on a clean close, 1 on a handshake failure.
 */
export async function runSClient(
  argv: readonly string[],
  io: CommandIo,
  stdin: AsyncIterable<Uint8Array | string> = process.stdin,
): Promise<number> {
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
      `${formatHelp(USAGE, FLAGS, EXAMPLES)}\nexit codes: 0 clean close, 1 handshake or connection failure (or an end without close_notify), 2 usage\n`,
    );
    return ExitCode.ok;
  }
  let run: Plan;
  let dtls: boolean;
  try {
    dtls = wantsDtls(args);
    run = await plan(args);
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n`);
    return ExitCode.usage;
  }
  const { target, options } = run;
  if (dtls) return runDtlsClient(args, target, options, io, stdin);
  const depth = stringFlag(args, 'verify');
  // OpenSSL announces the depth on stderr before connecting.
  if (depth !== undefined) io.stderr(`verify depth is ${depth}\n`);
  let socket: SslSocket;
  try {
    const transport = await openTransport(args, target, io);
    socket = await connect(transport, { ...options, host: target.host });
  } catch (error) {
    io.stderr(`error: ${formatError(error)}\n`);
    return ExitCode.failure;
  }
  const hostname = stringFlag(args, 'verify_hostname');
  const leaf = run.chain[0] ?? socket.peercert();
  if (hostname !== undefined && leaf !== undefined && !hostnameMatches(parseCertificate(leaf), hostname)) {
    run.verifyFailure ??= 'hostname_check_failed';
    if (booleanFlag(args, 'verify_return_error')) {
      io.stderr(`error: certificate does not match ${hostname} (hostname mismatch)\n`);
      await socket.close({ timeoutMs: 200 }).catch(() => undefined);
      return ExitCode.failure;
    }
  }
  const info = socket.connectionInformation();
  const verify = verifyCode(run.verifyFailure);
  const quiet = booleanFlag(args, 'quiet') || booleanFlag(args, 'brief');
  const sessOut = stringFlag(args, 'sess_out');
  // One write at a time (servers send several tickets), the newest last.
  let saving: Promise<void> = Promise.resolve();
  const save = (saved: SavedSession): void => {
    if (sessOut !== undefined)
      saving = saving.then(() => writeFile(sessOut, encodeSessionFile(saved, run.chain[0] ?? socket.peercert())));
  };
  const onSession = (saved: SavedSession, announce: boolean): void => {
    save(saved);
    const view = sessionView(saved);
    if (announce && !quiet && info.protocol === 'tlsv1.3' && view !== undefined)
      io.stdout(ticketLines(info, view, verify));
  };
  const stats = socket.getstat();
  const report: ConnectionReport = {
    info,
    chain: run.chain.length > 0 ? run.chain : [socket.peercert()].filter((c): c is Uint8Array => c !== undefined),
    verify,
    bytesRead: stats.bytesRead,
    bytesWritten: stats.bytesWritten,
  };
  if (booleanFlag(args, 'brief')) io.stderr(briefReport(report));
  else if (!booleanFlag(args, 'quiet')) {
    const current = info.protocol === 'tlsv1.2' ? socket.savedSessions.at(-1) : undefined;
    io.stdout(fullReport(report, booleanFlag(args, 'showcerts'), sessionView(current)));
  }
  // Tickets that arrived with the server's last handshake flight wait in the socket's mailbox.
  socket.on('session', (saved) => onSession(saved, true));
  try {
    return await session(socket, args, target, options, io, stdin, run.verifyFailure);
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
  if (booleanFlag(args, 'status')) {
    // OpenSSL's wording when nothing was stapled; otherwise the DER size (RFC 6066 §8).
    const staple = socket.connectionInformation().ocspResponse;
    io.stderr(`OCSP response: ${staple === undefined ? 'no response sent' : `${staple.length} bytes`}\n`);
  }
  if (booleanFlag(args, 'reconnect')) return reconnect(socket, target, options, io);
  // -brief only shortens what is printed (as in OpenSSL): the session stays interactive until EOF.
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
    // OpenSSL 3 prints "unexpected eof while reading" for a stream cut without close_notify.
    const truncated = error instanceof SocketStateError && error.reason === 'truncated';
    io.stderr(`error: ${truncated ? 'unexpected eof while reading: ' : ''}${formatError(error)}\n`);
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
