// The KeyUpdate flood guard counts application data in both directions: a client that only
// downloads and asks for a key update (KeyUpdate body 01 = update_requested) between chunks is never
// cut, however many times; KeyUpdates with no data either way are still cut after 32.
import { describe, expect, it } from 'vitest';
import { errorOf } from '../test/events.js';
import { connect, pump } from '../test/pair.js';

const TLS13 = { versions: ['tlsv1.3'] as const };

describe('KeyUpdate flood guard', () => {
  it('100 update_requested KeyUpdates from a client that only reads a stream are all answered', () => {
    const { client, server } = connect(TLS13, TLS13);
    client.takeEvents();
    server.takeEvents();
    let received = 0;
    let answers = 0;
    for (let i = 0; i < 100; i++) {
      server.write(new Uint8Array(1024).fill(i & 0xff));
      client.keyUpdate(true);
      pump(client, server);
      const se = server.takeEvents();
      expect(errorOf(se)).toBeUndefined();
      answers += se.filter((e) => e.type === 'keyUpdate' && e.direction === 'write').length;
      const ce = client.takeEvents();
      expect(errorOf(ce)).toBeUndefined();
      for (const e of ce) if (e.type === 'data') received += e.data.length;
    }
    expect(answers).toBe(100);
    expect(received).toBe(100 * 1024);
  });

  it('a real flood (KeyUpdates with no data in either direction) is cut after 32', () => {
    const { client, server } = connect(TLS13, TLS13);
    server.takeEvents();
    for (let i = 0; i < 32; i++) client.keyUpdate(false);
    pump(client, server);
    expect(errorOf(server.takeEvents())).toBeUndefined();
    client.keyUpdate(false);
    pump(client, server);
    expect(errorOf(server.takeEvents())).toBe('unexpected_message');
  });
});
