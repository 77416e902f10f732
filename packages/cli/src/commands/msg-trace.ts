/**
 * `s_client -msg` / `-trace`: every TLS record as it crosses the wire, in OpenSSL's `-msg`
 * layout (`>>>` sent, `<<<` received, version, content type, length, then the bytes in hex).
 * Handshake records sent in the clear are named by message type (ClientHello, ServerHello, ...);
 * encrypted records are shown as what the record header says (RFC 8446 §5.2: application_data),
 * since the tap sits below the record layer and never sees keys. `-trace` adds the whole record
 * in hex rather than its first 64 bytes.
 */
import type { Transport } from '@sslsocket/transport';

const CONTENT_TYPES: Readonly<Record<number, string>> = {
  20: 'ChangeCipherSpec',
  21: 'Alert',
  22: 'Handshake',
  23: 'ApplicationData',
};

const HANDSHAKE_TYPES: Readonly<Record<number, string>> = {
  1: 'ClientHello',
  2: 'ServerHello',
  4: 'NewSessionTicket',
  8: 'EncryptedExtensions',
  11: 'Certificate',
  12: 'ServerKeyExchange',
  13: 'CertificateRequest',
  14: 'ServerHelloDone',
  15: 'CertificateVerify',
  16: 'ClientKeyExchange',
  20: 'Finished',
};

function versionName(major: number, minor: number): string {
  return major === 3 && minor >= 1 ? `TLS 1.${minor - 1}` : `version ${major}.${minor}`;
}

function hexLines(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    lines.push(`    ${[...bytes.subarray(i, i + 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`);
  }
  return lines;
}

/** Splits a byte stream into records, keeping a partial record for the next chunk. */
class RecordSplitter {
  private pending = new Uint8Array(0);
  /** Set once a ChangeCipherSpec passed: later handshake records are encrypted (TLS 1.2). */
  encrypted = false;

  constructor(
    private readonly arrow: '>>>' | '<<<',
    private readonly full: boolean,
    private readonly print: (text: string) => void,
  ) {}

  push(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.pending.length + chunk.length);
    joined.set(this.pending);
    joined.set(chunk, this.pending.length);
    let offset = 0;
    while (joined.length - offset >= 5) {
      const length = ((joined[offset + 3] as number) << 8) | (joined[offset + 4] as number);
      if (joined.length - offset < 5 + length) break;
      this.record(joined.subarray(offset, offset + 5), joined.subarray(offset + 5, offset + 5 + length));
      offset += 5 + length;
    }
    this.pending = joined.slice(offset);
  }

  private record(header: Uint8Array, body: Uint8Array): void {
    const type = header[0] as number;
    const version = versionName(header[1] as number, header[2] as number);
    const length = body.length.toString(16).padStart(4, '0');
    const lines = [`${this.arrow} ${version}, RecordHeader [length 0005]`, ...hexLines(header)];
    const name = CONTENT_TYPES[type] ?? `content type ${type}`;
    const message = type === 22 && !this.encrypted ? HANDSHAKE_TYPES[body[0] as number] : undefined;
    lines.push(`${this.arrow} ${version}, ${name} [length ${length}]${message === undefined ? '' : `, ${message}`}`);
    lines.push(...hexLines(this.full ? body : body.subarray(0, 64)));
    if (!this.full && body.length > 64) lines.push('    ...');
    if (type === 20) this.encrypted = true;
    this.print(`${lines.join('\n')}\n`);
  }
}

/** `transport`, with every record written or read printed through `print`. */
export function tapTransport(transport: Transport, full: boolean, print: (text: string) => void): Transport {
  const sent = new RecordSplitter('>>>', full, print);
  const received = new RecordSplitter('<<<', full, print);
  return new Proxy(transport, {
    get(target, property) {
      if (property === 'write')
        return (data: Uint8Array): boolean => {
          sent.push(data);
          return target.write(data);
        };
      if (property === 'read')
        return async (): Promise<Uint8Array | null> => {
          const chunk = await target.read();
          if (chunk !== null) received.push(chunk);
          return chunk;
        };
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
