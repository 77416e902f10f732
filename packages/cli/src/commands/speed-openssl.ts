/**
 * `sslsocket speed -compare openssl`: OpenSSL's own figure for the bulk cipher of a suite, from
 * `openssl speed -evp CIPHER -bytes N -seconds S`, run once to encrypt and once with `-decrypt`,
 * so it can stand beside our record column, which seals and opens every record.
 * @module
 */
import { execFile } from 'node:child_process';
import type { CipherSuite } from '@sslsocket/suites';

/** What one OpenSSL measurement found, or why there is none. */
export type OpensslFigure =
  | { readonly megabytesPerSecond: number; readonly cipher: string; readonly note?: string }
  | { readonly error: string };

/**
 * The `openssl speed -evp` name of a suite's bulk cipher, and what differs from our record layer:
 * CCM_8 is timed with OpenSSL's default 16-byte tag, and CBC suites without their HMAC.
 */
export function opensslCipherName(suite: CipherSuite): { cipher: string; note?: string } {
  const name = suite.cipher.replace(/_/g, '-');
  if (name.endsWith('-ccm-8')) return { cipher: name.slice(0, -2), note: 'CCM with a 16-byte tag' };
  if (name.endsWith('-cbc')) return { cipher: name, note: 'cipher only, no HMAC' };
  return { cipher: name };
}

/** The command run by default: `openssl` from PATH. */
export const OPENSSL_COMMAND = 'openssl';

function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error !== null) {
        const detail = (stderr || error.message).trim().split('\n')[0] ?? '';
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(new Error(missing ? `${command === OPENSSL_COMMAND ? 'openssl' : command} not found on PATH` : detail));
        return;
      }
      resolve(stdout);
    });
  });
}

/**
 * `openssl version` (e.g. `OpenSSL 3.0.19 27 Jan 2026`), or `{ error }` when the command cannot run:
 * checked before anything is measured, so a missing openssl fails at once, not after our figures.
 */
export async function opensslVersion(command = OPENSSL_COMMAND): Promise<{ version: string } | { error: string }> {
  try {
    return { version: (await run(command, ['version'])).trim() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * Bytes per second from `openssl speed` output: its last line is `NAME  1234.56k` for one `-bytes`
 * column, in units of 1000 bytes per second.
 */
export function parseOpensslSpeed(output: string): number {
  const last = output.trim().split('\n').at(-1) ?? '';
  const match = /\s([0-9.]+)k\s*$/.exec(last);
  if (match === null) throw new Error(`unexpected openssl speed output: ${last}`);
  return Number(match[1]) * 1000;
}

/**
 * OpenSSL's seal + open rate for `suite` at `bytes` per record: encryption and decryption are timed
 * separately for `seconds` each (OpenSSL takes whole seconds, at least 1) and combined as one seal
 * then one open per record, 1 / (1/E + 1/D), the same work as our record column.
 */
export async function measureOpenssl(
  suite: CipherSuite,
  bytes: number,
  seconds: number,
  command = OPENSSL_COMMAND,
): Promise<OpensslFigure> {
  const { cipher, note } = opensslCipherName(suite);
  // -elapsed: wall-clock time, as our column is timed (OpenSSL divides by CPU time otherwise, which
  // flatters it on a loaded machine).
  const base = [
    'speed',
    '-elapsed',
    '-evp',
    cipher,
    '-bytes',
    String(bytes),
    '-seconds',
    String(Math.max(1, Math.round(seconds))),
  ];
  try {
    const encrypt = parseOpensslSpeed(await run(command, base));
    const decrypt = parseOpensslSpeed(await run(command, ['speed', '-decrypt', ...base.slice(1)]));
    const combined = 1 / (1 / encrypt + 1 / decrypt);
    return { megabytesPerSecond: combined / 1e6, cipher, ...(note === undefined ? {} : { note }) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
