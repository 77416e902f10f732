import { PemError } from './errors.js';

/** One PEM block: its label (`CERTIFICATE`, `PRIVATE KEY`, ...) and DER content. */
export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
  /** RFC 1421 headers such as `Proc-Type`, for legacy encrypted keys. */
  readonly headers: Readonly<Record<string, string>>;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

function base64ToBytes(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0)
    throw new PemError('PEM body is not valid base64');
  const binary = atob(clean);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * Every PEM block in `text` (RFC 7468), in order.
 *
 * @example
 * const [cert] = decodePem(fs.readFileSync('cert.pem', 'utf8'));
 */
export function decodePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const label = match[1] as string;
    const body = match[2] as string;
    const headers: Record<string, string> = {};
    let content = body;
    if (body.includes(':')) {
      const [head, rest] = body.split(/\r?\n\r?\n/, 2);
      for (const line of (head ?? '').split(/\r?\n/)) {
        const at = line.indexOf(':');
        if (at > 0) headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
      }
      content = rest ?? '';
    }
    blocks.push({ label, der: base64ToBytes(content), headers });
  }
  return blocks;
}

/** Encodes DER as a PEM block with 64-character lines. */
export function encodePem(label: string, der: Uint8Array): string {
  const base64 = bytesToBase64(der);
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The DER of every block with one of `labels`; input that is already DER is returned as is. */
export function pemOrDer(input: string | Uint8Array, labels: readonly string[]): Uint8Array[] {
  if (input instanceof Uint8Array) {
    // DER starts with a SEQUENCE tag; anything else is PEM text in bytes.
    if (input[0] === 0x30) return [input];
    return pemOrDer(new TextDecoder().decode(input), labels);
  }
  const blocks = decodePem(input).filter((block) => labels.includes(block.label));
  return blocks.map((block) => block.der);
}
