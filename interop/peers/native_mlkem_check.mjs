// Run by Node >= 24.7 (interop/native-mlkem.test.ts): nodeProvider must take the native node:crypto
// ML-KEM path here, and agree byte for byte with the pure-JS noble provider. Checks, for
// X25519MLKEM768 and MLKEM768: the wire share lengths (client share = ek (+ X25519), server share =
// ciphertext (+ X25519), RFC 10024 §4.1 / draft-ietf-tls-mlkem §3), the shared secret across the two
// providers both ways, a malformed encapsulation key as a CryptoError on both and as illegal_parameter
// from a native server (RFC 8446 §4.2.8, draft-ietf-tls-mlkem), and a full TLS 1.3
// handshake sslsocket(native) <-> sslsocket(noble) both ways over an in-memory pump.
// Prints `native-mlkem: N checks passed` and exits 0, or prints the failure and exits 1.
import { ClientConnection, ServerConnection } from '@sslsocket/handshake';
import { nodeMlKem, nodeProvider } from '@sslsocket/provider-node';
import { CryptoError, KEM_GROUPS, nobleProvider } from '@sslsocket/suites';
import { makeCredentials, removeCredentials } from '../driver.mjs';

const GROUPS = ['X25519MLKEM768', 'MLKEM768'];
let checks = 0;

function check(ok, what) {
  if (!ok) throw new Error(`native-mlkem: ${what}`);
  checks++;
}

const equal = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Moves bytes both ways until neither side has output. */
function pump(a, b) {
  for (let i = 0; i < 20; i++) {
    const x = a.takeOutput();
    if (x !== null) b.receive(x);
    const y = b.takeOutput();
    if (y !== null) a.receive(y);
    if (x === null && y === null) return;
  }
}

function negotiated(events) {
  const done = events.find((e) => e.type === 'handshakeComplete');
  return done?.parameters.group;
}

function handshake(group, clientProvider, serverProvider, creds) {
  const client = new ClientConnection({
    provider: clientProvider,
    serverName: 'localhost',
    pinnedCertificate: creds.p256.der,
    groups: [group],
  });
  const server = new ServerConnection({
    provider: serverProvider,
    certificateChain: [creds.p256.der],
    privateKey: creds.p256.privateKey,
    groups: [group],
  });
  client.start();
  pump(client, server);
  check(client.handshakeComplete && server.handshakeComplete, `${group} handshake: ${client.error ?? server.error}`);
  check(negotiated(client.takeEvents()) === group, `${group} client's negotiated group`);
  const serverEvents = server.takeEvents();
  check(negotiated(serverEvents) === group, `${group} server's negotiated group`);
  client.write(new TextEncoder().encode('ping'));
  pump(client, server);
  const data = [...serverEvents, ...server.takeEvents()].filter((e) => e.type === 'data');
  check(data.map((e) => new TextDecoder().decode(e.data)).join('') === 'ping', `${group} application data`);
}

/** A native server sent a client share whose ML-KEM key fails the modulus check: illegal_parameter. */
function hostileShare(group, bad, creds) {
  const hostile = Object.create(nobleProvider);
  hostile.keyShare = (g, key) => ({ ...nobleProvider.keyShare(g, key), publicKey: bad });
  const client = new ClientConnection({
    provider: hostile,
    serverName: 'localhost',
    pinnedCertificate: creds.p256.der,
    groups: [group],
  });
  const server = new ServerConnection({
    provider: nodeProvider,
    certificateChain: [creds.p256.der],
    privateKey: creds.p256.privateKey,
    groups: [group],
  });
  client.start();
  pump(client, server);
  check(server.error?.description === 'illegal_parameter', `${group}: bad ek alert ${server.error?.description}`);
}

function throwsCryptoError(fn) {
  try {
    fn();
    return false;
  } catch (e) {
    return e instanceof CryptoError;
  }
}

const probe = nodeProvider.keyShare('MLKEM768');
check(nodeMlKem !== undefined, `nodeProvider has native ML-KEM on Node ${process.versions.node}`);
check(probe.publicKey.length === 1184, 'MLKEM768 share length');

const creds = makeCredentials(['p256']);
try {
  for (const group of GROUPS) {
    const layout = KEM_GROUPS[group];
    const ecdh = layout.ecdh?.shareLength ?? 0;
    for (const [client, server, name] of [
      [nodeProvider, nobleProvider, 'native client, noble server'],
      [nobleProvider, nodeProvider, 'noble client, native server'],
    ]) {
      const share = await client.keyShare(group);
      check(share.publicKey.length === layout.encapsulationKeyLength + ecdh, `${group} ${name}: client share length`);
      const answer = await server.acceptKeyShare(group, share.publicKey);
      check(answer.publicKey.length === layout.ciphertextLength + ecdh, `${group} ${name}: server share length`);
      check(equal(await share.complete(answer.publicKey), answer.sharedSecret), `${group} ${name}: shared secret`);
      handshake(group, client, server, creds);
    }
    // FIPS 203 §7.2 modulus check: an ek of all-ones coefficients is refused by both implementations.
    const bad = new Uint8Array(layout.encapsulationKeyLength + ecdh).fill(0xff);
    if (layout.ecdh !== undefined)
      bad.set((await nodeProvider.keyShare('x25519')).publicKey, layout.encapsulationKeyLength);
    check(
      throwsCryptoError(() => nodeProvider.acceptKeyShare(group, bad)),
      `${group}: native refuses a bad ek`,
    );
    check(
      throwsCryptoError(() => nobleProvider.acceptKeyShare(group, bad)),
      `${group}: noble refuses a bad ek`,
    );
    hostileShare(group, bad, creds);
    // A seeded client share replays to the same bytes on both (native raw-seed import vs noble).
    const seed = new Uint8Array(64 + (layout.ecdh?.scalarLength ?? 0)).fill(9);
    check(
      equal(
        (await nodeProvider.keyShare(group, seed)).publicKey,
        (await nobleProvider.keyShare(group, seed)).publicKey,
      ),
      `${group}: seeded share identical`,
    );
  }
} finally {
  removeCredentials(creds);
}
console.log(`native-mlkem: ${checks} checks passed`);
