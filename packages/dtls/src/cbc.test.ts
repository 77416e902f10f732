import { nodeProvider } from '@sslsocket/provider-node';
import { describe, expect, it } from 'vitest';
import { DTLS12 } from './constants.js';
import { DtlsCbcProtection } from './record/cbc-protection.js';
import { type DtlsRecord, readUint48 } from './record/header.js';
import { dtlsPair, SimulatedNetwork, serverIdentity } from './test/network.js';

const id = await serverIdentity();
const CBC = 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256';

/** A DtlsRecord view of a sealed record (13-byte header, RFC 6347 §4.1). */
function parse(record: Uint8Array): DtlsRecord {
  return {
    type: record[0] as number,
    version: ((record[1] as number) << 8) | (record[2] as number),
    epoch: ((record[3] as number) << 8) | (record[4] as number),
    sequence: readUint48(record, 5),
    fragment: record.subarray(13),
    header: record.subarray(0, 13),
  };
}

function pair(encryptThenMac: boolean, hash: 'SHA-1' | 'SHA-256' | 'SHA-384' = 'SHA-256') {
  const key = new Uint8Array(16).fill(7);
  const macKey = new Uint8Array(hash === 'SHA-1' ? 20 : hash === 'SHA-256' ? 32 : 48).fill(9);
  const make = () =>
    DtlsCbcProtection.create(nodeProvider, 'AES-128-CBC', key, hash, macKey, DTLS12, { encryptThenMac });
  return { sender: make(), receiver: make() };
}

describe('DTLS 1.2 CBC record protection (RFC 6347 §4.1.2.1)', () => {
  it.each([false, true])('opens its own records in any order, encrypt-then-MAC %s', (etm) => {
    const { sender, receiver } = pair(etm);
    const a = sender.seal(23, DTLS12, 1, 5, Uint8Array.of(1, 2, 3));
    const b = sender.seal(23, DTLS12, 1, 2 ** 40 + 3, new Uint8Array(100).fill(4));
    expect(a.length % 16).toBe(13 % 16);
    expect([...(receiver.open(parse(b)) as Uint8Array)]).toEqual([...new Uint8Array(100).fill(4)]);
    expect([...(receiver.open(parse(a)) as Uint8Array)]).toEqual([1, 2, 3]);
    expect(a.length - 13 - 3).toBeLessThanOrEqual(sender.overhead);
  });

  it.each([false, true])('the MAC covers epoch || sequence_number and the type (ETM %s)', (etm) => {
    const { sender, receiver } = pair(etm);
    const r = parse(sender.seal(23, DTLS12, 1, 5, Uint8Array.of(1, 2, 3)));
    expect(receiver.open({ ...r, sequence: 6 })).toBeNull();
    expect(receiver.open({ ...r, epoch: 2 })).toBeNull();
    expect(receiver.open({ ...r, type: 22 })).toBeNull();
    expect(receiver.open(r)).not.toBeNull();
  });

  it.each([false, true])('returns null (drop, no alert) for a flipped byte anywhere (ETM %s)', (etm) => {
    const { sender, receiver } = pair(etm, 'SHA-1');
    const sealed = sender.seal(23, DTLS12, 1, 9, new Uint8Array(30).fill(5));
    for (let i = 13; i < sealed.length; i++) {
      const bad = sealed.slice();
      bad[i] = (bad[i] as number) ^ 0x01;
      expect(receiver.open(parse(bad))).toBeNull();
    }
    // Truncated to a non-block length, to nothing, or grown by a block: dropped too.
    expect(receiver.open(parse(sealed.subarray(0, sealed.length - 1)))).toBeNull();
    expect(receiver.open(parse(sealed.subarray(0, 13)))).toBeNull();
    expect(receiver.open(parse(sealed.subarray(0, sealed.length - 16)))).toBeNull();
    expect([...(receiver.open(parse(sealed)) as Uint8Array)]).toEqual([...new Uint8Array(30).fill(5)]);
  });

  it('leaves the received fragment untouched', () => {
    const { sender, receiver } = pair(false);
    const sealed = sender.seal(23, DTLS12, 1, 1, Uint8Array.of(1));
    const copy = sealed.slice();
    receiver.open(parse(sealed));
    expect(sealed).toEqual(copy);
  });
});

describe('DTLS 1.2 handshake with CBC suites', () => {
  it.each([
    ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', true],
    ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', false],
    ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', true],
    ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', false],
  ] as const)('carries data both ways with %s, encrypt-then-MAC %s', (suite, etm) => {
    const { client, server } = dtlsPair(
      id.config,
      id.cert,
      { cipherSuites: [suite] },
      { cipherSuites: [suite], encryptThenMac: etm },
    );
    const net = new SimulatedNetwork(client, server);
    client.start();
    net.run(() => net.completed());
    expect(client.parameters?.cipherSuite).toBe(suite);
    expect(client.parameters?.encryptThenMac).toBe(etm);
    expect(server.parameters?.encryptThenMac).toBe(etm);
    server.write(new Uint8Array(1000).fill(3));
    client.write(Uint8Array.of(4));
    net.run(() => net.data('client').length === 1 && net.data('server').length === 1);
    expect([...(net.data('server')[0] as Uint8Array)]).toEqual([4]);
    expect([...(net.data('client')[0] as Uint8Array)]).toEqual([...new Uint8Array(1000).fill(3)]);
  });

  it('does not offer encrypt_then_mac without CBC suites, nor when configured off', () => {
    for (const [cipherSuites, encryptThenMac] of [
      [['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'], true],
      [['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256'], false],
    ] as const) {
      const { client, server } = dtlsPair(id.config, id.cert, { cipherSuites, encryptThenMac }, { cipherSuites });
      const net = new SimulatedNetwork(client, server);
      client.start();
      net.run(() => net.completed());
      expect(server.parameters?.encryptThenMac).toBe(false);
    }
  });

  it.each([false, true])('drops a record with a bad MAC or padding silently (ETM %s, RFC 6347 §4.1.2.7)', (etm) => {
    const { client, server } = dtlsPair(
      id.config,
      id.cert,
      { cipherSuites: [CBC] },
      { cipherSuites: [CBC], encryptThenMac: etm },
    );
    const net = new SimulatedNetwork(client, server);
    client.start();
    net.run(() => net.completed());
    net.run(() => false, net.now + 5000);
    const serverSent = net.wire.server.length;
    client.write(Uint8Array.of(42));
    const [record] = client.takeDatagrams() as [Uint8Array];
    const before = server.records.dropped;
    // The padding length byte (MAC-then-encrypt) or the MAC (encrypt-then-MAC), a MAC byte, the
    // first ciphertext byte: each must fail. Same sequence number as the genuine record, which the
    // replay window has not seen yet, so only the protection can drop them.
    for (const at of [record.length - 1, record.length - 20, 13 + 16]) {
      const bad = record.slice();
      bad[at] = (bad[at] as number) ^ 0x80;
      server.receive(bad);
    }
    net.collect('server');
    expect(server.records.dropped).toBe(before + 3);
    expect(net.data('server')).toHaveLength(0);
    expect(server.failed).toBeUndefined();
    expect(net.events.server.filter((e) => e.type === 'error')).toEqual([]);
    // Nothing went back to the client: no bad_record_mac alert.
    expect(net.wire.server.length).toBe(serverSent);
    server.receive(record);
    net.collect('server');
    expect([...(net.data('server')[0] as Uint8Array)]).toEqual([42]);
    client.write(Uint8Array.of(43));
    net.run(() => net.data('server').length === 2);
    expect([...(net.data('server')[1] as Uint8Array)]).toEqual([43]);
  });
});
