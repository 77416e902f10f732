// Runs under Deno (2.x needs --unstable-net for UDP) against the built packages, started by
// test/deno-dtls.test.ts, which runs the node sslsocket DTLS server and passes its port and CA:
//   DTLS_PORT=4433 DTLS_CA="$(cat ca.pem)" npx --yes deno@2.9.6 test --no-check --unstable-net \
//     --allow-net --allow-env test/deno/dtls_test.ts
import { connectDenoDatagram, listenDenoDatagram } from '@sslsocket/transport';
import { connect } from 'sslsocket';

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const text = (d: Uint8Array | null): string => (d === null ? '<closed>' : new TextDecoder().decode(d));
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

Deno.test('DTLS 1.2 from a Deno UDP client to a node sslsocket server, one echo', async () => {
  const port = Number(Deno.env.get('DTLS_PORT'));
  const ca = Deno.env.get('DTLS_CA');
  assert(port > 0 && ca !== undefined, 'DTLS_PORT and DTLS_CA come from test/deno-dtls.test.ts');
  const transport = await connectDenoDatagram('127.0.0.1', port);
  const socket = await connect(transport, {
    protocol: 'dtls',
    host: 'server.test',
    cacerts: [ca],
    serverNameIndication: 'server.test',
  });
  assert(socket.connectionInformation().protocol === 'dtlsv1.2', 'DTLS 1.2 negotiated');
  await socket.send('ping from deno');
  const reply = await socket.recv(0, 5000);
  assert(text(reply) === 'PING FROM DENO', `the node server echoed upper-cased, got ${text(reply)}`);
  await socket.close();
});

Deno.test('listenDenoDatagram gives one transport per peer; a client drops strangers', async () => {
  const listener = await listenDenoDatagram(0, { host: '127.0.0.1' });
  const serving = (async () => {
    for (let i = 0; i < 2; i++) {
      const peer = await listener.accept();
      const first = await peer.receive();
      peer.send(bytes(`${text(first)} for ${peer.remoteAddress?.port}`));
    }
  })();
  const a = await connectDenoDatagram('127.0.0.1', listener.address.port);
  const b = await connectDenoDatagram('127.0.0.1', listener.address.port);
  // A third socket writes to a's port first: a is connected to the listener only, so it drops this.
  const stranger = await connectDenoDatagram('127.0.0.1', a.localAddress?.port as number);
  stranger.send(bytes('stranger'));
  await new Promise((resolve) => setTimeout(resolve, 50));
  a.send(bytes('a'));
  b.send(bytes('b'));
  await serving;
  assert(text(await a.receive()) === `a for ${a.localAddress?.port}`, 'a got its own reply, not the stranger');
  assert(text(await b.receive()) === `b for ${b.localAddress?.port}`, 'b got its own reply');
  assert(listener.peers === 2, `two peers, got ${listener.peers}`);
  for (const t of [a, b, stranger]) await t.close();
  await listener.close();
  assert(listener.peers === 0, 'closing the listener closes its peers');
  assert((await a.receive()) === null, 'a closed transport reads null');
});
