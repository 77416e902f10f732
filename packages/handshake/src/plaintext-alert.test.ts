// A TLS 1.3 client that cannot process our ServerHello has no keys yet and sends its alert in
// plaintext. The server reports that alert as the peer's and closes, instead of answering the
// unprotected record with unexpected_message of its own.
import { describe, expect, it } from 'vitest';
import { ClientConnection, ServerConnection } from './connection.js';
import { baseClient, baseServer } from './test/pair.js';
import { answerTo, clientHelloRecord } from './test/wire.js';

/** alert(21), TLS 1.2 record version, length 2, fatal(2), illegal_parameter(47). */
const PLAINTEXT_ALERT = Uint8Array.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x2f]);

describe('plaintext alert from the peer during the TLS 1.3 handshake', () => {
  it('server: ClientHello, then 15 03 03 00 02 02 2f: illegal_parameter received from the peer', () => {
    const hello = clientHelloRecord();
    const { server, answer } = answerTo(hello);
    expect(answer.handshakeTypes).toEqual([2]);
    server.receive(PLAINTEXT_ALERT);
    const events = server.takeEvents();
    const error = events.find((e) => e.type === 'error');
    expect(error?.type === 'error' ? [error.error.description, error.error.sentByUs] : []).toEqual([
      'illegal_parameter',
      false,
    ]);
    // Nothing answered: no unexpected_message of our own.
    expect(server.takeOutput()).toBeNull();
  });

  it("client: after the server flight, a plaintext alert is the server's", () => {
    const client = new ClientConnection(baseClient({ versions: ['tlsv1.3'] }));
    const server = new ServerConnection(baseServer());
    client.start();
    server.receive(client.takeOutput() as Uint8Array);
    const flight = server.takeOutput() as Uint8Array;
    // The server flight up to its ServerHello only (first record), then the plaintext alert.
    const helloLength = 5 + (((flight[3] as number) << 8) | (flight[4] as number));
    client.receive(Uint8Array.from([...flight.subarray(0, helloLength), ...PLAINTEXT_ALERT]));
    const error = client.takeEvents().find((e) => e.type === 'error');
    expect(error?.type === 'error' ? [error.error.description, error.error.sentByUs] : []).toEqual([
      'illegal_parameter',
      false,
    ]);
  });

  it('once the peer has sent a protected record, a plaintext alert is unexpected_message again', () => {
    const client = new ClientConnection(baseClient({ versions: ['tlsv1.3'] }));
    const server = new ServerConnection(baseServer());
    client.start();
    server.receive(client.takeOutput() as Uint8Array);
    const flight = server.takeOutput() as Uint8Array;
    client.receive(Uint8Array.from([...flight, ...PLAINTEXT_ALERT]));
    const error = client.takeEvents().find((e) => e.type === 'error');
    expect(error?.type === 'error' ? [error.error.description, error.error.sentByUs] : []).toEqual([
      'unexpected_message',
      true,
    ]);
  });
});
