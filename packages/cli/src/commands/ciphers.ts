import {
  CipherStringError,
  type CipherSuite,
  cipherSuites,
  parseCipherString,
  parseTls13CipherSuites,
  UnknownCipherSuiteError,
} from '@sslsocket/suites';
import { booleanFlag, type FlagSpec, formatHelp, parseArgs, stringFlag, UsageError } from '../args.js';
import { type CommandIo, ExitCode } from '../io.js';

const FLAGS: FlagSpec[] = [
  { name: 'v', help: 'verbose: one suite per line with protocol, key exchange, authentication, cipher and MAC' },
  { name: 'stdname', help: 'with -v, show the RFC (IANA) name beside the OpenSSL name' },
  { name: 'tls1_2', help: 'list only TLS 1.2 suites' },
  { name: 'tls1_3', help: 'list only TLS 1.3 suites' },
  { name: 'ciphersuites', value: 'LIST', help: 'TLS 1.3 suites to list (colon-separated RFC names)' },
];

const USAGE = 'sslsocket ciphers [-v] [-stdname] [-tls1_2|-tls1_3] [-ciphersuites LIST] [CIPHERSTRING]';
const EXAMPLES = [
  'sslsocket ciphers',
  "sslsocket ciphers -v -stdname 'ECDHE+AESGCM:!aNULL'",
  'sslsocket ciphers -tls1_3',
];

const KX: Record<string, string> = {
  any: 'any',
  ecdhe: 'ECDH',
  dhe: 'DH',
  rsa: 'RSA',
  psk: 'PSK',
  ecdhe_psk: 'ECDHEPSK',
  dhe_psk: 'DHEPSK',
  rsa_psk: 'RSAPSK',
  dh_anon: 'DH',
  ecdh_anon: 'ECDH',
};
const AU: Record<string, string> = { any: 'any', ecdsa: 'ECDSA', rsa: 'RSA', psk: 'PSK', anon: 'None' };

function encryption(suite: CipherSuite): string {
  const bits = suite.keyLength * 8;
  if (suite.cipher === 'chacha20_poly1305') return 'CHACHA20/POLY1305(256)';
  if (suite.cipher.endsWith('gcm')) return `AESGCM(${bits})`;
  if (suite.cipher.endsWith('ccm_8')) return `AESCCM8(${bits})`;
  if (suite.cipher.endsWith('ccm')) return `AESCCM(${bits})`;
  return `AES(${bits})`;
}

function describe(suite: CipherSuite, stdname: boolean): string {
  const openssl = suite.opensslName ?? suite.name;
  const version = suite.versions.includes('tlsv1.3') ? 'TLSv1.3' : suite.mac === 'sha' ? 'SSLv3' : 'TLSv1.2';
  const mac = suite.mac === 'aead' ? 'AEAD' : suite.mac === 'sha' ? 'SHA1' : suite.mac.toUpperCase();
  const columns = [
    openssl.padEnd(30),
    version.padEnd(7),
    `Kx=${KX[suite.keyExchange]}`.padEnd(11),
    `Au=${AU[suite.authentication]}`.padEnd(8),
    `Enc=${encryption(suite)}`.padEnd(26),
    `Mac=${mac}`,
  ];
  return stdname ? `${suite.name.padEnd(45)} - ${columns.join(' ')}` : columns.join(' ');
}

/** `sslsocket ciphers`: lists suites like `openssl ciphers`. Exit 0, or 2 for a bad string or flag. */
export function runCiphers(argv: readonly string[], io: CommandIo): number {
  try {
    const args = parseArgs(argv, FLAGS);
    if (args.help) {
      io.stdout(
        `${formatHelp(USAGE, FLAGS, EXAMPLES)}\nexit codes: 0 listed, 2 bad flag or a cipher string that selects nothing\n`,
      );
      return ExitCode.ok;
    }
    if (args.positional.length > 1) throw new UsageError('give at most one cipher string');
    const only12 = booleanFlag(args, 'tls1_2');
    const only13 = booleanFlag(args, 'tls1_3');
    if (only12 && only13) throw new UsageError('-tls1_2 and -tls1_3 are exclusive');
    const tls13List = stringFlag(args, 'ciphersuites');
    const tls13 = only12
      ? []
      : tls13List === undefined
        ? cipherSuites('default', 'tlsv1.3')
        : parseTls13CipherSuites(tls13List);
    const tls12 = only13 ? [] : parseCipherString(args.positional[0] ?? 'DEFAULT');
    const suites = [...tls13, ...tls12];
    if (booleanFlag(args, 'v')) {
      io.stdout(`${suites.map((suite) => describe(suite, booleanFlag(args, 'stdname'))).join('\n')}\n`);
    } else {
      io.stdout(`${suites.map((suite) => suite.opensslName ?? suite.name).join(':')}\n`);
    }
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof UsageError || error instanceof CipherStringError || error instanceof UnknownCipherSuiteError) {
      io.stderr(`error: ${error.message}\n`);
      return ExitCode.usage;
    }
    throw error;
  }
}
