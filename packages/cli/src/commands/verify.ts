import { readFile } from 'node:fs/promises';
import { CertificateError, decodePem, PemError, type VerifyChainOptions, verifyChain } from '@sslsocket/pkix';
import { booleanFlag, type FlagSpec, formatHelp, integerFlag, parseArgs, stringFlag, UsageError } from '../args.js';
import { type CommandIo, ExitCode } from '../io.js';

const FLAGS: FlagSpec[] = [
  { name: 'CAfile', value: 'FILE', help: 'trusted roots (PEM)' },
  { name: 'untrusted', value: 'FILE', help: 'extra intermediate certificates (PEM)' },
  { name: 'purpose', value: 'sslserver|sslclient', help: 'required extended key usage' },
  { name: 'verify_hostname', value: 'NAME', help: 'the DNS name the leaf must match' },
  { name: 'verify_ip', value: 'IP', help: 'the IP address the leaf must match' },
  { name: 'attime', value: 'UNIX_SECONDS', help: 'validate at this time instead of now' },
  { name: 'verify_depth', value: 'N', help: 'intermediates allowed after the leaf' },
  { name: 'partial_chain', help: 'accept a chain ending at any certificate in -CAfile' },
  { name: 'batch', help: 'read JSON cases from stdin, one per line; write one JSON result per line' },
];

const USAGE = 'sslsocket verify -CAfile roots.pem [-untrusted chain.pem] [options] leaf.pem | sslsocket verify --batch';
const EXAMPLES = [
  'sslsocket verify -CAfile ca.pem -purpose sslserver -verify_hostname example.com leaf.pem',
  'echo \'{"roots":["-----BEGIN CERTIFICATE-----..."],"leaf":"..."}\' | sslsocket verify --batch',
];

/** One `--batch` input line. */
interface BatchCase {
  readonly roots: string[];
  readonly untrusted?: string[];
  readonly leaf: string;
  readonly hostname?: string;
  readonly ip?: string;
  readonly time?: number;
  readonly purpose?: 'sslserver' | 'sslclient';
  readonly maxDepth?: number;
}

function certificates(pem: string, what: string): Uint8Array[] {
  const blocks = decodePem(pem).filter((block) => block.label === 'CERTIFICATE');
  if (blocks.length === 0) throw new UsageError(`${what}: no CERTIFICATE found`);
  return blocks.map((block) => block.der);
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/** The reason printed after `error:`: Erlang-style reason names, as our errors carry them. */
function reasonOf(error: unknown): string {
  if (error instanceof CertificateError) return error.reason;
  if (error instanceof PemError || error instanceof UsageError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

async function verifyOne(leafPem: string, options: VerifyChainOptions, untrusted: Uint8Array[]): Promise<void> {
  const chain = certificates(leafPem, 'leaf');
  await verifyChain(chain.slice(0, 1), { ...options, untrusted: [...chain.slice(1), ...untrusted] });
}

async function runBatch(io: CommandIo, stdin: AsyncIterable<string | Uint8Array>): Promise<number> {
  let pending = '';
  const handle = async (line: string): Promise<void> => {
    if (line.trim() === '') return;
    let result: { ok: boolean; error?: string };
    try {
      const input = JSON.parse(line) as BatchCase;
      const options: VerifyChainOptions = {
        roots: input.roots.flatMap((pem) => certificates(pem, 'roots')),
        ...(input.hostname === undefined ? {} : { hostname: input.hostname }),
        ...(input.ip === undefined ? {} : { ip: input.ip }),
        ...(input.time === undefined ? {} : { time: new Date(input.time * 1000) }),
        ...(input.purpose === undefined ? {} : { purpose: input.purpose }),
        ...(input.maxDepth === undefined ? {} : { maxDepth: input.maxDepth }),
      };
      await verifyOne(
        input.leaf,
        options,
        (input.untrusted ?? []).flatMap((pem) => certificates(pem, 'untrusted')),
      );
      result = { ok: true };
    } catch (error) {
      result = { ok: false, error: error instanceof SyntaxError ? `bad JSON: ${error.message}` : reasonOf(error) };
    }
    io.stdout(`${JSON.stringify(result)}\n`);
  };
  for await (const chunk of stdin) {
    pending += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) await handle(line);
  }
  await handle(pending);
  return ExitCode.ok;
}

/**
 * `sslsocket verify`: like `openssl verify`. Prints `OK` (exit 0) or `error: <reason>` (exit 2);
 * `--batch` answers JSON lines on stdin with `{"ok":bool,"error"?:string}` lines.
 */
export async function runVerifyCommand(
  argv: readonly string[],
  io: CommandIo,
  stdin: AsyncIterable<string | Uint8Array> = process.stdin,
): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv, FLAGS);
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n`);
    return ExitCode.usage;
  }
  if (args.help) {
    io.stdout(`${formatHelp(USAGE, FLAGS, EXAMPLES)}\nexit codes: 0 OK, 2 verification failed or bad usage\n`);
    return ExitCode.ok;
  }
  if (booleanFlag(args, 'batch')) return runBatch(io, stdin);
  try {
    const caFile = stringFlag(args, 'CAfile');
    if (caFile === undefined && !booleanFlag(args, 'partial_chain')) throw new UsageError('-CAfile is required');
    if (args.positional.length !== 1) throw new UsageError('give exactly one certificate file to verify');
    const purpose = stringFlag(args, 'purpose');
    if (purpose !== undefined && purpose !== 'sslserver' && purpose !== 'sslclient')
      throw new UsageError('-purpose must be sslserver or sslclient');
    const attime = integerFlag(args, 'attime', 0, 2 ** 40);
    const depth = integerFlag(args, 'verify_depth', 0, 100);
    const hostname = stringFlag(args, 'verify_hostname');
    const ip = stringFlag(args, 'verify_ip');
    const untrustedFile = stringFlag(args, 'untrusted');
    const options: VerifyChainOptions = {
      roots: caFile === undefined ? [] : certificates(await readText(caFile), caFile),
      ...(purpose === undefined ? {} : { purpose }),
      ...(attime === undefined ? {} : { time: new Date(attime * 1000) }),
      ...(depth === undefined ? {} : { maxDepth: depth }),
      ...(hostname === undefined ? {} : { hostname }),
      ...(ip === undefined ? {} : { ip }),
      ...(booleanFlag(args, 'partial_chain') ? { partialChain: true } : {}),
    };
    const untrusted = untrustedFile === undefined ? [] : certificates(await readText(untrustedFile), untrustedFile);
    await verifyOne(await readText(args.positional[0] as string), options, untrusted);
    io.stdout('OK\n');
    return ExitCode.ok;
  } catch (error) {
    io.stdout(`error: ${reasonOf(error)}\n`);
    return ExitCode.usage;
  }
}
