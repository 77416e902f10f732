// Runs under Deno against the built packages (`npm run build` first):
//   npx --yes deno@2.9.6 test --no-check --allow-net --allow-read --allow-env --allow-sys test/deno/sslsocket_test.ts
// (--no-check: tsc already typechecks these sources; Deno would resolve them through TS paths.)
// Deno resolves the workspace packages through node_modules, like Node does.
import { generateCaChain } from '@sslsocket/pkix';
import { nodeProvider } from '@sslsocket/provider-node';
import { nobleProvider } from '@sslsocket/suites';
import { connectDeno, listenDeno, memoryPair } from '@sslsocket/transport';
import { connect, handshake } from 'sslsocket';

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const ca = await generateCaChain({ altNames: ['server.test'] });
const serverOptions = { cert: ca.leaf.certificatePem, key: ca.leaf.keyPem };
const clientOptions = { cacerts: [ca.ca.certificatePem], serverNameIndication: 'server.test' };

Deno.test('TLS 1.3 over an in-memory pair under Deno', async () => {
  const [clientEnd, serverEnd] = memoryPair();
  const serverPromise = handshake(serverEnd, serverOptions);
  const client = await connect(clientEnd, { host: 'server.test', ...clientOptions });
  const server = await serverPromise;
  await client.send('hello deno');
  const data = await server.recv(10);
  assert(new TextDecoder().decode(data) === 'hello deno', 'server received the data');
  assert(client.connectionInformation().protocol === 'tlsv1.3', 'TLS 1.3 negotiated');
  await client.close({ timeoutMs: 100 });
  await server.close({ timeoutMs: 100 });
});

Deno.test('TLS 1.2 over an in-memory pair under Deno, with renegotiation', async () => {
  const [clientEnd, serverEnd] = memoryPair();
  const serverPromise = handshake(serverEnd, serverOptions);
  const client = await connect(clientEnd, { host: 'server.test', ...clientOptions, versions: ['tlsv1.2'] });
  const server = await serverPromise;
  assert(client.connectionInformation().protocol === 'tlsv1.2', 'TLS 1.2 negotiated');
  const reading = server.recv(5);
  await client.renegotiate();
  await client.send('again');
  assert(new TextDecoder().decode(await reading) === 'again', 'data after renegotiation');
  await client.close({ timeoutMs: 100 });
  await server.close({ timeoutMs: 100 });
});

Deno.test('connect and listen over Deno.Conn with the node:crypto provider', async () => {
  const listener = listenDeno(0);
  const serving = (async () => {
    const socket = await handshake(await listener.accept(), { ...serverOptions, provider: nodeProvider });
    const line = await socket.recv(4);
    await socket.send(new TextDecoder().decode(line).toUpperCase());
    await socket.close({ timeoutMs: 200 });
  })();
  const transport = await connectDeno('127.0.0.1', listener.address.port);
  const client = await connect(transport, { host: 'server.test', ...clientOptions, provider: nodeProvider });
  await client.send('ping');
  const reply = await client.recv(4);
  assert(
    new TextDecoder().decode(reply) === 'PING',
    `echo came back upper-cased, got ${new TextDecoder().decode(reply)}`,
  );
  await serving;
  await client.close({ timeoutMs: 200 });
  listener.close();
});

Deno.test('nodeProvider agrees with nobleProvider under Deno', async () => {
  const key = nobleProvider.randomBytes(16);
  const nonce = nobleProvider.randomBytes(12);
  const aad = new Uint8Array(5);
  for (const provider of [nodeProvider, nobleProvider]) {
    const buffer = new Uint8Array(48);
    buffer.set(new TextEncoder().encode('0123456789abcdef0123456789abcdef'));
    await provider.aead('AES-128-GCM', key).seal(nonce, aad, buffer, 0, 32);
    const other = provider === nodeProvider ? nobleProvider : nodeProvider;
    assert(
      await other.aead('AES-128-GCM', key).open(nonce, aad, buffer, 0, 48),
      `${provider.name} output opens with ${other.name}`,
    );
  }
  const share = await nodeProvider.keyShare('x25519');
  const response = await nobleProvider.acceptKeyShare('x25519', share.publicKey);
  const secret = await share.complete(response.publicKey);
  assert(
    secret.every((byte, i) => byte === response.sharedSecret[i]),
    'x25519 agreement across providers',
  );
});
