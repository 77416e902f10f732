import { Reader } from '@sslsocket/record';
import { describe, expect, it } from 'vitest';
import { concat, toHex } from '../bytes.js';
import type { ConnectionConfig } from '../config.js';
import { ClientConnection, type Connection, ServerConnection } from '../connection.js';
import { decodeCookie } from '../messages/extension-bodies.js';
import { ExtensionType } from '../messages/extensions.js';
import { ServerHello } from '../messages/hello.js';
import {
  clientConfig,
  fixedRandom,
  leafCertificate,
  recordsInOrder,
  replaySigner,
  serverConfig,
  signatures,
  standInKey,
  tv,
} from '../test/rfc8448.js';

// RFC 8448 §5 (HelloRetryRequest), §6 (client authentication), §7 (compatibility mode): each side
// replays the peer's records one at a time; everything it sends must equal the trace.

function replay(conn: Connection, peerRecords: Uint8Array[]): Uint8Array {
  const out: Uint8Array[] = [];
  const first = conn.takeOutput();
  if (first !== null) out.push(first);
  for (const r of peerRecords) {
    conn.receive(r);
    if (conn.error !== undefined) console.log(conn.error, (conn.error.cause as Error | undefined)?.stack);
    expect(conn.error).toBeUndefined();
    const o = conn.takeOutput();
    if (o !== null) out.push(o);
  }
  return concat(...out);
}

const kinds = ['handshake', 'change_cipher_spec'];

function checkClosing(conn: Connection, section: number, actor: 'client' | 'server', peer: 'client' | 'server'): void {
  conn.close();
  expect(toHex(conn.takeOutput() as Uint8Array)).toBe(toHex(concat(...recordsInOrder(section, actor, ['alert']))));
  conn.receive(concat(...recordsInOrder(section, peer, ['alert'])));
  expect(conn.readClosed).toBe(true);
}

const sectionClient: Record<number, () => ConnectionConfig> = {
  5: () =>
    clientConfig(5, {
      extraExtensions: [{ type: 0xff01, data: Uint8Array.of(0) }],
      groups: ['x25519', 'secp256r1', 'secp384r1'],
      keyShareSecret: (g) =>
        g === 'x25519'
          ? tv(5, 'client', 'create an ephemeral x25519', 'private key')
          : tv(5, 'client', 'create an ephemeral P-256', 'private key'),
    }),
  6: () => {
    const cert = leafCertificate(6, 'client');
    return clientConfig(6, {
      extraExtensions: [{ type: 0xff01, data: Uint8Array.of(0) }],
      provider: replaySigner(signatures(6, 'client'), [cert]),
      certificateChain: [cert],
      privateKey: standInKey(cert),
    });
  },
  7: () => {
    const hello = tv(7, 'client', 'construct a ClientHello', 'ClientHello');
    return clientConfig(7, {
      extraExtensions: [{ type: 0xff01, data: Uint8Array.of(0) }],
      middleboxCompat: true,
      random: fixedRandom(hello.slice(6, 38), hello.slice(39, 71)),
    });
  },
};

const sectionServer: Record<number, () => ConnectionConfig> = {
  5: () => {
    const hrr = ServerHello.decode(
      new Reader(tv(5, 'server', 'construct a ServerHello', 'ServerHello', 0).subarray(4)),
    );
    const cookie = decodeCookie(hrr.extensions.get(ExtensionType.cookie) as Uint8Array);
    return serverConfig(5, {
      groups: ['secp256r1', 'secp384r1', 'x25519'],
      honorEccOrder: true,
      helloRetryCookie: () => cookie,
      keyShareSecret: () => tv(5, 'server', 'create an ephemeral P-256', 'private key'),
    });
  },
  6: () => {
    return serverConfig(6, { verifyPeer: true, pinnedCertificate: leafCertificate(6, 'client') });
  },
  7: () => serverConfig(7),
};

describe.each([5, 6, 7])('RFC 8448 §%i', (section) => {
  it('client sends every record byte for byte', () => {
    const client = new ClientConnection(sectionClient[section]?.() as ConnectionConfig);
    client.start();
    const sent = replay(client, recordsInOrder(section, 'server', kinds));
    expect(client.handshakeComplete).toBe(true);
    expect(toHex(sent)).toBe(toHex(concat(...recordsInOrder(section, 'client', kinds))));
    checkClosing(client, section, 'client', 'server');
  });

  it('server sends every record byte for byte', () => {
    const server = new ServerConnection(sectionServer[section]?.() as ConnectionConfig);
    const sent = replay(server, recordsInOrder(section, 'client', kinds));
    expect(server.handshakeComplete).toBe(true);
    expect(toHex(sent)).toBe(toHex(concat(...recordsInOrder(section, 'server', kinds))));
    checkClosing(server, section, 'server', 'client');
  });
});
