// RFC 7250 raw public keys against GnuTLS (gnutls-cli / gnutls-serv, priority +CTYPE-SRV-RAWPK /
// +CTYPE-CLI-RAWPK), TLS 1.3, both roles: the server's key alone, and both sides' keys alone.
import { createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  attach,
  attachAccepted,
  CASE_WAIT,
  connectTo,
  finish,
  freePort,
  handshakeOf,
  listenOnce,
  receivedOf,
  spawnPeer,
  waitFor,
} from './driver.mjs';

/** A credential's public key as a PEM file beside its key (GnuTLS --rawpkfile) and as DER SPKI. */
function rawKey(cred) {
  const key = createPublicKey(readFileSync(cred.keyPath));
  const pubPath = cred.keyPath.replace(/\.key$/, '.pub.pem');
  writeFileSync(pubPath, key.export({ type: 'spki', format: 'pem' }));
  return { ...cred, pubPath, spki: new Uint8Array(key.export({ type: 'spki', format: 'der' })) };
}

const same = (a, b) => a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

function priority(clientRpk) {
  return `NORMAL:-VERS-ALL:+VERS-TLS1.3:+CTYPE-SRV-RAWPK${clientRpk ? ':+CTYPE-CLI-RAWPK' : ''}`;
}

/** Checks the negotiated types and the peer's raw key in our handshakeComplete parameters. */
function checkTypes(h, want, peerSpki) {
  const types = h.complete.certificateTypes;
  if (types?.server !== want.server || types?.client !== want.client)
    throw new Error(`certificate types ${JSON.stringify(types)}, want ${JSON.stringify(want)}`);
  if (!same(h.complete.peerRawPublicKey, peerSpki)) throw new Error('peerRawPublicKey is not the peer key');
}

/** Our server with a raw key; gnutls-cli (optionally presenting its own raw key) says hello. */
async function ourServer(env, clientRpk) {
  const server = rawKey(env.creds.p256);
  const client = rawKey(env.creds.client);
  const l = await listenOnce();
  const conn = new env.lib.ServerConnection({
    provider: env.provider,
    versions: ['tlsv1.3'],
    serverCertificateTypes: ['raw_public_key'],
    rawPublicKey: server.spki,
    privateKey: server.privateKey,
    ...(clientRpk
      ? {
          verifyPeer: true,
          failIfNoPeerCert: true,
          clientCertificateTypes: ['raw_public_key'],
          verifyRawPublicKey: (spki) => same(spki, client.spki),
        }
      : {}),
  });
  // gnutls-cli has no pinning for a raw server key; --insecure skips only its trust decision, the
  // CertificateVerify signature over the raw key is still checked.
  const args = ['--port', String(l.port), '127.0.0.1', '--insecure', '--priority', priority(clientRpk)];
  if (clientRpk) args.push('--rawpkkeyfile', client.keyPath, '--rawpkfile', client.pubPath);
  const peer = await spawnPeer('gnutls-cli', args, { stdin: 'hello\n' });
  const { sock, h } = await attachAccepted(conn, l);
  try {
    await handshakeOf(h);
    if (clientRpk) checkTypes(h, { server: 'raw_public_key', client: 'raw_public_key' }, client.spki);
    else if (h.complete.certificateTypes?.server !== 'raw_public_key')
      throw new Error('server type is not RawPublicKey');
    await receivedOf(h, 'hello', 'data from the peer');
    conn.write(new TextEncoder().encode('hello\n'));
    h.flush();
    await waitFor(() => peer.output.includes('hello') || h.error, CASE_WAIT, 'our answer at the peer');
    if (!peer.output.includes('Certificate type: Raw Public Key'))
      throw new Error(`gnutls-cli did not report a raw public key: ${peer.output.slice(0, 400)}`);
  } finally {
    finish(conn, h, sock, peer);
  }
}

/** gnutls-serv --echo with a raw key (requiring the client's raw key when `clientRpk`); our client. */
async function ourClient(env, clientRpk) {
  const server = rawKey(env.creds.p256);
  const client = rawKey(env.creds.client);
  const port = await freePort();
  const args = ['--port', String(port), '--rawpkkeyfile', server.keyPath, '--rawpkfile', server.pubPath, '--echo'];
  args.push('--priority', priority(clientRpk));
  // gnutls-serv has no trust store for raw keys: --verify-client-cert would refuse any (access_denied);
  // it still checks the client's CertificateVerify over the key.
  if (clientRpk) args.push('--require-client-cert');
  const srv = await spawnPeer('gnutls-serv', args, { ready: `port ${port}...done` });
  const sock = await connectTo(port);
  const conn = new env.lib.ClientConnection({
    provider: env.provider,
    serverName: 'localhost',
    versions: ['tlsv1.3'],
    serverCertificateTypes: ['raw_public_key'],
    verifyRawPublicKey: (spki) => same(spki, server.spki),
    ...(clientRpk
      ? { clientCertificateTypes: ['raw_public_key'], rawPublicKey: client.spki, privateKey: client.privateKey }
      : {}),
  });
  const h = attach(conn, sock);
  try {
    await conn.start();
    h.flush();
    await handshakeOf(h);
    checkTypes(h, { server: 'raw_public_key', client: clientRpk ? 'raw_public_key' : 'x509' }, server.spki);
    conn.write(new TextEncoder().encode('hello\n'));
    h.flush();
    await receivedOf(h, 'hello', 'echo');
  } finally {
    finish(conn, h, sock, srv);
  }
}

/** The GnuTLS raw-public-key cases. */
export function rpkCases() {
  return [
    { name: 'gnutls client raw public key TLS 1.3', run: (env) => ourServer(env, false) },
    { name: 'gnutls client raw public keys both ways TLS 1.3', run: (env) => ourServer(env, true) },
    { name: 'gnutls server raw public key TLS 1.3', run: (env) => ourClient(env, false) },
    { name: 'gnutls server raw public keys both ways TLS 1.3', run: (env) => ourClient(env, true) },
  ];
}
