import { describe, expect, it } from 'vitest';
import type { DtlsConnection } from './connection.js';
import { dtlsPair, SimulatedNetwork, serverIdentity } from './test/network.js';

const id = await serverIdentity();

/** A plaintext epoch-0 handshake record: what anyone can send without keys (RFC 6347 §4.1.2.7). */
function plaintextHandshake(type: number, seq: number, body: number[], recordSeq: number): Uint8Array {
  const hs = [type, 0, 0, body.length, seq >> 8, seq & 0xff, 0, 0, 0, 0, 0, body.length, ...body];
  return Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, recordSeq >> 8, recordSeq & 0xff, 0, hs.length, ...hs);
}

const forged: [string, number, number[]][] = [
  ['Finished', 20, new Array(12).fill(0)],
  ['HelloRequest', 0, []],
  ['Certificate', 11, [0, 0, 0]],
  ['ClientKeyExchange', 16, [1, 4]],
  ['ServerHelloDone', 14, []],
];

describe('DTLS 1.2: old-epoch handshake records after the handshake (RFC 6347 §4.1.2.7)', () => {
  for (const victim of ['server', 'client'] as const) {
    for (const [name, type, body] of forged) {
      it(`the ${victim} drops a forged epoch-0 ${name} of any message_seq and goes on`, () => {
        const { client, server } = dtlsPair(id.config, id.cert);
        const net = new SimulatedNetwork(client, server);
        client.start();
        net.run(() => net.completed());
        const target: DtlsConnection = victim === 'server' ? server : client;
        const before = target.records.dropped;
        for (let seq = 0; seq < 12; seq++) target.receive(plaintextHandshake(type, seq, body, 200 + seq));
        net.collect(victim);
        expect(target.failed).toBeUndefined();
        expect(net.events[victim].some((e) => e.type === 'error')).toBe(false);
        // A Finished never travels in an old epoch; other types pass only as a repeat of the
        // peer's last flight (message_seq below the next expected), which is harmless.
        const dropped = target.records.dropped - before;
        if (type === 20) expect(dropped).toBe(12);
        else expect(dropped).toBeGreaterThanOrEqual(6);
        client.write(Uint8Array.of(1));
        server.write(Uint8Array.of(2));
        net.collect('client');
        net.collect('server');
        net.run(() => net.data('server').length === 1 && net.data('client').length === 1);
        expect([...(net.data('server')[0] as Uint8Array)]).toEqual([1]);
        expect([...(net.data('client')[0] as Uint8Array)]).toEqual([2]);
        expect(client.failed).toBeUndefined();
        expect(server.failed).toBeUndefined();
      });
    }
  }
});
