// The ML-KEM groups through the engine: each negotiates with a share in the first ClientHello, and a
// client that sends only a classical share is sent a HelloRetryRequest for the server's preferred
// ML-KEM group (RFC 8446 §4.1.4); TLS 1.2 never offers them (RFC 10024 §4, draft-ietf-tls-mlkem §3).
import type { GroupName } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import type { ConnectionEvent } from './events.js';
import { connect } from './test/pair.js';

const PQ = ['SecP256r1MLKEM768', 'SecP384r1MLKEM1024', 'MLKEM512', 'MLKEM768', 'MLKEM1024'] as const;

function completed(events: ConnectionEvent[]) {
  const done = events.find((e) => e.type === 'handshakeComplete');
  if (done?.type !== 'handshakeComplete') throw new Error('no handshakeComplete event');
  return done.parameters;
}

describe('ML-KEM groups in the TLS 1.3 engine', () => {
  it.each(PQ)('negotiates %s from the first ClientHello', (group) => {
    const { client, server } = connect({ groups: [group] }, { groups: ['x25519', group] });
    const c = completed(client.takeEvents());
    const s = completed(server.takeEvents());
    expect([c.group, c.helloRetry, s.group]).toEqual([group, false, group]);
  });

  it.each(PQ)('a classical share only: HelloRetryRequest for %s, which the server prefers', (group) => {
    const groups: GroupName[] = ['x25519', group];
    const { client, server } = connect({ groups }, { groups: [group, 'x25519'], honorEccOrder: true });
    const c = completed(client.takeEvents());
    const s = completed(server.takeEvents());
    expect([c.group, c.helloRetry, s.group, s.helloRetry]).toEqual([group, true, group, true]);
  });

  it('without a mutual ML-KEM group the classical share is used, with no HelloRetryRequest', () => {
    const { client } = connect({ groups: ['x25519', 'MLKEM768'] }, { groups: ['MLKEM1024', 'x25519'] });
    const c = completed(client.takeEvents());
    expect([c.group, c.helloRetry]).toEqual(['x25519', false]);
  });
});
