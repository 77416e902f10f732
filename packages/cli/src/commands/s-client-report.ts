/**
 * What `openssl s_client` prints about a connection, in its layout, so scripts that read its
 * output (`| openssl x509`, `grep 'Verify return code'`, `-brief`'s lines) work with ours: the
 * certificate chain (`-showcerts` adds each PEM), the server certificate PEM, the handshake
 * summary, `SSL-Session:` blocks and the `-brief` block.
 */
import { encodePem } from '@sslsocket/pkix';
import { strToSuite, suiteToOpensslStr } from '@sslsocket/suites';
import type { ConnectionInformation } from 'sslsocket';
import { certificateFields, opensslDate } from '../x509/fields.js';
import { formatName } from '../x509/name.js';
import { algorithmName, publicKeyBits } from '../x509/text.js';
import type { VerifyCode } from './verify-codes.js';

/** Everything one report needs about the connection. */
export interface ConnectionReport {
  readonly info: ConnectionInformation;
  /** The certificates the server sent, leaf first (empty when resumed or PSK). */
  readonly chain: readonly Uint8Array[];
  readonly verify: VerifyCode;
  readonly bytesRead: number;
  readonly bytesWritten: number;
}

/** A resumable session as OpenSSL's `SSL-Session:` block shows it. */
export interface SessionView {
  readonly sessionId: Uint8Array;
  /** TLS 1.2 master secret, or TLS 1.3 resumption PSK. */
  readonly secret: Uint8Array | undefined;
  readonly ticket: Uint8Array | undefined;
  readonly lifetime: number | undefined;
  readonly startTime: number;
  readonly extendedMasterSecret: boolean;
  readonly maxEarlyData: number | undefined;
}

const TEMP_KEYS: Readonly<Record<string, string>> = {
  x25519: 'X25519, 253 bits',
  x448: 'X448, 448 bits',
  secp256r1: 'ECDH, prime256v1, 256 bits',
  secp384r1: 'ECDH, secp384r1, 384 bits',
  secp521r1: 'ECDH, secp521r1, 521 bits',
  ffdhe2048: 'DH, 2048 bits',
  ffdhe3072: 'DH, 3072 bits',
  ffdhe4096: 'DH, 4096 bits',
  ffdhe6144: 'DH, 6144 bits',
  ffdhe8192: 'DH, 8192 bits',
};

/** `TLSv1.3` / `TLSv1.2`, OpenSSL's spelling. */
export function protocolName(info: ConnectionInformation): string {
  return info.protocol === 'tlsv1.3' ? 'TLSv1.3' : 'TLSv1.2';
}

/** The suite as OpenSSL names it: IANA names for TLS 1.3, OpenSSL's own for TLS 1.2. */
export function opensslCipher(info: ConnectionInformation): string {
  try {
    return suiteToOpensslStr(strToSuite(info.selectedCipherSuite));
  } catch {
    return info.selectedCipherSuite;
  }
}

/** OpenSSL's digest and signature-type names for a TLS SignatureScheme name. */
function signatureParts(scheme: string | undefined): { digest?: string; type: string } | undefined {
  if (scheme === undefined) return undefined;
  const hash = /_(sha\d+)$/.exec(scheme)?.[1]?.toUpperCase();
  const type = scheme.startsWith('ecdsa')
    ? 'ECDSA'
    : scheme.startsWith('rsa_pss')
      ? 'RSA-PSS'
      : scheme.startsWith('rsa')
        ? 'RSA'
        : scheme === 'ed25519'
          ? 'Ed25519'
          : scheme === 'ed448'
            ? 'Ed448'
            : scheme;
  return hash === undefined ? { type } : { digest: hash, type };
}

function chainLines(chain: readonly Uint8Array[], showcerts: boolean): string[] {
  const lines = ['Certificate chain'];
  chain.forEach((der, depth) => {
    const fields = certificateFields(der);
    lines.push(
      ` ${depth} s:${formatName(fields.subjectDer)}`,
      `   i:${formatName(fields.issuerDer)}`,
      `   a:PKEY: ${algorithmName(fields.keyAlgorithmOid)}, ${publicKeyBits(fields)} (bit); sigalg: ${algorithmName(fields.signatureOid)}`,
      `   v:NotBefore: ${opensslDate(fields.notBefore)}; NotAfter: ${opensslDate(fields.notAfter)}`,
    );
    if (showcerts) lines.push(encodePem('CERTIFICATE', der).trimEnd());
  });
  return lines;
}

/** OpenSSL's BIO_dump: `0000 - 58 f8 73 eb e0 85 5d 23-a5 7b ab 3e 6b da c8 e8   X.s...]#.{.>k...`. */
export function bioDump(bytes: Uint8Array, indent: number): string[] {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = bytes.subarray(offset, offset + 16);
    let hex = '';
    for (let i = 0; i < 16; i++) {
      const byte = row[i];
      hex +=
        byte === undefined ? '   ' : `${byte.toString(16).padStart(2, '0')}${i === 7 && row.length > 8 ? '-' : ' '}`;
    }
    const text = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${' '.repeat(indent)}${offset.toString(16).padStart(4, '0')} - ${hex}  ${text}`);
  }
  return lines;
}

/** The `SSL-Session:` block (OpenSSL's SSL_SESSION_print), without the closing `---`. */
export function sessionLines(info: ConnectionInformation, session: SessionView, verify: VerifyCode): string[] {
  const hex = (bytes: Uint8Array | undefined): string =>
    Buffer.from(bytes ?? [])
      .toString('hex')
      .toUpperCase();
  const tls13 = info.protocol === 'tlsv1.3';
  const lines = [
    'SSL-Session:',
    `    Protocol  : ${protocolName(info)}`,
    `    Cipher    : ${opensslCipher(info)}`,
    `    Session-ID: ${hex(session.sessionId)}`,
    '    Session-ID-ctx: ',
    `    ${tls13 ? 'Resumption PSK' : 'Master-Key'}: ${hex(session.secret)}`,
    '    PSK identity: None',
    '    PSK identity hint: None',
    '    SRP username: None',
  ];
  if (session.ticket !== undefined && session.ticket.length > 0) {
    if (session.lifetime !== undefined)
      lines.push(`    TLS session ticket lifetime hint: ${session.lifetime} (seconds)`);
    lines.push('    TLS session ticket:', ...bioDump(session.ticket, 4), '');
  }
  lines.push(
    `    Start Time: ${Math.floor(session.startTime / 1000)}`,
    `    Timeout   : ${session.lifetime ?? 7200} (sec)`,
    `    Verify return code: ${verify.code} (${verify.text})`,
    `    Extended master secret: ${session.extendedMasterSecret ? 'yes' : 'no'}`,
  );
  if (tls13) lines.push(`    Max Early Data: ${session.maxEarlyData ?? 0}`);
  return lines;
}

/**
 * The block `openssl s_client` prints after the handshake (without -brief/-quiet), ending with
 * `---`. `session` is the TLS 1.2 session, printed inline as OpenSSL does; TLS 1.3 sessions
 * arrive later and are printed by {@link ticketLines}.
 */
export function fullReport(report: ConnectionReport, showcerts: boolean, session: SessionView | undefined): string {
  const { info, chain, verify } = report;
  const lines = ['CONNECTED(00000003)', '---'];
  const leaf = chain[0];
  if (leaf === undefined) lines.push('no peer certificate available');
  else {
    lines.push(...chainLines(chain, showcerts), '---', 'Server certificate');
    if (!showcerts) lines.push(encodePem('CERTIFICATE', leaf).trimEnd());
    const fields = certificateFields(leaf);
    lines.push(`subject=${formatName(fields.subjectDer)}`, `issuer=${formatName(fields.issuerDer)}`);
  }
  lines.push('---', 'No client certificate CA names sent');
  const signature = signatureParts(info.signatureScheme);
  if (signature?.digest !== undefined) lines.push(`Peer signing digest: ${signature.digest}`);
  if (signature !== undefined) lines.push(`Peer signature type: ${signature.type}`);
  const group = info.negotiatedGroup;
  if (group !== undefined) lines.push(`Server Temp Key: ${TEMP_KEYS[group] ?? group}`);
  lines.push(
    '---',
    `SSL handshake has read ${report.bytesRead} bytes and written ${report.bytesWritten} bytes`,
    verify.code === 0 ? 'Verification: OK' : `Verification error: ${verify.text}`,
    '---',
    `${info.sessionResumption ? 'Reused' : 'New'}, ${protocolName(info)}, Cipher is ${opensslCipher(info)}`,
  );
  if (leaf !== undefined) lines.push(`Server public key is ${publicKeyBits(certificateFields(leaf))} bit`);
  lines.push(
    `Secure Renegotiation IS${info.protocol === 'tlsv1.2' && info.secureRenegotiation === true ? '' : ' NOT'} supported`,
    'Compression: NONE',
    'Expansion: NONE',
    info.alpn === undefined ? 'No ALPN negotiated' : `ALPN protocol: ${info.alpn}`,
  );
  if (info.protocol === 'tlsv1.3') {
    const early = { none: 'not sent', accepted: 'accepted', rejected: 'rejected' }[info.earlyData];
    lines.push(`Early data was ${early}`, `Verify return code: ${verify.code} (${verify.text})`);
  } else if (session !== undefined) lines.push(...sessionLines(info, session, verify));
  lines.push('---');
  return `${lines.join('\n')}\n`;
}

/** What OpenSSL prints when a TLS 1.3 NewSessionTicket arrives. */
export function ticketLines(info: ConnectionInformation, session: SessionView, verify: VerifyCode): string {
  return `---\nPost-Handshake New Session Ticket arrived:\n${sessionLines(info, session, verify).join('\n')}\n---\n`;
}

/** `-brief`: OpenSSL's short block, which it writes to stderr. */
export function briefReport(report: ConnectionReport): string {
  const { info, chain, verify } = report;
  const lines = [
    'CONNECTION ESTABLISHED',
    `Protocol version: ${protocolName(info)}`,
    `Ciphersuite: ${opensslCipher(info)}`,
  ];
  const leaf = chain[0];
  if (leaf !== undefined) lines.push(`Peer certificate: ${formatName(certificateFields(leaf).subjectDer)}`);
  const signature = signatureParts(info.signatureScheme);
  if (signature?.digest !== undefined) lines.push(`Hash used: ${signature.digest}`);
  if (signature !== undefined) lines.push(`Signature type: ${signature.type}`);
  lines.push(verify.code === 0 ? 'Verification: OK' : `Verification error: ${verify.text}`);
  if (info.negotiatedGroup !== undefined)
    lines.push(`Server Temp Key: ${TEMP_KEYS[info.negotiatedGroup] ?? info.negotiatedGroup}`);
  if (info.alpn !== undefined) lines.push(`ALPN protocol: ${info.alpn}`);
  return `${lines.join('\n')}\n`;
}
