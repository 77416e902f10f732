/**
 * `s_client -starttls PROTOCOL`: the plaintext exchange that asks a server to switch to TLS on the
 * same connection, before the TLS handshake. Each dialogue is the minimal one OpenSSL's s_client
 * runs: SMTP (RFC 3207), IMAP (RFC 2595 §3.1), POP3 (RFC 2595 §4), FTP (RFC 4217 §4), XMPP
 * (RFC 6120 §5.4) and PostgreSQL's SSLRequest (protocol docs, "SSL Session Encryption").
 */
import type { Transport } from '@sslsocket/transport';
import { UsageError } from '../args.js';

export const STARTTLS_PROTOCOLS = ['smtp', 'imap', 'pop3', 'ftp', 'xmpp', 'postgres'] as const;
export type StarttlsProtocol = (typeof STARTTLS_PROTOCOLS)[number];

/** `-starttls VALUE` checked against the protocols we speak. */
export function starttlsProtocol(value: string | undefined): StarttlsProtocol | undefined {
  if (value === undefined) return undefined;
  if (!(STARTTLS_PROTOCOLS as readonly string[]).includes(value))
    throw new UsageError(`-starttls wants one of ${STARTTLS_PROTOCOLS.join(', ')}, got '${value}'`);
  return value as StarttlsProtocol;
}

/** The server refused or spoke something else; the message quotes what it said. */
export class StarttlsError extends Error {
  override readonly name = 'StarttlsError';
}

/** Reads the server's plaintext until `done` holds for everything read so far (at most 64 KiB). */
class Conversation {
  private text = '';

  constructor(private readonly transport: Transport) {}

  send(line: string | Uint8Array): void {
    this.transport.write(typeof line === 'string' ? new TextEncoder().encode(line) : line);
  }

  async until(done: (text: string) => boolean, what: string): Promise<string> {
    while (!done(this.text)) {
      const chunk = await this.transport.read();
      if (chunk === null) throw new StarttlsError(`the server closed the connection while we waited for ${what}`);
      this.text += new TextDecoder('latin1').decode(chunk);
      if (this.text.length > 65536) throw new StarttlsError(`no ${what} in 64 KiB of server output`);
    }
    const all = this.text;
    this.text = '';
    return all;
  }
}

/** A complete SMTP/FTP reply: its last line is `CODE ` (RFC 5321 §4.2.1: `CODE-` continues). */
function reply(text: string): boolean {
  return /(^|\n)\d{3}( [^\n]*)?\r?\n$/.test(text);
}

function expectCode(text: string, code: string, what: string): void {
  const last = text.trimEnd().split('\n').at(-1) ?? '';
  if (!last.startsWith(code)) throw new StarttlsError(`${what}: the server answered '${last.trim()}'`);
}

/**
 * Runs the plaintext dialogue on `transport`; resolves when the server is ready for the
 * ClientHello. `name` is our host name for SMTP's EHLO and XMPP's `to`.
 */
export async function negotiateStarttls(transport: Transport, protocol: StarttlsProtocol, name: string): Promise<void> {
  const talk = new Conversation(transport);
  switch (protocol) {
    case 'smtp': {
      expectCode(await talk.until(reply, 'the SMTP greeting'), '220', 'SMTP greeting');
      talk.send(`EHLO ${name}\r\n`);
      expectCode(await talk.until(reply, 'the EHLO reply'), '250', 'EHLO');
      talk.send('STARTTLS\r\n');
      expectCode(await talk.until(reply, 'the STARTTLS reply'), '220', 'STARTTLS');
      return;
    }
    case 'ftp': {
      expectCode(await talk.until(reply, 'the FTP greeting'), '220', 'FTP greeting');
      talk.send('AUTH TLS\r\n');
      expectCode(await talk.until(reply, 'the AUTH TLS reply'), '234', 'AUTH TLS');
      return;
    }
    case 'pop3': {
      const greeting = await talk.until((t) => t.includes('\n'), 'the POP3 greeting');
      if (!greeting.startsWith('+OK')) throw new StarttlsError(`POP3 greeting: '${greeting.trim()}'`);
      talk.send('STLS\r\n');
      const answer = await talk.until((t) => t.includes('\n'), 'the STLS reply');
      if (!answer.startsWith('+OK')) throw new StarttlsError(`STLS: the server answered '${answer.trim()}'`);
      return;
    }
    case 'imap': {
      const greeting = await talk.until((t) => t.includes('\n'), 'the IMAP greeting');
      if (!greeting.startsWith('* OK')) throw new StarttlsError(`IMAP greeting: '${greeting.trim()}'`);
      talk.send('. CAPABILITY\r\n');
      await talk.until((t) => /(^|\n)\. (OK|NO|BAD)[^\n]*\n$/.test(t), 'the CAPABILITY reply');
      talk.send('. STARTTLS\r\n');
      const answer = await talk.until((t) => /(^|\n)\. (OK|NO|BAD)[^\n]*\n$/.test(t), 'the STARTTLS reply');
      if (!/(^|\n)\. OK/.test(answer)) throw new StarttlsError(`STARTTLS: the server answered '${answer.trim()}'`);
      return;
    }
    case 'xmpp': {
      talk.send(
        `<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client' to='${name}' version='1.0'>`,
      );
      await talk.until((t) => t.includes('</stream:features>'), 'the stream features');
      talk.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
      const answer = await talk.until((t) => /<proceed|<failure/.test(t) && t.includes('>'), 'the starttls answer');
      if (!answer.includes('<proceed')) throw new StarttlsError(`XMPP starttls refused: '${answer.trim()}'`);
      return;
    }
    case 'postgres': {
      // SSLRequest: Int32 length 8, Int32 80877103; the server answers one byte, 'S' to go on.
      talk.send(new Uint8Array([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]));
      const answer = await talk.until((t) => t.length >= 1, 'the SSLRequest answer');
      if (answer !== 'S') throw new StarttlsError(`PostgreSQL refused TLS (answered '${answer.slice(0, 1)}')`);
      return;
    }
  }
}
