// -starttls: a small plaintext server per protocol (SMTP, IMAP, POP3, FTP, XMPP, PostgreSQL) that
// upgrades to sslsocket TLS and echoes; openssl s_client -starttls and ours must both get through.
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { fromNodeSocket } from '@sslsocket/transport/node';
import { handshake } from 'sslsocket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, input, Workspace } from '../test/support.js';
import { runSClient } from './s-client.js';
import { STARTTLS_PROTOCOLS, type StarttlsProtocol } from './starttls.js';

const ws = new Workspace('starttls-');
const servers: net.Server[] = [];
beforeAll(() => ws.makeCertificate());
afterAll(() => {
  for (const server of servers) server.close();
  ws.dispose();
});

/** The server's side of each dialogue: what to say first, and the answer to each client line. */
interface Script {
  readonly greeting: string;
  /** The reply to what the client sent so far, whether TLS starts after it, and (line protocols) the line it used. */
  answer(received: string): { reply: string; tls: boolean; consumed?: number } | undefined;
}

const XMPP_FEATURES =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='1' from='localhost' version='1.0'>" +
  "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>";

function lineScript(greeting: string, answers: [RegExp, string, boolean][]): Script {
  return {
    greeting,
    answer(received) {
      const line = /^([^\n]*)\r?\n/.exec(received)?.[1];
      if (line === undefined) return undefined;
      for (const [pattern, reply, tls] of answers) {
        const match = pattern.exec(line);
        if (match !== null) return { reply: reply.replace('$1', match[1] ?? ''), tls, consumed: line.length };
      }
      return { reply: '500 what?\r\n', tls: false };
    },
  };
}

const SCRIPTS: Record<StarttlsProtocol, Script> = {
  smtp: lineScript('220 fake ESMTP\r\n', [
    [/^EHLO /i, '250-fake\r\n250 STARTTLS\r\n', false],
    [/^STARTTLS/i, '220 go ahead\r\n', true],
  ]),
  imap: lineScript('* OK fake IMAP ready\r\n', [
    [/^(\S+) CAPABILITY/i, '* CAPABILITY IMAP4rev1 STARTTLS\r\n$1 OK done\r\n', false],
    [/^(\S+) STARTTLS/i, '$1 OK begin TLS\r\n', true],
  ]),
  pop3: lineScript('+OK fake POP3\r\n', [
    [/^CAPA/i, '+OK\r\nSTLS\r\n.\r\n', false],
    [/^STLS/i, '+OK begin TLS\r\n', true],
  ]),
  ftp: lineScript('220 fake FTP\r\n', [
    [/^FEAT/i, '211-Features:\r\n AUTH TLS\r\n211 End\r\n', false],
    [/^AUTH TLS/i, '234 go ahead\r\n', true],
  ]),
  xmpp: {
    greeting: '',
    answer(received) {
      if (received.includes('<starttls'))
        return { reply: "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", tls: true };
      if (received.includes('<stream:stream') && received.includes('>')) return { reply: XMPP_FEATURES, tls: false };
      return undefined;
    },
  },
  postgres: {
    greeting: '',
    answer(received) {
      return received.length >= 8 ? { reply: 'S', tls: true } : undefined;
    },
  },
};

/** A server for `protocol` on a free port: the dialogue, then TLS with an echo. */
async function starttlsServer(protocol: StarttlsProtocol): Promise<number> {
  const script = SCRIPTS[protocol];
  const cert = readFileSync(ws.cert, 'utf8');
  const key = readFileSync(ws.key, 'utf8');
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    let received = '';
    const onData = (chunk: Buffer): void => {
      received += chunk.toString('latin1');
      for (;;) {
        const step = script.answer(received);
        if (step === undefined) return;
        received = step.consumed === undefined ? '' : received.slice(received.indexOf('\n') + 1);
        if (!step.tls) {
          socket.write(step.reply, 'latin1');
          if (received === '') return;
          continue;
        }
        socket.off('data', onData);
        const transport = fromNodeSocket(socket);
        socket.write(step.reply, 'latin1');
        void (async () => {
          try {
            const tls = await handshake(transport, { cert, key });
            for await (const data of tls) await tls.send(data);
            await tls.close({ timeoutMs: 500 });
          } catch {
            transport.destroy();
          }
        })();
        return;
      }
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
    if (script.greeting !== '') socket.write(script.greeting);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

describe('s_client -starttls', () => {
  for (const protocol of STARTTLS_PROTOCOLS) {
    it(`${protocol}: openssl s_client and ours both upgrade and talk TLS`, async () => {
      const port = await starttlsServer(protocol);
      const theirs = await ws.opensslClient(port, ['-starttls', protocol, '-CAfile', ws.cert], 'ping-openssl\n', 1000);
      expect(theirs).toMatch(/Verify return code: 0 \(ok\)/);
      expect(theirs).toContain('ping-openssl');
      const { io, streams } = capture();
      const code = await runSClient(
        ['-connect', `127.0.0.1:${port}`, '-starttls', protocol, '-CAfile', ws.cert, '-servername', 'localhost'],
        streams,
        input('ping-ours\n', 200),
      );
      expect(io.err).toContain('Protocol: TLSv1.3');
      expect(code).toBe(0);
      expect(io.out).toMatch(/^Verify return code: 0 \(ok\)$/m);
      expect(io.out).toContain('ping-ours');
    });
  }

  it('an unknown protocol is a usage error; a server that refuses is a failure naming its answer', async () => {
    const { io, streams } = capture();
    expect(await runSClient(['-connect', '127.0.0.1:9', '-starttls', 'gopher'], streams, input(''))).toBe(2);
    expect(io.err).toContain('-starttls wants one of smtp, imap, pop3, ftp, xmpp, postgres');
    const refusing = net.createServer((socket) => socket.end('554 no service\r\n'));
    servers.push(refusing);
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const port = (refusing.address() as net.AddressInfo).port;
    const refused = capture();
    expect(await runSClient(['-connect', `127.0.0.1:${port}`, '-starttls', 'smtp'], refused.streams, input(''))).toBe(
      1,
    );
    expect(refused.io.err).toContain("SMTP greeting: the server answered '554 no service'");
  });
});
