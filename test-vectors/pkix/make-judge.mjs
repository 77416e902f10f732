// Runs one rule case through `openssl verify -x509_strict` and GnuTLS `certtool --verify` and records
// their answers next to ours; a disagreement without a recorded reason stops the generator.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Flags only `sslsocket verify` knows, with their value: stripped before calling openssl. */
const OURS_ONLY = new Set(['-profile']);

export function opensslArgs(args) {
  return args.filter((arg, i) => !OURS_ONLY.has(arg) && !OURS_ONLY.has(args[i - 1]));
}

/** OpenSSL's X509_V_ERR code: 0 for OK. */
export function opensslCode(args, cwd) {
  const run = spawnSync('openssl', ['verify', ...opensslArgs(args)], { cwd, encoding: 'utf8' });
  if (run.status === 0) return 0;
  const match = /error (\d+) at \d+ depth lookup/.exec(`${run.stderr}${run.stdout}`);
  return match === null ? -1 : Number(match[1]);
}

/**
 * The certtool invocation for a case, or null where certtool cannot express it (CRLs, depth,
 * partial chains, policies). certtool validates at the current time (it has no -attime): the corpus
 * certificates are valid from 2026 to 2036. `input` lists the files whose concatenation is the chain.
 */
export function certtoolCase(args) {
  const out = { args: ['--verify'], input: [] };
  let leaf;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = args[i + 1];
    if (arg === '-attime' || arg === '-profile') i++;
    else if (arg === '-x509_strict') continue;
    else if (arg === '-CAfile') out.args.push('--load-ca-certificate', value), i++;
    else if (arg === '-untrusted') out.input.push(value), i++;
    else if (arg === '-verify_hostname' || arg === '-verify_ip') out.args.push(`--verify-hostname=${value}`), i++;
    else if (arg === '-purpose') out.args.push(`--verify-purpose=${value === 'sslserver' ? '1.3.6.1.5.5.7.3.1' : '1.3.6.1.5.5.7.3.2'}`), i++;
    else if (arg.startsWith('-')) return null;
    else leaf = arg;
  }
  out.input.unshift(leaf);
  return out;
}

/** Did certtool verify the chain? */
export function certtoolVerified(gnutls, cwd) {
  const input = gnutls.input.map((file) => readFileSync(join(cwd, file), 'utf8')).join('');
  const run = spawnSync('certtool', gnutls.args, { cwd, input, encoding: 'utf8' });
  return /Chain verification output: Verified\./.test(run.stdout ?? '');
}

/** Disagreements found without a recorded reason: make.mjs lists them all and fails. */
export const unexplained = [];

export function judge(rule, { OUT, ATTIME }) {
  const args = ['-attime', String(ATTIME), ...rule.args];
  const openssl = opensslCode(args, OUT);
  const gnutlsCase = certtoolCase(args);
  const gnutls = gnutlsCase === null ? null : { ...gnutlsCase, verified: certtoolVerified(gnutlsCase, OUT) };
  const accept = rule.ours === 'OK';
  const notes = rule.notes ?? {};
  const out = { name: rule.name, rule: rule.rule, args, ours: rule.ours, openssl, gnutls };
  if (accept !== (openssl === 0)) {
    if (notes.openssl === undefined) unexplained.push(`${rule.name}: openssl says ${openssl}, we say ${rule.ours}`);
    out.note = notes.openssl;
  }
  if (gnutls !== null && accept !== gnutls.verified) {
    if (notes.gnutls === undefined) unexplained.push(`${rule.name}: certtool verified=${gnutls.verified}, we say ${rule.ours}`);
    out.gnutlsNote = notes.gnutls;
  }
  return out;
}
