import { readFile, writeFile } from 'node:fs/promises';
import { cipherSuites, parseCipherString } from '@sslsocket/suites';
import type { ClientOptions, CommonOptions } from 'sslsocket';
import { booleanFlag, type FlagSpec, type ParsedArgs, stringFlag, stringFlags, UsageError } from '../args.js';

/** Flags `s_client` and `s_server` share, spelled as OpenSSL spells them. */
export const COMMON_TLS_FLAGS: FlagSpec[] = [
  { name: 'CAfile', value: 'FILE', help: 'trusted roots (PEM) for verifying the peer' },
  { name: 'cert', value: 'FILE', help: 'our certificate chain (PEM)' },
  { name: 'key', value: 'FILE', help: 'our private key (PEM)' },
  { name: 'pass', value: 'ARG', help: 'key password, as pass:SECRET' },
  { name: 'tls1_2', help: 'only TLS 1.2' },
  { name: 'tls1_3', help: 'only TLS 1.3' },
  { name: 'cipher', value: 'LIST', help: 'TLS 1.2 suites, an OpenSSL cipher string' },
  { name: 'ciphersuites', value: 'LIST', help: 'TLS 1.3 suites, colon-separated' },
  { name: 'groups', value: 'LIST', help: 'key-exchange groups, colon-separated (x25519:P-256:...)' },
  { name: 'sigalgs', value: 'LIST', help: 'signature schemes, colon-separated' },
  { name: 'alpn', value: 'LIST', help: 'ALPN protocols, comma-separated' },
  { name: 'keylogfile', value: 'FILE', help: 'append TLS secrets in SSLKEYLOGFILE format' },
  { name: 'psk', value: 'HEX', help: 'pre-shared key in hex (TLS 1.2 PSK suites; TLS 1.3 external PSK)' },
  { name: 'psk_identity', value: 'ID', help: 'PSK identity (client: to send; server: to expect)' },
  { name: 'provider', value: 'NAME', help: 'crypto provider: node (default), noble or webcrypto' },
  { name: 'quiet', help: 'print less' },
];

const GROUP_ALIASES: Record<string, string> = {
  'P-256': 'secp256r1',
  'P-384': 'secp384r1',
  'P-521': 'secp521r1',
  X25519: 'x25519',
  X448: 'x448',
};

/** Options both commands derive from the shared flags. */
export async function commonOptions(args: ParsedArgs): Promise<CommonOptions> {
  if (booleanFlag(args, 'tls1_2') && booleanFlag(args, 'tls1_3'))
    throw new UsageError('-tls1_2 and -tls1_3 are exclusive');
  const provider = stringFlag(args, 'provider') ?? 'node';
  if (provider !== 'node' && provider !== 'noble' && provider !== 'webcrypto')
    throw new UsageError('-provider must be node, noble or webcrypto');
  const psk = stringFlag(args, 'psk');
  if (psk !== undefined && !/^([0-9a-fA-F]{2})+$/.test(psk)) throw new UsageError('-psk must be hex bytes');
  const ciphers = suiteList(stringFlag(args, 'ciphersuites'), stringFlag(args, 'cipher'), psk !== undefined);
  const groups = stringFlag(args, 'groups');
  const sigalgs = stringFlag(args, 'sigalgs');
  const keylogFile = stringFlag(args, 'keylogfile');
  const pass = stringFlag(args, 'pass');
  return {
    provider,
    ...(booleanFlag(args, 'tls1_2')
      ? { versions: ['tlsv1.2'] as const }
      : booleanFlag(args, 'tls1_3')
        ? { versions: ['tlsv1.3'] as const }
        : {}),
    ...(ciphers === undefined ? {} : { ciphers }),
    ...(groups === undefined
      ? {}
      : { eccs: groups.split(':').map((g) => GROUP_ALIASES[g] ?? g) as CommonOptions['eccs'] & string[] }),
    ...(sigalgs === undefined
      ? {}
      : { signatureAlgs: sigalgs.split(':') as NonNullable<CommonOptions['signatureAlgs']> & string[] }),
    ...(stringFlag(args, 'cert') === undefined ? {} : { certfile: stringFlag(args, 'cert') as string }),
    ...(stringFlag(args, 'key') === undefined ? {} : { keyfile: stringFlag(args, 'key') as string }),
    ...(pass === undefined ? {} : { password: pass.replace(/^pass:/, '') }),
    ...(keylogFile === undefined
      ? {}
      : { keylog: (line: string) => void writeFile(keylogFile, `${line}\n`, { flag: 'a' }) }),
  };
}

/**
 * `-ciphersuites` (TLS 1.3 names) and `-cipher` (an OpenSSL string for TLS 1.2) as one suite list:
 * each flag replaces only its own version's defaults, as in OpenSSL. `-psk` adds the PSK suites.
 */
function suiteList(tls13: string | undefined, tls12: string | undefined, psk: boolean): string[] | undefined {
  if (tls13 === undefined && tls12 === undefined && !psk) return undefined;
  const first = tls13 === undefined ? cipherSuites('default', 'tlsv1.3').map((s) => s.name) : tls13.split(':');
  let second: string[];
  try {
    const base = tls12 ?? 'DEFAULT';
    second = parseCipherString(psk && tls12 === undefined ? `${base}:PSK` : base).map((s) => s.name);
  } catch (error) {
    throw new UsageError(`-cipher: ${(error as Error).message}`);
  }
  return [...first, ...second];
}

/** `-psk HEX` as bytes. */
export function pskKey(args: ParsedArgs): Uint8Array | undefined {
  const hex = stringFlag(args, 'psk');
  return hex === undefined ? undefined : new Uint8Array(Buffer.from(hex, 'hex'));
}

/** `-alpn h2,http/1.1` as a list. */
export function alpnList(args: ParsedArgs): string[] | undefined {
  const value = stringFlags(args, 'alpn').join(',');
  return value === '' ? undefined : value.split(',').filter((protocol) => protocol !== '');
}

/** `HOST:PORT`, `[v6]:PORT` or `PORT`. */
export function hostPort(value: string, defaultHost: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value) ?? /^()()(\d+)$/.exec(value);
  const port = Number(match?.[3]);
  if (match === null || !(port >= 0 && port <= 65535)) throw new UsageError(`expected [HOST:]PORT, got '${value}'`);
  return { host: match[1] || match[2] || defaultHost, port };
}

/** Reads a PEM file for `-CAfile`. */
export async function readPem(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

export type { ClientOptions };
