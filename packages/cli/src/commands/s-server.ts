import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeHostName } from '@sslsocket/suites';
import { formatError, generateSelfSigned, listen, type ServerOptions, type SslSocket } from 'sslsocket';
import {
  booleanFlag,
  type FlagSpec,
  formatHelp,
  integerFlag,
  type ParsedArgs,
  parseArgs,
  stringFlag,
  UsageError,
} from '../args.js';
import { type CommandIo, ExitCode } from '../io.js';
import { type AcceptAddress, acceptAddress } from './accept-address.js';
import { DTLS_FLAGS, runDtlsServer, wantsDtls } from './dtls.js';
import { RPK_FLAGS, rpkOptions } from './rpk-flags.js';
import { SERVER_MODE_FLAGS, serveFiles, serveReversed } from './s-server-modes.js';
import { alpnList, COMMON_TLS_FLAGS, commonOptions, pskKey, readPem } from './tls-flags.js';

const FLAGS: FlagSpec[] = [
  {
    name: 'accept',
    value: '[HOST:]PORT',
    help: 'where to listen (default 4433); without a host (or with *) every interface, as OpenSSL',
  },
  { name: 'verify', value: 'N', help: 'ask for a client certificate' },
  { name: 'Verify', value: 'N', help: 'require a client certificate' },
  { name: 'servername', value: 'NAME', help: 'serve -cert2/-key2 to clients asking for NAME' },
  { name: 'cert2', value: 'FILE', help: 'second certificate, chosen by SNI' },
  { name: 'key2', value: 'FILE', help: 'second key' },
  { name: 'no_ticket', help: 'send no session tickets' },
  { name: 'naccept', value: 'N', help: 'exit after N connections' },
  { name: 'www', help: 'answer GET / with an HTTP page describing the session' },
  { name: 'early_data', help: 'TLS 1.3 0-RTT: accept early data from resuming clients' },
  { name: 'psk_hint', value: 'HINT', help: 'TLS 1.2 PSK identity hint to send' },
  { name: 'dhparam', value: 'FILE', help: 'TLS 1.2 DHE parameters (PEM), instead of the RFC 7919 groups' },
  ...SERVER_MODE_FLAGS,
  { name: 'status_file', value: 'FILE', help: 'staple this DER OCSP response for clients that ask (status_request)' },
  {
    name: 'client_renegotiation',
    help: 'TLS 1.2: allow client-initiated renegotiation (default: refused with a no_renegotiation warning)',
  },
  { name: 'no_ems', help: 'TLS 1.2: no extended master secret (RFC 7627), as a stack without it' },
  { name: 'require_ems', help: 'TLS 1.2: refuse clients without extended master secret (RFC 7627)' },
  ...COMMON_TLS_FLAGS,
  ...DTLS_FLAGS,
  ...RPK_FLAGS,
];

const USAGE = 'sslsocket s_server -accept [HOST:]PORT [-cert FILE -key FILE] [options]';
const EXAMPLES = [
  'sslsocket s_server -accept 4433 -www',
  'sslsocket s_server -accept 127.0.0.1:8443 -cert cert.pem -key key.pem -naccept 1',
];

/**
 * The default certificate when no -cert is given: a self-signed one, generated once and cached in a
 * per-user directory of the temporary folder. The cache is used only when that directory is ours
 * and private (our uid, no group or other permission bits, not a symbolic link): another local user
 * could otherwise plant a key there. Anything else gets a fresh certificate that is not cached.
 */
async function defaultCredentials(): Promise<{ cert: string; key: string }> {
  const uid = process.getuid?.();
  const dir = join(tmpdir(), `sslsocket-${uid ?? 'user'}`);
  const certPath = join(dir, 'default-cert.pem');
  const keyPath = join(dir, 'default-key.pem');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const info = lstatSync(dir);
  const private_ = info.isDirectory() && (uid === undefined || info.uid === uid) && (info.mode & 0o077) === 0;
  if (private_ && existsSync(certPath) && existsSync(keyPath))
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  const generated = await generateSelfSigned();
  if (private_) {
    writeFileSync(certPath, generated.certificatePem);
    writeFileSync(keyPath, generated.keyPem, { mode: 0o600 });
  }
  return { cert: generated.certificatePem, key: generated.keyPem };
}

function wwwPage(socket: SslSocket): string {
  const info = socket.connectionInformation();
  const body = [
    '<HTML><BODY BGCOLOR="#ffffff">',
    '<pre>',
    'sslsocket s_server -www',
    `Protocol  : ${info.protocol === 'tlsv1.3' ? 'TLSv1.3' : 'TLSv1.2'}`,
    `Cipher    : ${info.selectedCipherSuite}`,
    `Group     : ${info.negotiatedGroup ?? 'none'}`,
    `ALPN      : ${info.alpn ?? 'none'}`,
    `SNI       : ${info.sniHostname ?? 'none'}`,
    `Resumed   : ${info.sessionResumption ? 'yes' : 'no'}`,
    '</pre>',
    '</BODY></HTML>',
    '',
  ].join('\r\n');
  return `HTTP/1.0 200 ok\r\nContent-type: text/html\r\n\r\n${body}`;
}

async function serveWww(socket: SslSocket): Promise<void> {
  let request = '';
  for await (const chunk of socket) {
    request += new TextDecoder().decode(chunk);
    if (request.includes('\r\n\r\n') || request.includes('\n\n')) break;
  }
  await socket.send(wwwPage(socket));
  await socket.close({ timeoutMs: 500 });
}

async function serveEcho(socket: SslSocket, io: CommandIo): Promise<void> {
  for await (const chunk of socket) io.stdout(new TextDecoder().decode(chunk));
  await socket.close({ timeoutMs: 500 });
}

/** `-no_ems` / `-require_ems`: the library's extendedMasterSecret / requireExtendedMasterSecret. */
function emsOptions(args: ParsedArgs): Pick<ServerOptions, 'extendedMasterSecret' | 'requireExtendedMasterSecret'> {
  const off = booleanFlag(args, 'no_ems');
  const required = booleanFlag(args, 'require_ems');
  if (off && required) throw new UsageError('-no_ems and -require_ems are exclusive');
  return off ? { extendedMasterSecret: false } : required ? { requireExtendedMasterSecret: true } : {};
}

/**
 * Commands read from standard input, as OpenSSL's s_server reads them: `c` asks every connected
 * TLS 1.3 client for its certificate after the handshake (RFC 8446 §4.6.2, post-handshake
 * authentication; the client must have offered it, e.g. `openssl s_client -enable_pha`).
 */
async function readCommands(stdin: AsyncIterable<Uint8Array | string>, live: Set<SslSocket>, io: CommandIo) {
  let pending = '';
  for await (const chunk of stdin) {
    pending += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() !== 'c') continue;
      for (const socket of live) {
        socket.requestClientCertificate().then(
          (chain) => {
            const leaf = chain.length === 0 ? undefined : socket.peerCertificate();
            io.stdout(
              `post-handshake auth: ${leaf === undefined ? 'no client certificate' : `subject=${leaf.subject}`}\n`,
            );
          },
          (error: unknown) => io.stderr(`post-handshake auth: ${formatError(error)}\n`),
        );
      }
    }
  }
}

/**
 * `sslsocket s_server`: serves TLS connections until killed or `-naccept` is reached; prints `ACCEPT`
 * once listening. One bad client never stops the server. With `stdin`, reads OpenSSL's `c` command.
 */
export async function runSServer(
  argv: readonly string[],
  io: CommandIo,
  stdin?: AsyncIterable<Uint8Array | string>,
): Promise<number> {
  let options: ServerOptions;
  let where: AcceptAddress;
  let naccept: number | undefined;
  let mode: 'echo' | 'www' | 'WWW' | 'rev' = 'echo';
  let dtlsArgs: ParsedArgs | undefined;
  try {
    const args = parseArgs(argv, FLAGS);
    if (wantsDtls(args)) dtlsArgs = args;
    if (args.help) {
      io.stdout(`${formatHelp(USAGE, FLAGS, EXAMPLES)}\nexit codes: 0 done (-naccept), 1 cannot listen, 2 usage\n`);
      return ExitCode.ok;
    }
    const psk = pskKey(args);
    const expectedIdentity = stringFlag(args, 'psk_identity');
    const hint = stringFlag(args, 'psk_hint');
    const dhparam = stringFlag(args, 'dhparam');
    const statusFile = stringFlag(args, 'status_file');
    where = acceptAddress(stringFlag(args, 'accept') ?? '4433');
    naccept = integerFlag(args, 'naccept', 1, 1_000_000);
    const modes = (['www', 'WWW', 'rev'] as const).filter((name) => booleanFlag(args, name));
    if (modes.length > 1) throw new Error(`-${modes.join(' and -')} are exclusive`);
    mode = modes[0] ?? 'echo';
    const common = { ...(await commonOptions(args)), ...(await rpkOptions(args)) };
    const credentials = common.certfile === undefined ? await defaultCredentials() : undefined;
    const caFile = stringFlag(args, 'CAfile');
    const requestCert = args.flags.has('verify') || args.flags.has('Verify');
    const servername = stringFlag(args, 'servername');
    const cert2 = stringFlag(args, 'cert2');
    const key2 = stringFlag(args, 'key2');
    const alpn = alpnList(args);
    const primary =
      credentials === undefined
        ? { certfile: common.certfile as string, keyfile: common.keyfile as string }
        : credentials;
    options = {
      ...common,
      ...(credentials === undefined ? {} : { cert: credentials.cert, key: credentials.key }),
      ...(alpn === undefined ? {} : { alpnPreferredProtocols: alpn }),
      ...(requestCert
        ? {
            verify: 'verify_peer' as const,
            ...(caFile === undefined ? {} : { cacerts: [await readPem(caFile)] }),
            failIfNoPeerCert: args.flags.has('Verify'),
          }
        : {}),
      ...(booleanFlag(args, 'no_ticket') ? { sessionTickets: 'disabled' as const } : {}),
      ...(dhparam === undefined ? {} : { dhfile: dhparam }),
      // As OpenSSL 3's s_server: client-initiated renegotiation is refused (no_renegotiation warning)
      // unless -client_renegotiation; the library default stays Erlang's (allowed, rate-limited).
      clientRenegotiation: booleanFlag(args, 'client_renegotiation'),
      ...emsOptions(args),
      ...(booleanFlag(args, 'early_data') ? { earlyData: 'enabled' as const } : {}),
      ...(statusFile === undefined ? {} : { ocspResponseFile: statusFile }),
      ...(hint === undefined ? {} : { pskIdentity: hint }),
      ...(psk === undefined
        ? {}
        : {
            userLookupFun: (identity: Uint8Array) =>
              expectedIdentity === undefined || new TextDecoder().decode(identity) === expectedIdentity
                ? psk
                : undefined,
          }),
      ...(servername !== undefined && cert2 !== undefined && key2 !== undefined
        ? { sniHosts: { [servername]: { certfile: cert2, keyfile: key2 }, '': primary } }
        : {}),
    };
    if (options.sniHosts !== undefined) {
      // sniHosts and a default certificate: names not listed get the primary one.
      const { sniHosts, cert: _c, key: _k, certfile: _cf, keyfile: _kf, ...rest } = options;
      const hosts = sniHosts;
      options = {
        ...rest,
        // The engine hands sniFun a normalized name (lower case, no trailing dot): compare alike.
        sniFun: (name) => {
          const key = Object.keys(hosts).find((k) => k !== '' && name !== undefined && normalizeHostName(k) === name);
          return key === undefined ? primary : (hosts[key] ?? primary);
        },
      };
    }
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n`);
    return ExitCode.usage;
  }
  if (dtlsArgs !== undefined) return runDtlsServer(dtlsArgs, where, options, io, naccept);
  let server: Awaited<ReturnType<typeof listen>>;
  try {
    server = await listen(where.port, { ...options, ...(where.host === undefined ? {} : { host: where.host }) });
  } catch (error) {
    io.stderr(`error: ${formatError(error)}\n`);
    return ExitCode.failure;
  }
  io.stdout(`ACCEPT\n`);
  const live = new Set<SslSocket>();
  if (stdin !== undefined) void readCommands(stdin, live, io).catch(() => undefined);
  let served = 0;
  // Connections still being served; each removes itself when done, so the set stays bounded by the
  // live connections however long the server runs.
  const running = new Set<Promise<void>>();
  while (naccept === undefined || served < naccept) {
    let transport: Awaited<ReturnType<typeof server.transportAccept>>;
    try {
      transport = await server.transportAccept();
    } catch {
      break;
    }
    served++;
    const number = served;
    const connection = (async () => {
      try {
        const { handshake } = await import('sslsocket');
        // The listener's configuration: its ticket keys and session cache span connections.
        const socket = await handshake(transport);
        live.add(socket);
        try {
          if (mode === 'www') await serveWww(socket);
          else if (mode === 'WWW') await serveFiles(socket, process.cwd());
          else if (mode === 'rev') await serveReversed(socket);
          else await serveEcho(socket, io);
        } finally {
          live.delete(socket);
        }
      } catch (error) {
        io.stderr(`connection ${number}: ${formatError(error)}\n`);
      }
    })();
    running.add(connection);
    void connection.finally(() => running.delete(connection));
  }
  await Promise.all(running);
  await server.close();
  return ExitCode.ok;
}
