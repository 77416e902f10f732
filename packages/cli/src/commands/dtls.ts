/**
 * `s_client -dtls1_2` / `s_server -dtls1_2` as OpenSSL spells them: DTLS 1.2 over UDP (RFC 6347)
 * through sslsocket's `protocol: 'dtls'`, with `-mtu` and `-use_srtp` (RFC 5764, OpenSSL's profile
 * names). Each stdin line goes out as one datagram; each datagram received is printed as it came.
 * @module
 */
import { suiteByName } from '@sslsocket/suites';
import {
  type ClientOptions,
  connect,
  type DtlsClientOptions,
  type DtlsListenSocket,
  type DtlsServerOptions,
  type DtlsSocket,
  formatError,
  listen,
  type ServerOptions,
} from 'sslsocket';
import { booleanFlag, type FlagSpec, type ParsedArgs, stringFlag, UsageError } from '../args.js';
import { type CommandIo, ExitCode } from '../io.js';
import type { AcceptAddress } from './accept-address.js';

/** The DTLS flags both commands take. */
export const DTLS_FLAGS: FlagSpec[] = [
  { name: 'dtls1_2', help: 'DTLS 1.2 over UDP (RFC 6347) instead of TLS over TCP' },
  { name: 'dtls', help: 'DTLS over UDP (1.2, the only DTLS version here)' },
  { name: 'mtu', value: 'BYTES', help: 'DTLS: path MTU for handshake fragmentation (default 1200)' },
  { name: 'use_srtp', value: 'LIST', help: 'DTLS-SRTP profiles, colon-separated (SRTP_AES128_CM_SHA1_80:...)' },
];

/** OpenSSL's SRTP profile names (`-use_srtp`) and the RFC 5764 / RFC 7714 ones. */
const SRTP_NAMES: Record<string, NonNullable<DtlsClientOptions['srtpProfiles']>[number]> = {
  SRTP_AES128_CM_SHA1_80: 'SRTP_AES128_CM_HMAC_SHA1_80',
  SRTP_AES128_CM_SHA1_32: 'SRTP_AES128_CM_HMAC_SHA1_32',
  SRTP_AEAD_AES_128_GCM: 'SRTP_AEAD_AES_128_GCM',
  SRTP_AEAD_AES_256_GCM: 'SRTP_AEAD_AES_256_GCM',
};

/** Whether `-dtls1_2` / `-dtls` was given (exclusive with the TLS version flags). */
export function wantsDtls(args: ParsedArgs): boolean {
  const dtls = booleanFlag(args, 'dtls1_2') || booleanFlag(args, 'dtls');
  if (dtls && (booleanFlag(args, 'tls1_2') || booleanFlag(args, 'tls1_3')))
    throw new UsageError('-dtls1_2 and -tls1_2/-tls1_3 are exclusive');
  if (!dtls && (stringFlag(args, 'mtu') !== undefined || stringFlag(args, 'use_srtp') !== undefined))
    throw new UsageError('-mtu and -use_srtp need -dtls1_2');
  return dtls;
}

/** The DTLS options from `-mtu` and `-use_srtp`. */
function dtlsExtra(args: ParsedArgs): Pick<DtlsClientOptions, 'mtu' | 'srtpProfiles'> {
  const mtu = stringFlag(args, 'mtu');
  const srtp = stringFlag(args, 'use_srtp');
  const profiles = srtp?.split(':').map((name) => {
    const profile = SRTP_NAMES[name] ?? Object.values(SRTP_NAMES).find((p) => p === name);
    if (profile === undefined)
      throw new UsageError(`-use_srtp: unknown profile ${name} (${Object.keys(SRTP_NAMES).join(', ')})`);
    return profile;
  });
  if (mtu !== undefined && !/^\d+$/.test(mtu)) throw new UsageError('-mtu must be a number of bytes');
  return {
    ...(mtu === undefined ? {} : { mtu: Number(mtu) }),
    ...(profiles === undefined ? {} : { srtpProfiles: profiles }),
  };
}

/** The lines OpenSSL prints about a DTLS session (Protocol, Cipher in OpenSSL's name, SRTP). */
function summary(socket: DtlsSocket): string {
  const info = socket.connectionInformation();
  const openssl = suiteByName(info.selectedCipherSuite)?.opensslName ?? info.selectedCipherSuite;
  const lines = [
    `New, DTLSv1.2, Cipher is ${openssl}`,
    '    Protocol  : DTLSv1.2',
    `    Cipher    : ${openssl}`,
    `    Extended master secret: ${info.extendedMasterSecret ? 'yes' : 'no'}`,
  ];
  const srtp = info.srtpProfile;
  if (srtp !== undefined) {
    const name = Object.entries(SRTP_NAMES).find(([, p]) => p === srtp)?.[0] ?? srtp;
    lines.push(`SRTP Extension negotiated, profile=${name}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Copies the socket's datagrams to stdout until the peer closes. */
async function printIncoming(socket: DtlsSocket, io: CommandIo): Promise<void> {
  for await (const datagram of socket) io.stdout(new TextDecoder().decode(datagram));
}

/** `s_client -dtls1_2`: connects, prints the summary, sends stdin line by line, prints what comes. */
export async function runDtlsClient(
  args: ParsedArgs,
  target: { host: string; port: number },
  options: ClientOptions,
  io: CommandIo,
  stdin: AsyncIterable<Uint8Array | string>,
): Promise<number> {
  const { versions: _v, protocol: _p, ...rest } = options;
  let socket: DtlsSocket;
  try {
    const dtlsOptions: DtlsClientOptions = { ...rest, ...dtlsExtra(args), protocol: 'dtls' };
    socket = await connect(target.host, target.port, dtlsOptions);
  } catch (error) {
    io.stderr(`error: ${formatError(error)}\n`);
    return ExitCode.failure;
  }
  io.stdout('CONNECTED\n');
  if (!booleanFlag(args, 'quiet')) io.stdout(summary(socket));
  const incoming = printIncoming(socket, io).catch((error: unknown) => {
    io.stderr(`error: ${formatError(error)}\n`);
  });
  let pending = '';
  for await (const chunk of stdin) {
    pending += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) await socket.send(`${line}\n`);
  }
  if (pending !== '') await socket.send(pending);
  // Give the peer's answer to the last line a moment, as s_client does before it closes at EOF.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await socket.close();
  await incoming;
  return ExitCode.ok;
}

/** `s_server -dtls1_2`: prints ACCEPT, then each association's datagrams, echoing nothing back. */
export async function runDtlsServer(
  args: ParsedArgs,
  where: AcceptAddress,
  options: ServerOptions,
  io: CommandIo,
  naccept: number | undefined,
): Promise<number> {
  const { versions: _v, protocol: _p, ...rest } = options;
  let server: DtlsListenSocket;
  try {
    const dtlsOptions: DtlsServerOptions & { host?: string } = {
      ...rest,
      ...dtlsExtra(args),
      protocol: 'dtls',
      ...(where.host === undefined ? {} : { host: where.host }),
    };
    server = await listen(where.port, dtlsOptions);
  } catch (error) {
    io.stderr(`error: ${formatError(error)}\n`);
    return ExitCode.failure;
  }
  io.stdout('ACCEPT\n');
  let served = 0;
  const running = new Set<Promise<void>>();
  while (naccept === undefined || served < naccept) {
    let socket: DtlsSocket;
    try {
      socket = await server.accept();
    } catch (error) {
      if ((error as Error).name === 'TransportError') break;
      io.stderr(`connection ${served + 1}: ${formatError(error)}\n`);
      served++;
      continue;
    }
    served++;
    if (!booleanFlag(args, 'quiet')) io.stdout(summary(socket));
    const done = printIncoming(socket, io)
      .catch((error: unknown) => io.stderr(`error: ${formatError(error)}\n`))
      .finally(() => socket.close());
    running.add(done);
    void done.finally(() => running.delete(done));
  }
  await Promise.all(running);
  await server.close();
  return ExitCode.ok;
}
