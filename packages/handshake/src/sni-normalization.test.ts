// SNI is a host name, normalized (RFC 6066 §3: ASCII, no trailing dot; DNS names are
// case-insensitive): the client strips one trailing dot before sending; the server compares names
// through normalizeHostName for sniHosts, sniFun and TLS 1.2 session checks.
import { Reader } from '@sslsocket/record';
import { nobleProvider, normalizeHostName, sniHostName } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import { ClientConnection } from './connection.js';
import { ExtensionType } from './messages/extensions.js';
import { ClientHello } from './messages/hello.js';
import { params } from './test/events.js';
import { baseClient, connect, serverId } from './test/pair.js';
import { answerTo, ascii, clientHelloRecord, vec16 } from './test/wire.js';
import { ServerSessionCache, type Session12 } from './tls12/session.js';

const hex = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('hex');

/** The server_name extension_data for one host_name entry, as RFC 6066 §3 lays it out. */
const sniBody = (name: string) => vec16([0, ...vec16(ascii(name))]);

function sentServerName(serverName: string): Uint8Array | undefined {
  const client = new ClientConnection(baseClient({ serverName }));
  client.start();
  const out = client.takeOutput();
  if (out === null) throw new Error('no ClientHello');
  // record header (5) + handshake header (4)
  const ch = ClientHello.decode(new Reader(out.subarray(9)));
  return ch.extensions.get(ExtensionType.server_name);
}

describe('normalizeHostName / sniHostName', () => {
  it('fold ASCII case and strip exactly one trailing dot', () => {
    expect(normalizeHostName('WWW.Example.COM.')).toBe('www.example.com');
    expect(normalizeHostName('example.com')).toBe('example.com');
    expect(normalizeHostName('example.com..')).toBe('example.com.');
    expect(sniHostName('Example.COM.')).toBe('Example.COM');
    // Only ASCII is folded: a dotted capital I (U+0130) is not turned into "i".
    expect(normalizeHostName('\u0130.test')).toBe('\u0130.test');
  });
});

describe('client: SNI goes out without a trailing dot (RFC 6066 §3)', () => {
  it('serverName "example.com." sends the bytes of "example.com"', () => {
    // 00 0e | 00 | 00 0b "example.com"
    expect(hex(sentServerName('example.com.'))).toBe('000e00000b6578616d706c652e636f6d');
    expect(hex(sentServerName('example.com'))).toBe('000e00000b6578616d706c652e636f6d');
  });
});

describe('server: every host-name comparison is normalized', () => {
  it('sniFun sees "example.com" for a ClientHello naming "EXAMPLE.com."', () => {
    const seen: (string | undefined)[] = [];
    const bytes = clientHelloRecord({ extensions: new Map([[0, sniBody('EXAMPLE.com.')]]) });
    const { answer } = answerTo(bytes, {
      sniFun: (name) => {
        seen.push(name);
        return { certificateChain: [serverId.cert], privateKey: serverId.key };
      },
    });
    expect(seen).toEqual(['example.com']);
    expect(answer.handshakeTypes[0]).toBe(2);
  });

  it('sniHosts keys match case-insensitively and without the trailing dot', () => {
    const chosen = { certificateChain: [serverId.cert], privateKey: serverId.key };
    const hosts = { 'Example.COM.': chosen };
    for (const name of ['example.com', 'EXAMPLE.COM.', 'example.com.']) {
      const bytes = clientHelloRecord({ extensions: new Map([[0, sniBody(name)]]) });
      const { answer, error } = answerTo(bytes, {
        provider: nobleProvider,
        sniHosts: hosts,
      });
      expect(error).toBeUndefined();
      expect(answer.handshakeTypes[0]).toBe(2);
    }
    const other = clientHelloRecord({ extensions: new Map([[0, sniBody('other.example')]]) });
    const refused = answerTo(other, { provider: nobleProvider, sniHosts: hosts });
    expect(refused.answer.handshakeTypes).not.toContain(2);
  });

  it('a TLS 1.2 session made for "example.com" resumes under "EXAMPLE.COM."', () => {
    const cache = new ServerSessionCache({ lifetimeSeconds: 60 });
    const tls12 = { versions: ['tlsv1.2'], sessionTickets12: false } as const;
    const first = connect({ ...tls12, serverName: 'example.com' }, { sessionCache: cache });
    const ev = first.client.takeEvents();
    const t = ev.filter((e) => e.type === 'newSessionTicket').at(-1);
    if (t?.type !== 'newSessionTicket') throw new Error('no session');
    const again = connect(
      { ...tls12, serverName: 'EXAMPLE.COM.', session: t.session as Session12 },
      { sessionCache: cache },
    );
    expect(params(again.client.takeEvents())?.resumed).toBe(true);
    expect(params(again.server.takeEvents())?.serverName).toBe('example.com');
  });
});
