import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConnectionConfig } from './config.js';
import { ClientConnection, type Connection, ServerConnection } from './connection.js';
import { HandshakeType as H } from './messages/handshake-type.js';
import { baseClient, baseServer, clientId, mutateOutgoing, pump } from './test/pair.js';

// Every handshake message truncated, extended, and with its length fields corrupted must end the
// handshake with the right alert at the receiver, and never throw out of receive().

type Side = 'client' | 'server';

interface Target {
  readonly name: string;
  readonly type: number;
  readonly sender: Side;
  /** Offsets of length fields: [offset, size] computed from the body. */
  readonly lengths: (b: Uint8Array) => [number, number][];
  readonly client?: Partial<ConnectionConfig>;
  readonly server?: Partial<ConnectionConfig>;
  /** Sent after the handshake: trigger it. */
  readonly post?: (sender: Connection) => void;
}

const u16 = (b: Uint8Array, at: number): number => ((b[at] as number) << 8) | (b[at + 1] as number);

const clientAuth = {
  client: { certificateChain: [clientId.cert], privateKey: clientId.key },
  server: { verifyPeer: true, pinnedCertificate: clientId.cert },
};

const TARGETS: Target[] = [
  {
    name: 'ClientHello',
    type: H.client_hello,
    sender: 'client',
    lengths: (b) => {
      const sid = b[34] as number;
      const suites = u16(b, 35 + sid);
      const comp = 37 + sid + suites;
      return [
        [34, 1],
        [35 + sid, 2],
        [comp, 1],
        [comp + 1 + (b[comp] as number), 2],
      ];
    },
  },
  {
    name: 'ServerHello',
    type: H.server_hello,
    sender: 'server',
    lengths: (b) => [
      [34, 1],
      [38 + (b[34] as number), 2],
    ],
  },
  { name: 'EncryptedExtensions', type: H.encrypted_extensions, sender: 'server', lengths: () => [[0, 2]] },
  {
    name: 'CertificateRequest',
    type: H.certificate_request,
    sender: 'server',
    lengths: () => [
      [0, 1],
      [1, 2],
    ],
    ...clientAuth,
  },
  {
    name: 'server Certificate',
    type: H.certificate,
    sender: 'server',
    lengths: (_b) => [
      [0, 1],
      [1, 3],
      [4, 3],
    ],
  },
  { name: 'server CertificateVerify', type: H.certificate_verify, sender: 'server', lengths: () => [[2, 2]] },
  { name: 'server Finished', type: H.finished, sender: 'server', lengths: () => [] },
  {
    name: 'client Certificate',
    type: H.certificate,
    sender: 'client',
    lengths: () => [
      [0, 1],
      [1, 3],
      [4, 3],
    ],
    ...clientAuth,
  },
  {
    name: 'client CertificateVerify',
    type: H.certificate_verify,
    sender: 'client',
    lengths: () => [[2, 2]],
    ...clientAuth,
  },
  { name: 'client Finished', type: H.finished, sender: 'client', lengths: () => [] },
  {
    name: 'NewSessionTicket',
    type: H.new_session_ticket,
    sender: 'server',
    lengths: (b) => [
      [8, 1],
      [9 + (b[8] as number), 2],
    ],
    server: { ticketKeys: [new Uint8Array(32)] },
  },
  {
    name: 'KeyUpdate from client',
    type: H.key_update,
    sender: 'client',
    lengths: () => [],
    post: (c) => c.keyUpdate(false),
  },
  {
    name: 'KeyUpdate from server',
    type: H.key_update,
    sender: 'server',
    lengths: () => [],
    post: (c) => c.keyUpdate(false),
  },
];

function run(target: Target, mutate: (b: Uint8Array) => Uint8Array, newType?: number) {
  const client = new ClientConnection(baseClient(target.client));
  const server = new ServerConnection(baseServer(target.server));
  const sender = target.sender === 'client' ? client : server;
  const receiver = target.sender === 'client' ? server : client;
  if (target.post === undefined) mutateOutgoing(sender, target.type, mutate, newType);
  client.start();
  pump(client, server);
  if (target.post !== undefined) {
    expect(client.handshakeComplete && server.handshakeComplete).toBe(true);
    mutateOutgoing(sender, target.type, mutate, newType);
    target.post(sender);
    pump(client, server);
  }
  return { receiver, sender };
}

function expectAlert(target: Target, mutate: (b: Uint8Array) => Uint8Array, alert: string, newType?: number): void {
  const { receiver, sender } = run(target, mutate, newType);
  expect(receiver.error?.description).toBe(alert);
  expect(receiver.error?.sentByUs).toBe(true);
  if (target.type === H.server_hello) {
    // A client failing on the ServerHello has no keys yet: its alert is plaintext, which the server
    // (already reading with handshake keys) cannot accept; either way the connection is dead.
    expect(sender.error).toBeDefined();
    return;
  }
  // The alert reached the peer as a fatal alert.
  expect(sender.error?.description).toBe(alert);
  expect(sender.error?.sentByUs).toBe(false);
}

describe.each(TARGETS)('malformed $name', (target) => {
  it('truncated by one byte is decode_error', () => {
    expectAlert(target, (b) => b.subarray(0, b.length - 1), 'decode_error');
  });

  it('extended by one byte is decode_error', () => {
    expectAlert(target, (b) => Uint8Array.of(...b, 0), 'decode_error');
  });

  it('each length field off by one is decode_error', () => {
    const probe = run(target, (b) => b);
    expect(probe.receiver.error).toBeUndefined();
    let fields: [number, number][] = [];
    // Learn the offsets from an untouched copy of the message.
    run(target, (b) => {
      fields = target.lengths(b);
      return b;
    });
    for (const [at, size] of fields) {
      for (const delta of [1, -1]) {
        expectAlert(
          target,
          (b) => {
            const copy = b.slice();
            const low = at + size - 1;
            copy[low] = ((copy[low] as number) + delta) & 0xff;
            return copy;
          },
          'decode_error',
        );
      }
    }
  });
});

describe('illegal messages', () => {
  it('a message out of order is unexpected_message (Finished instead of EncryptedExtensions)', () => {
    const target = TARGETS[2] as Target;
    expectAlert(target, (b) => b, 'unexpected_message', H.finished);
  });

  it('a client sending a NewSessionTicket type during the handshake is unexpected_message', () => {
    const target = TARGETS.find((t) => t.name === 'client Finished') as Target;
    expectAlert(target, (b) => b, 'unexpected_message', H.new_session_ticket);
  });

  it('KeyUpdate with request_update = 2 is illegal_parameter', () => {
    const target = TARGETS.find((t) => t.name === 'KeyUpdate from server') as Target;
    expectAlert(target, () => Uint8Array.of(2), 'illegal_parameter');
  });

  it('a duplicated extension in ClientHello is illegal_parameter', () => {
    const target = TARGETS[0] as Target;
    expectAlert(
      target,
      (b) => {
        // Append a second supported_versions extension and fix the extensions length.
        const lens = target.lengths(b);
        const [extAt] = lens[3] as [number, number];
        const extra = Uint8Array.of(0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04);
        const out = Uint8Array.of(...b, ...extra);
        const total = u16(b, extAt) + extra.length;
        out[extAt] = total >> 8;
        out[extAt + 1] = total & 255;
        return out;
      },
      'illegal_parameter',
    );
  });

  it('a TLS 1.2 ServerHello with the downgrade sentinel is illegal_parameter, without it protocol_version', () => {
    // A TLS 1.3-only client: a TLS 1.2 answer is a version it does not speak.
    const target = { ...(TARGETS[1] as Target), client: { ...(TARGETS[1] as Target).client, versions: ['tlsv1.3'] } };
    // Drop the extensions (no supported_versions: a TLS 1.2 answer) and optionally mark a downgrade.
    const as12 = (sentinel: boolean) => (b: Uint8Array) => {
      const sid = b[34] as number;
      const out = b.slice(0, 35 + sid + 3);
      if (sentinel) out.set([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01], 2 + 24);
      return out;
    };
    expect(run(target, as12(true)).receiver.error?.description).toBe('illegal_parameter');
    expect(run(target, as12(false)).receiver.error?.description).toBe('protocol_version');
  });

  it('ChangeCipherSpec after the handshake is unexpected_message', () => {
    const client = new ClientConnection(baseClient());
    const server = new ServerConnection(baseServer());
    client.start();
    pump(client, server);
    server.receive(Uint8Array.of(20, 3, 3, 0, 1, 1));
    expect(server.error?.description).toBe('unexpected_message');
  });

  it('a wrong Finished is decrypt_error', () => {
    const target = TARGETS.find((t) => t.name === 'server Finished') as Target;
    expectAlert(target, (b) => b.map((x, i) => (i === 0 ? x ^ 1 : x)), 'decrypt_error');
  });

  it('random corruption of a ClientHello never throws out of receive()', () => {
    const client = new ClientConnection(baseClient({ middleboxCompat: false }));
    client.start();
    const hello = client.takeOutput() as Uint8Array;
    fc.assert(
      fc.property(fc.nat(hello.length - 1), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const server = new ServerConnection(baseServer());
        const copy = hello.slice();
        copy[at] = (copy[at] as number) ^ flip;
        expect(() => server.receive(copy)).not.toThrow();
        const out = server.takeOutput();
        // Either the server answered a (still valid) hello, or it failed with an alert record.
        if (server.error !== undefined) expect(out?.[0]).toBe(21);
      }),
      { numRuns: 150 },
    );
  });
});
