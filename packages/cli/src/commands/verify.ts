import { readFile } from 'node:fs/promises';
import {
  CertificateError,
  type CrlCheckMode,
  decodePem,
  HttpCrlCache,
  type ParsedCertificate,
  type ParsedCrl,
  PemError,
  parseCertificate,
  parseCrl,
  type VerificationProfile,
  type VerifyChainOptions,
  type VerifyFun,
  verifyChain,
} from '@sslsocket/pkix';
import {
  booleanFlag,
  type FlagSpec,
  formatHelp,
  integerFlag,
  parseArgs,
  stringFlag,
  stringFlags,
  UsageError,
} from '../args.js';
import { type CommandIo, ExitCode } from '../io.js';
import { formatName } from '../x509/name.js';
import { verifyCode } from './verify-codes.js';

const FLAGS: FlagSpec[] = [
  { name: 'CAfile', value: 'FILE', help: 'trusted roots (PEM)' },
  { name: 'untrusted', value: 'FILE', help: 'extra intermediate certificates (PEM)', repeatable: true },
  { name: 'purpose', value: 'sslserver|sslclient', help: 'required extended key usage' },
  { name: 'verify_hostname', value: 'NAME', help: 'the DNS name the leaf must match' },
  { name: 'verify_ip', value: 'IP', help: 'the IP address the leaf must match' },
  { name: 'attime', value: 'UNIX_SECONDS', help: 'validate at this time instead of now' },
  { name: 'verify_depth', value: 'N', help: 'intermediates allowed after the leaf' },
  { name: 'partial_chain', help: 'accept a chain ending at any certificate in -CAfile' },
  { name: 'crl_check', help: "check the leaf's revocation status (a CRL must be found)" },
  { name: 'crl_check_all', help: 'check every certificate of the chain against CRLs' },
  {
    name: 'crl_download',
    help: "with -crl_check(_all): download CRLs from the certificates' http distribution points",
  },
  { name: 'CRLfile', value: 'FILE', help: 'CRLs (PEM); -CAfile may hold CRLs too', repeatable: true },
  { name: 'policy_check', help: 'accepted for openssl compatibility: RFC 5280 policy checks always run' },
  { name: 'explicit_policy', help: 'the chain must be valid for an explicit certificate policy' },
  { name: 'policy', value: 'OID', help: 'acceptable policy (user-initial-policy-set)', repeatable: true },
  {
    name: 'auth_level',
    value: 'N',
    help: 'security level: 0 accepts SHA-1 certificate signatures, 1 and up refuse them (the default)',
  },
  {
    name: 'profile',
    value: 'webpki|rfc5280',
    help: 'certificate profile: webpki (default; RFC 5280 plus the CA/Browser Forum rules) or rfc5280 (private PKIs)',
  },
  { name: 'x509_strict', help: 'accepted for openssl compatibility: strict checks are the default (profile webpki)' },
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
  /** CRLs as PEM text, and the Erlang crl_check mode. */
  readonly crls?: string[];
  readonly crlCheck?: CrlCheckMode;
  readonly profile?: VerificationProfile;
}

function certificates(pem: string, what: string): Uint8Array[] {
  const blocks = decodePem(pem).filter((block) => block.label === 'CERTIFICATE');
  if (blocks.length === 0) throw new UsageError(`${what}: no CERTIFICATE found`);
  return blocks.map((block) => block.der);
}

function crlsOf(pem: string): ParsedCrl[] {
  return decodePem(pem)
    .filter((block) => block.label === 'X509 CRL')
    .map((block) => parseCrl(block.der));
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

function profileOf(value: string): VerificationProfile {
  if (value !== 'webpki' && value !== 'rfc5280') throw new UsageError('-profile must be webpki or rfc5280');
  return value;
}

/** The reason printed after `error:`: Erlang-style reason names, as our errors carry them. */
function reasonOf(error: unknown): string {
  if (error instanceof VerifyFailure) return error.error.reason;
  if (error instanceof CertificateError) return error.reason;
  if (error instanceof PemError || error instanceof UsageError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** A failed verification: the error and, when validation named it, the certificate at fault and its depth. */
class VerifyFailure {
  constructor(
    readonly error: CertificateError,
    readonly certificate: ParsedCertificate | undefined,
    readonly depth: number,
  ) {}
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Where openssl reports a missing issuer: at the top of the chain it could build from the leaf
 * through the certificates given (each one's issuer Name the next one's subject), not at the leaf
 * where verify_fun (Erlang's rule) hears of it.
 */
function topOfPartialChain(leaf: ParsedCertificate, pool: readonly ParsedCertificate[]): [ParsedCertificate, number] {
  let top = leaf;
  let depth = 0;
  for (let next = leaf; depth < pool.length; depth++) {
    const found = pool.find(
      (c) => c !== next && sameBytes(c.subjectDer, next.issuerDer) && !sameBytes(c.der, next.der),
    );
    if (found === undefined || sameBytes(found.subjectDer, found.issuerDer)) break;
    next = found;
    top = found;
  }
  return [top, depth];
}

/**
 * Verifies; a CertificateError comes back as a VerifyFailure carrying the certificate the problem
 * was found in (seen through a verify_fun that only records and answers 'unknown', which changes
 * no verdict: problems still fail and extensions are left to validation).
 */
async function verifyOne(leafPem: string, options: VerifyChainOptions, untrusted: Uint8Array[]): Promise<void> {
  const chain = certificates(leafPem, 'leaf');
  const faults: { reason: string; certificate: ParsedCertificate }[] = [];
  const record: VerifyFun = (certificate, event) => {
    if (event.type === 'bad_cert') faults.push({ reason: event.reason, certificate });
    return 'unknown';
  };
  try {
    await verifyChain(chain.slice(0, 1), {
      ...options,
      untrusted: [...chain.slice(1), ...untrusted],
      verifyFun: record,
    });
  } catch (error) {
    if (!(error instanceof CertificateError)) throw error;
    const leaf = chain[0] === undefined ? undefined : parseCertificate(chain[0]);
    if (error.reason === 'unknown_ca' && leaf !== undefined) {
      const pool = [...chain.slice(1), ...untrusted].map((der) => parseCertificate(der));
      throw new VerifyFailure(error, ...topOfPartialChain(leaf, pool));
    }
    const certificate =
      faults.findLast((fault) => fault.reason === error.reason)?.certificate ?? (error.depth === 0 ? leaf : undefined);
    throw new VerifyFailure(error, certificate, error.depth ?? 0);
  }
}

/**
 * The lines `openssl verify` writes to stderr for a failure — the subject of the certificate at
 * fault, `error N at D depth lookup: TEXT` (X509_V_ERR code and text), `error FILE: verification
 * failed` — and then our own detail line with the whole reason and message.
 */
function failureLines(failure: VerifyFailure, file: string): string {
  const { error, certificate, depth } = failure;
  const { code, text } = verifyCode(error.reason);
  return [
    ...(certificate === undefined ? [] : [formatName(certificate.subjectDer)]),
    `error ${code} at ${depth} depth lookup: ${text}`,
    `error ${file}: verification failed`,
    `detail: ${error.message}`,
    '',
  ].join('\n');
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
        ...(input.crls === undefined ? {} : { crls: input.crls.flatMap(crlsOf) }),
        ...(input.crlCheck === undefined ? {} : { crlCheck: input.crlCheck }),
        ...(input.profile === undefined ? {} : { profile: profileOf(input.profile) }),
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
 * `sslsocket verify`: like `openssl verify`. Prints `OK` (exit 0) or `error: <reason>` (exit 2)
 * on stdout; a failed verification also writes openssl's lines to stderr (the subject at fault,
 * `error N at D depth lookup: TEXT`, `error FILE: verification failed`) and a `detail:` line;
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
    const authLevel = integerFlag(args, 'auth_level', 0, 5);
    const caText = caFile === undefined ? undefined : await readText(caFile);
    // openssl loads CRLs from -CAfile as well as from -CRLfile.
    const crls = caText === undefined ? [] : crlsOf(caText);
    for (const file of stringFlags(args, 'CRLfile')) crls.push(...crlsOf(await readText(file)));
    // OpenSSL -crl_check checks the leaf only (Erlang crl_check peer); -crl_check_all the whole chain.
    const crlCheck: CrlCheckMode = booleanFlag(args, 'crl_check_all')
      ? true
      : booleanFlag(args, 'crl_check')
        ? 'peer'
        : false;
    const policies = stringFlags(args, 'policy');
    const profile = stringFlag(args, 'profile');
    const options: VerifyChainOptions = {
      roots: caText === undefined ? [] : certificates(caText, caFile as string),
      ...(purpose === undefined ? {} : { purpose }),
      ...(attime === undefined ? {} : { time: new Date(attime * 1000) }),
      ...(depth === undefined ? {} : { maxDepth: depth }),
      ...(hostname === undefined ? {} : { hostname }),
      ...(ip === undefined ? {} : { ip }),
      ...(booleanFlag(args, 'partial_chain') ? { partialChain: true } : {}),
      ...(crlCheck === false ? {} : { crlCheck, crls }),
      // OpenSSL -crl_download: fetch the CRL a certificate's cRLDistributionPoints names (http only).
      ...(crlCheck !== false && booleanFlag(args, 'crl_download') ? { crlCache: new HttpCrlCache() } : {}),
      ...(booleanFlag(args, 'explicit_policy') ? { explicitPolicy: true } : {}),
      ...(policies.length === 0 ? {} : { policies }),
      ...(authLevel === 0 ? { allowSha1: true } : {}),
      ...(profile === undefined ? {} : { profile: profileOf(profile) }),
    };
    const untrusted: Uint8Array[] = [];
    for (const file of stringFlags(args, 'untrusted')) untrusted.push(...certificates(await readText(file), file));
    await verifyOne(await readText(args.positional[0] as string), options, untrusted);
    io.stdout('OK\n');
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof VerifyFailure) io.stderr(failureLines(error, args.positional[0] as string));
    io.stdout(`error: ${reasonOf(error)}\n`);
    return ExitCode.usage;
  }
}
