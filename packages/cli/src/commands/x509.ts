import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { decodePem, encodePem } from '@sslsocket/pkix';
import { type FlagSpec, formatHelp, integerFlag, parseArgs, stringFlag, stringFlags, UsageError } from '../args.js';
import { type CommandIo, ExitCode } from '../io.js';
import { colonHex, extensionOid, printExtension } from '../x509/extensions.js';
import { type CertificateFields, certificateFields, opensslDate } from '../x509/fields.js';
import { formatName } from '../x509/name.js';
import { certificateText } from '../x509/text.js';

const DIGESTS = ['sha1', 'sha256', 'sha384', 'sha512', 'md5'] as const;

/** Flags that print something, in the order OpenSSL would print them if given in that order. */
const PRINTERS = ['text', 'subject', 'issuer', 'serial', 'startdate', 'enddate', 'dates', 'fingerprint', 'ext'];

const FLAGS: FlagSpec[] = [
  { name: 'in', value: 'FILE', help: 'the certificate (PEM or DER; default standard input)' },
  { name: 'inform', value: 'PEM|DER', help: 'input format (default: PEM, DER recognised too)' },
  { name: 'noout', help: 'do not print the certificate PEM' },
  { name: 'text', help: 'print the whole certificate' },
  { name: 'subject', help: 'print subject=NAME' },
  { name: 'issuer', help: 'print issuer=NAME' },
  { name: 'serial', help: 'print serial=HEX' },
  { name: 'dates', help: 'print notBefore= and notAfter=' },
  { name: 'startdate', help: 'print notBefore=' },
  { name: 'enddate', help: 'print notAfter=' },
  { name: 'fingerprint', help: 'print the DER digest (SHA-1 unless a digest flag is given)' },
  ...DIGESTS.map((name) => ({ name, help: `digest for -fingerprint: ${name.toUpperCase()}` })),
  { name: 'ext', value: 'NAMES', help: 'print these extensions (comma-separated: subjectAltName,keyUsage,...)' },
  {
    name: 'checkend',
    value: 'SECONDS',
    help: 'exit 1 when the certificate expires within SECONDS (prints whether it will)',
  },
];

const USAGE = 'sslsocket x509 [-in FILE] [-noout] [-text] [-subject] [-issuer] [-dates] [-fingerprint -sha256] ...';
const EXAMPLES = [
  'sslsocket x509 -in cert.pem -noout -subject -enddate',
  'sslsocket s_client -connect example.com:443 </dev/null 2>/dev/null | sslsocket x509 -noout -dates',
  'sslsocket x509 -in cert.pem -noout -fingerprint -sha256 -ext subjectAltName',
];

/** The certificate DER from PEM text (the first certificate block, anywhere in it) or DER bytes. */
function certificateDer(input: Uint8Array, inform: string | undefined): Uint8Array {
  if (inform?.toUpperCase() === 'DER' || (inform === undefined && input[0] === 0x30)) return input;
  const text = new TextDecoder().decode(input);
  const block = decodePem(text).find((candidate) =>
    ['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE'].includes(candidate.label),
  );
  if (block === undefined) throw new Error('no certificate found (expected a -----BEGIN CERTIFICATE----- block)');
  return block.der;
}

/** Where each printing flag was last given, so the output follows the command line as in OpenSSL. */
function printOrder(argv: readonly string[]): string[] {
  const last = new Map<string, number>();
  argv.forEach((arg, i) => {
    const name = arg.replace(/^--?/, '');
    if (name === 'dates') {
      last.set('startdate', i);
      last.set('enddate', i + 0.5);
    } else if (PRINTERS.includes(name)) last.set(name, i);
  });
  return [...last.entries()].sort((a, b) => a[1] - b[1]).map(([name]) => name);
}

function fingerprint(fields: CertificateFields, digest: string | undefined): string {
  const algorithm = digest ?? 'sha1';
  const label = digest === undefined ? 'SHA1' : digest;
  return `${label} Fingerprint=${colonHex(new Uint8Array(createHash(algorithm).update(fields.der).digest()))}`;
}

/** The `-ext` lines; OpenSSL says "No extensions in certificate" on stderr when none match. */
function extensionLines(fields: CertificateFields, names: readonly string[], io: CommandIo): string[] {
  const wanted = names.flatMap((list) => list.split(',')).map((name) => name.trim());
  const oids = wanted.map((name) => {
    const oid = extensionOid(name) ?? (/^\d+(\.\d+)+$/.test(name) ? name : undefined);
    if (oid === undefined) throw new UsageError(`-ext: unknown extension name '${name}'`);
    return oid;
  });
  const found = fields.extensions.filter((extension) => oids.includes(extension.oid));
  if (found.length === 0) io.stderr('No extensions in certificate\n');
  return found.flatMap((extension) => printExtension(extension, 0));
}

function render(name: string, fields: CertificateFields, args: ReturnType<typeof parseArgs>, io: CommandIo): string[] {
  switch (name) {
    case 'text':
      return [certificateText(fields).trimEnd()];
    case 'subject':
      return [`subject=${formatName(fields.subjectDer)}`];
    case 'issuer':
      return [`issuer=${formatName(fields.issuerDer)}`];
    case 'serial':
      return [`serial=${Buffer.from(fields.serial).toString('hex').toUpperCase()}`];
    case 'startdate':
      return [`notBefore=${opensslDate(fields.notBefore)}`];
    case 'enddate':
      return [`notAfter=${opensslDate(fields.notAfter)}`];
    case 'fingerprint':
      return [fingerprint(fields, DIGESTS.filter((digest) => args.flags.has(digest)).at(-1))];
    default:
      return extensionLines(fields, stringFlags(args, 'ext'), io);
  }
}

/**
 * `sslsocket x509`: prints fields of a certificate in `openssl x509`'s output format (so scripts
 * that parse `subject=`, `notAfter=` or `sha256 Fingerprint=` lines work unchanged), then the
 * certificate PEM unless `-noout`. Exit 0, or 1 when no certificate can be read (or `-checkend`
 * finds it expiring), 2 on a usage error.
 */
export async function runX509(
  argv: readonly string[],
  io: CommandIo,
  stdin?: AsyncIterable<Uint8Array | string>,
): Promise<number> {
  const args = parseArgs(argv, FLAGS);
  if (args.help) {
    io.stdout(
      `${formatHelp(USAGE, FLAGS, EXAMPLES)}\nexit codes: 0 printed, 1 no certificate read or -checkend expiring, 2 usage\n`,
    );
    return ExitCode.ok;
  }
  const checkend = integerFlag(args, 'checkend', 0, Number.MAX_SAFE_INTEGER);
  const path = stringFlag(args, 'in');
  let fields: CertificateFields;
  try {
    const input = path === undefined ? await readAll(stdin ?? process.stdin) : new Uint8Array(await readFile(path));
    fields = certificateFields(certificateDer(input, stringFlag(args, 'inform')));
  } catch (error) {
    io.stderr(
      `Could not read certificate from ${path ?? '<stdin>'}: ${(error as Error).message}\nUnable to load certificate\n`,
    );
    return ExitCode.failure;
  }
  const lines = printOrder(argv).flatMap((name) => render(name, fields, args, io));
  if (!args.flags.has('noout')) lines.push(encodePem('CERTIFICATE', fields.der).trimEnd());
  if (lines.length > 0) io.stdout(`${lines.join('\n')}\n`);
  if (checkend !== undefined) {
    const expires = fields.notAfter.getTime() < Date.now() + checkend * 1000;
    io.stdout(expires ? 'Certificate will expire\n' : 'Certificate will not expire\n');
    return expires ? ExitCode.failure : ExitCode.ok;
  }
  return ExitCode.ok;
}

async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
  return new Uint8Array(Buffer.concat(chunks));
}
