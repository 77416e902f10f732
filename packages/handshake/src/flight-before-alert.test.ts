// Output a completed step produced is sent before the alert a later record causes (RFC 8446 §D.3:
// the client fails, the server need not skip), in both versions and both roles.
import { describe, expect, it } from 'vitest';
import { ClientConnection, ServerConnection } from './connection.js';
import { baseClient, baseServer } from './test/pair.js';
import { answerTo, clientHelloRecord, parseAnswer, u16, vec8 } from './test/wire.js';

/** An unprotected application_data record ("hello"), out of place during any handshake. */
const APP_DATA = Uint8Array.from([0x17, 0x03, 0x03, 0x00, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]);
const join = (a: Uint8Array, b: Uint8Array) => Uint8Array.from([...a, ...b]);

describe('TLS 1.2 server: the whole flight, then the alert', () => {
  it('ClientHello (early_data, supported_versions = unknown + TLS 1.2) and application data in one segment', () => {
    const hello = clientHelloRecord({
      extensions: new Map([
        [43, vec8([...u16(0x7f7f), ...u16(0x0303)])],
        [42, []],
      ]),
    });
    const { answer, error } = answerTo(join(hello, APP_DATA));
    expect(answer.serverHelloVersion).toBe(0x0303);
    // ServerHello, Certificate, ServerKeyExchange, ServerHelloDone, and only then the alert.
    expect(answer.handshakeTypes).toEqual([2, 11, 12, 14]);
    expect(answer.alerts).toEqual([{ level: 'fatal', description: 'unexpected_message' }]);
    expect(answer.recordTypes.at(-1)).toBe(21);
    expect(error?.description).toBe('unexpected_message');
  });
});

describe('TLS 1.3 server: the whole flight, then the alert', () => {
  it('ClientHello and a plaintext application data record in one segment', () => {
    const hello = clientHelloRecord();
    const clean = answerTo(hello).answer;
    const { answer, error } = answerTo(join(hello, APP_DATA));
    expect(answer.handshakeTypes).toEqual([2]);
    // The same records as without the bad one, plus one more (the alert, under the handshake keys).
    expect(answer.recordTypes).toEqual([...clean.recordTypes, 23]);
    // Under the handshake keys the record is read as ciphertext: it does not authenticate.
    expect(error?.description).toBe('bad_record_mac');
  });
});

describe('clients: their flight, then the alert', () => {
  function clientAnswer(versions: ('tlsv1.2' | 'tlsv1.3')[], bad: Uint8Array | null) {
    const client = new ClientConnection(baseClient({ versions }));
    const server = new ServerConnection(baseServer());
    client.start();
    server.receive(client.takeOutput() as Uint8Array);
    const flight = server.takeOutput() as Uint8Array;
    client.receive(bad === null ? flight : join(flight, bad));
    const events = client.takeEvents();
    const error = events.find((e) => e.type === 'error');
    return { answer: parseAnswer(client.takeOutput()), error: error?.type === 'error' ? error.error : undefined };
  }

  it('TLS 1.2: ClientKeyExchange, ChangeCipherSpec, Finished, then unexpected_message', () => {
    const clean = clientAnswer(['tlsv1.2'], null);
    expect(clean.answer.recordTypes).toEqual([22, 20, 22]);
    const { answer, error } = clientAnswer(['tlsv1.2'], APP_DATA);
    expect(answer.recordTypes).toEqual([22, 20, 22, 21]);
    expect(error?.description).toBe('unexpected_message');
  });

  it('TLS 1.3: the client Finished, then bad_record_mac', () => {
    const clean = clientAnswer(['tlsv1.3'], null);
    const { answer, error } = clientAnswer(['tlsv1.3'], APP_DATA);
    expect(answer.recordTypes).toEqual([...clean.answer.recordTypes, 23]);
    expect(error?.description).toBe('bad_record_mac');
  });
});
