import { decodePem, derChildren, readTlv } from '@sslsocket/pkix';
import { platformRoots } from '#platform';

/**
 * The default trust store: with `verify: 'verify_peer'` and neither `cacerts` nor `cacertfile`,
 * a client trusts the runtime's roots, as OTP 25+ does with `public_key:cacerts_get()`: Node's
 * bundled Mozilla store (`tls.rootCertificates`), the same list under Deno and Bun. Browsers have
 * none to offer: there a client passes `cacerts`.
 */
let store: readonly Uint8Array[] | undefined;

/** The runtime's roots as DER, decoded once. */
export function defaultRoots(): readonly Uint8Array[] {
  store ??= platformRoots().flatMap((pem) =>
    decodePem(pem)
      .filter((block) => block.label === 'CERTIFICATE')
      .map((block) => block.der),
  );
  return store;
}

/** Whether this runtime has roots to trust by default. */
export function hasDefaultRoots(): boolean {
  return platformRoots().length > 0;
}

/** A certificate's issuer and subject Name, as DER (RFC 5280 §4.1: tbsCertificate's 4th and 6th fields after the optional version). */
function names(der: Uint8Array): { issuer: string; subject: string } | undefined {
  try {
    const certificate = readTlv(der, 0);
    const tbs = readTlv(der, certificate.contentStart);
    const fields = derChildren(der, tbs);
    // [0] EXPLICIT version is optional (RFC 5280 §4.1.2.1).
    const at = fields[0]?.tag === 0xa0 ? 1 : 0;
    const issuer = fields[at + 2];
    const subject = fields[at + 4];
    if (issuer === undefined || subject === undefined) return undefined;
    const hex = (t: { start: number; end: number }): string =>
      Array.from(der.subarray(t.start, t.end), (b) => b.toString(16).padStart(2, '0')).join('');
    return { issuer: hex(issuer), subject: hex(subject) };
  } catch {
    return undefined;
  }
}

const subjects = new WeakMap<Uint8Array, string>();

/**
 * The roots of a large store that can anchor `chain`: those whose subject is the issuer (or
 * subject) of one of its certificates. RFC 5280 §4.1.2.6 requires a CA's subject to be encoded
 * exactly as the issuer field of what it issues, so comparing bytes finds every candidate, and
 * path validation then parses a handful of roots instead of the whole store on each handshake.
 */
export function rootsFor(chain: readonly Uint8Array[], roots: readonly Uint8Array[]): Uint8Array[] {
  const wanted = new Set<string>();
  for (const der of chain) {
    const n = names(der);
    if (n === undefined) return [...roots]; // unparsable here: let path validation say why
    wanted.add(n.issuer);
    wanted.add(n.subject);
  }
  return roots.filter((root) => {
    let subject = subjects.get(root);
    if (subject === undefined) {
      subject = names(root)?.subject ?? '';
      subjects.set(root, subject);
    }
    return wanted.has(subject);
  });
}
