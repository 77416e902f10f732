import { type CipherSuite, type CryptoProvider, cipherSuites, suiteByName } from '@sslsocket/suites';
import { generateSelfSigned, resolveProvider } from 'sslsocket';
import { type FlagSpec, formatHelp, integerFlag, numberFlag, parseArgs, stringFlag, UsageError } from '../args.js';
import { type CommandIo, ExitCode, processIo } from '../io.js';
import {
  connectionUnsupported,
  measureConnection,
  measureRecord,
  type ServerIdentity,
  suiteVersion,
} from './speed-measure.js';
import { OPENSSL_COMMAND, opensslVersion } from './speed-openssl.js';
import { OpensslComparison } from './speed-openssl-compare.js';
import { ProgressDisplay } from './speed-progress.js';

const FLAGS: FlagSpec[] = [
  { name: 'seconds', value: 'N', help: 'seconds per measurement, decimals allowed (default 1)' },
  { name: 'provider', value: 'NAME', help: 'crypto provider: node (default), noble, webcrypto, or all three' },
  { name: 'bytes', value: 'N', help: 'plaintext bytes per record in the record-layer test (default 16384)' },
  {
    name: 'compare',
    value: 'TOOL',
    help: "'openssl': also run 'openssl speed -evp CIPHER -bytes N' (encrypt and -decrypt) per suite",
  },
];

const USAGE =
  'sslsocket speed [-seconds N] [-provider node|noble|webcrypto|all] [-bytes N] [-compare openssl] [SUITE...]';
const EXAMPLES = [
  'sslsocket speed',
  'sslsocket speed -seconds 3 -provider all TLS_AES_128_GCM_SHA256',
  'sslsocket speed ECDHE-ECDSA-CHACHA20-POLY1305 TLS_CHACHA20_POLY1305_SHA256',
  'sslsocket speed -compare openssl TLS_AES_128_GCM_SHA256 TLS_CHACHA20_POLY1305_SHA256',
];
/** TLS 1.2 AEAD suites measured by default: the ones our generated ECDSA identity can serve. */
const DEFAULT_TLS12 = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
];

const HELP_TAIL = `
Each suite gets two measurements:
  record      seal + open of -bytes records with the suite's record protection (no I/O), MB/s of plaintext
  connection  a client and a server (both sslsocket, this process) over an in-memory transport pair:
              MB/s the server received, and the handshake time
SUITE is an RFC or OpenSSL name (see 'sslsocket ciphers -v -stdname'). Without one: the TLS 1.3 suites
and ${DEFAULT_TLS12.join(', ')}.
With -compare openssl, two more columns: 'openssl MB/s', OpenSSL's rate for the suite's bulk cipher
at the same record size as one encryption and one decryption per record (1 / (1/enc + 1/dec), from
'openssl speed -elapsed -evp CIPHER -bytes N' and the same with -decrypt; wall-clock time like our
columns; whole seconds, at least 1), and
'record/openssl', our record column divided by it. No framing, nonces or I/O on OpenSSL's side.
Each cipher is timed once, right after our record figure for the first suite that uses it; lines
under the table name the openssl version and the suites where OpenSSL times less than a record
(CBC without its HMAC, CCM_8 with a 16-byte tag). openssl must be on PATH (checked first).
Progress goes to stderr (a live line on a terminal, one line per measurement otherwise); the table
goes to stdout: one row per suite and provider, '-' where a measurement does not apply.

exit codes: 0 every measurement ran, 1 a measurement failed or openssl is missing, 2 bad flag or unknown suite
`;

type ProviderName = 'node' | 'noble' | 'webcrypto';

/** One row of the final table. */
export interface SpeedRow {
  readonly suite: string;
  readonly version: string;
  readonly provider: ProviderName;
  readonly recordMBps: number | undefined;
  readonly connectionMBps: number | undefined;
  readonly handshakeMs: number | undefined;
  /** With `-compare openssl`: OpenSSL's seal + open rate for the suite's cipher (same record size). */
  readonly opensslMBps?: number | undefined;
}

/** Options for tests: force the terminal progress display on or off, run another openssl command. */
export interface SpeedOptions {
  readonly tty?: boolean;
  /** The command `-compare openssl` runs (default `openssl` from PATH). */
  readonly openssl?: string;
}

function providersFrom(value: string | undefined): ProviderName[] {
  const name = value ?? 'node';
  if (name === 'all') return ['node', 'noble', 'webcrypto'];
  if (name === 'node' || name === 'noble' || name === 'webcrypto') return [name];
  throw new UsageError(`-provider must be node, noble, webcrypto or all, got '${name}'`);
}

function suitesFrom(names: readonly string[]): CipherSuite[] {
  if (names.length === 0) {
    return [...cipherSuites('default', 'tlsv1.3'), ...DEFAULT_TLS12.map((name) => suiteByName(name) as CipherSuite)];
  }
  return names.map((name) => {
    const suite = suiteByName(name);
    if (suite === undefined) {
      throw new UsageError(`unknown cipher suite '${name}' (RFC or OpenSSL names; see sslsocket ciphers -v -stdname)`);
    }
    return suite;
  });
}

const formatNumber = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(1));

/** Column widths that fit every default suite and provider, so runs line up with each other. */
const MIN_WIDTHS = [45, 7, 9, 11, 15, 12, 12, 14];

/**
 * The table on stdout: fixed columns, numbers right-aligned with one decimal, so scripts can split on
 * spaces. `compare`: the two OpenSSL columns (its MB/s and our record column divided by it) at the end.
 */
export function formatSpeedTable(rows: readonly SpeedRow[], compare = false): string {
  const header = ['suite', 'version', 'provider', 'record MB/s', 'connection MB/s', 'handshake ms'];
  if (compare) header.push('openssl MB/s', 'record/openssl');
  const cells = rows.map((row) => {
    const line = [
      row.suite,
      row.version === 'tlsv1.3' ? 'TLSv1.3' : 'TLSv1.2',
      row.provider,
      formatNumber(row.recordMBps),
      formatNumber(row.connectionMBps),
      formatNumber(row.handshakeMs),
    ];
    if (compare) {
      const ratio =
        row.recordMBps === undefined || row.opensslMBps === undefined
          ? '-'
          : (row.recordMBps / row.opensslMBps).toFixed(3);
      line.push(formatNumber(row.opensslMBps), ratio);
    }
    return line;
  });
  const widths = header.map((title, i) =>
    Math.max(title.length, MIN_WIDTHS[i] as number, ...cells.map((line) => (line[i] as string).length)),
  );
  const render = (line: readonly string[]): string =>
    line.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  ');
  return `${[render(header), ...cells.map(render)].join('\n')}\n`;
}

async function measureAll(
  suites: readonly CipherSuite[],
  providers: readonly ProviderName[],
  seconds: number,
  recordSize: number,
  display: ProgressDisplay,
  afterRecord?: (suite: CipherSuite) => Promise<void>,
): Promise<{ rows: SpeedRow[]; failures: number }> {
  const identity: ServerIdentity = await generateSelfSigned().then((generated) => ({
    cert: generated.certificatePem,
    key: generated.keyPem,
  }));
  const rows: SpeedRow[] = [];
  let failures = 0;
  let step = 0;
  for (const providerName of providers) {
    const provider: CryptoProvider = await resolveProvider(providerName);
    for (const suite of suites) {
      const label = `${suite.name} ${providerName}`;
      let recordMBps: number | undefined;
      let connectionMBps: number | undefined;
      let handshakeMs: number | undefined;
      step++;
      try {
        const record = await measureRecord(suite, provider, seconds, recordSize, display.step(step, `${label} record`));
        recordMBps = record.megabytesPerSecond;
        display.done(step, `${label} record`, `${recordMBps.toFixed(1)} MB/s`);
      } catch (error) {
        failures++;
        display.done(step, `${label} record`, `failed: ${(error as Error).message}`);
      }
      // -compare openssl: OpenSSL's figure for the suite's cipher right after ours, same machine state.
      if (providerName === providers[0]) await afterRecord?.(suite);
      step++;
      const skip = connectionUnsupported(suite);
      if (skip !== undefined) {
        display.done(step, `${label} connection`, `skipped: ${skip}`);
      } else {
        try {
          const conn = await measureConnection(
            suite,
            provider,
            seconds,
            identity,
            display.step(step, `${label} connection`),
          );
          connectionMBps = conn.megabytesPerSecond;
          handshakeMs = conn.handshakeMs;
          display.done(
            step,
            `${label} connection`,
            `${connectionMBps.toFixed(1)} MB/s, handshake ${handshakeMs.toFixed(1)} ms`,
          );
        } catch (error) {
          failures++;
          display.done(step, `${label} connection`, `failed: ${(error as Error).message}`);
        }
      }
      rows.push({
        suite: suite.name,
        version: suiteVersion(suite),
        provider: providerName,
        recordMBps,
        connectionMBps,
        handshakeMs,
      });
    }
  }
  display.finish();
  return { rows, failures };
}

/**
 * `sslsocket speed`: record-layer and in-memory connection throughput per suite and provider.
 * Exit 0 when every measurement ran, 1 when one failed, 2 for a bad flag or suite name.
 *
 * @example
 * await runSpeed(['-seconds', '0.5', 'TLS_AES_128_GCM_SHA256'], processIo);
 */
export async function runSpeed(argv: readonly string[], io: CommandIo, options: SpeedOptions = {}): Promise<number> {
  let seconds: number;
  let recordSize: number;
  let suites: CipherSuite[];
  let providers: ProviderName[];
  let compare: boolean;
  try {
    const args = parseArgs(argv, FLAGS);
    if (args.help) {
      io.stdout(`${formatHelp(USAGE, FLAGS, EXAMPLES)}${HELP_TAIL}`);
      return ExitCode.ok;
    }
    seconds = numberFlag(args, 'seconds', 0.01, 3600) ?? 1;
    recordSize = integerFlag(args, 'bytes', 1, 16384) ?? 16384;
    providers = providersFrom(stringFlag(args, 'provider'));
    suites = suitesFrom(args.positional);
    const tool = stringFlag(args, 'compare');
    if (tool !== undefined && tool.toLowerCase() !== 'openssl')
      throw new UsageError(`-compare takes 'openssl', got '${tool}'`);
    compare = tool !== undefined;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n`);
      return ExitCode.usage;
    }
    throw error;
  }
  const tty = options.tty ?? (io === processIo && process.stderr.isTTY === true);
  const display = new ProgressDisplay(io, tty, suites.length * providers.length * 2);
  let openssl: OpensslComparison | undefined;
  if (compare) {
    // Before measuring anything: a missing openssl fails now, not after minutes of our own figures.
    const command = options.openssl ?? OPENSSL_COMMAND;
    const probe = await opensslVersion(command);
    if ('error' in probe) {
      io.stderr(`error: -compare openssl: ${probe.error}\n`);
      return ExitCode.failure;
    }
    openssl = new OpensslComparison(display, suites.length, recordSize, seconds, command, probe.version);
  }
  const measured = await measureAll(suites, providers, seconds, recordSize, display, (suite) =>
    openssl === undefined ? Promise.resolve() : openssl.measure(suite),
  );
  const rows = openssl === undefined ? measured.rows : openssl.addTo(measured.rows);
  const failures = measured.failures + (openssl?.failures ?? 0);
  io.stdout(formatSpeedTable(rows, compare));
  io.stdout(
    `(${seconds} s per measurement; record: ${recordSize}-byte records sealed and opened; connection: 64 KiB writes client -> server in memory)\n`,
  );
  if (openssl !== undefined) io.stdout(openssl.footnotes());
  return failures === 0 ? ExitCode.ok : ExitCode.failure;
}
