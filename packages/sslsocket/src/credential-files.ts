import type { CertifiedKey } from '@sslsocket/handshake';
import { clearPemCache as clearPkixPemCache, decodePem, parseCertificate, parsePrivateKey } from '@sslsocket/pkix';
import type { PrivateKey } from '@sslsocket/suites';
import { readTextFile } from '#platform';
import { describeKey, keyMatchesCertificate } from './key-match.js';
import type { CertKeyOptions, CommonOptions } from './socket-options.js';
import { OptionError } from './validate-options.js';

// The credentials an options object names: certificates, keys and trusted CAs, given inline or as
// files (read once and cached, as Erlang's PEM cache does).

const pemCache = new Map<string, string>();

/** Erlang `ssl:clear_pem_cache/0`: forget the contents of certificate and key files read so far. */
export function clearPemCache(): void {
  pemCache.clear();
  decodedPem.clear();
  clearPkixPemCache();
}

/** A certificate, key or DH parameters file's text, read once and kept until clearPemCache(). */
export async function readCached(path: string, option: string): Promise<string> {
  const cached = pemCache.get(path);
  if (cached !== undefined) return cached;
  try {
    const text = await readTextFile(path);
    pemCache.set(path, text);
    return text;
  } catch (cause) {
    throw new OptionError(option, `cannot read ${path}: ${(cause as Error).message}`);
  }
}

/**
 * Inline PEM texts (`cacerts: [pem]`, `cert`) and file texts already decoded, newest last: a client
 * that connects with the same trusted CAs again shares their DER instead of keeping its own copy per
 * connection. Bounded; emptied by clearPemCache().
 */
const decodedPem = new Map<string, readonly Uint8Array[]>();
const DECODED_PEM_LIMIT = 16;

function certificatesFrom(value: Uint8Array | readonly Uint8Array[] | string, option: string): Uint8Array[] {
  if (typeof value === 'string') {
    const cached = decodedPem.get(value);
    if (cached !== undefined) return [...cached];
    const blocks = decodePem(value).filter((block) => block.label === 'CERTIFICATE');
    if (blocks.length === 0) throw new OptionError(option, 'no CERTIFICATE block found');
    const ders = blocks.map((block) => block.der);
    if (decodedPem.size >= DECODED_PEM_LIMIT) decodedPem.delete(decodedPem.keys().next().value as string);
    decodedPem.set(value, ders);
    return [...ders];
  }
  return value instanceof Uint8Array ? [value] : [...value];
}

/** Our private key from `key` or `keyfile` (Erlang: key, when given, takes precedence). */
export async function loadKey(options: CertKeyOptions, label: string): Promise<PrivateKey | undefined> {
  const keySource =
    options.key ?? (options.keyfile !== undefined ? await readCached(options.keyfile, `${label}keyfile`) : undefined);
  if (keySource === undefined) return undefined;
  try {
    return typeof keySource === 'object' && !(keySource instanceof Uint8Array)
      ? keySource
      : parsePrivateKey(keySource, options.password);
  } catch (cause) {
    throw new OptionError(`${label}key`, (cause as Error).message);
  }
}

/** Our certificate chain and its private key from `cert`/`certfile` and `key`/`keyfile`; refuses a key that is not the leaf's. */
export async function loadCertKey(options: CertKeyOptions, label: string): Promise<CertifiedKey | undefined> {
  // Erlang: cert and key, when given, take precedence over certfile and keyfile.
  const certText =
    options.cert ??
    (options.certfile !== undefined ? await readCached(options.certfile, `${label}certfile`) : undefined);
  if (certText === undefined) return undefined;
  const privateKey = await loadKey(options, label);
  if (privateKey === undefined) return undefined;
  const chain = certificatesFrom(certText, `${label}cert`);
  // Refuse a key that is not the certificate's now, naming both sources, rather than fail every
  // handshake later with decrypt_error (RFC 8446 §4.4.3: CertificateVerify is made with it).
  const leafKey = parseCertificate(chain[0] as Uint8Array).publicKey;
  if (!keyMatchesCertificate(privateKey, leafKey)) {
    const keyName = options.key !== undefined ? `the ${label}key option` : `${options.keyfile}`;
    const certName = options.cert !== undefined ? `the ${label}cert option` : `${options.certfile}`;
    throw new OptionError(
      `${label}key`,
      `the key in ${keyName} (${describeKey(privateKey)}) does not belong to the certificate in ${certName} (${describeKey(leafKey)})`,
    );
  }
  return { certificateChain: chain, privateKey };
}

/** The trusted CAs from `cacerts` or else `cacertfile` (DER). */
export async function loadRoots(options: CommonOptions): Promise<Uint8Array[]> {
  const roots: Uint8Array[] = [];
  for (const entry of options.cacerts ?? []) roots.push(...certificatesFrom(entry, 'cacerts'));
  // Erlang: cacerts, when given, takes precedence over cacertfile.
  if (options.cacertfile !== undefined && options.cacerts === undefined)
    roots.push(...certificatesFrom(await readCached(options.cacertfile, 'cacertfile'), 'cacertfile'));
  return roots;
}
