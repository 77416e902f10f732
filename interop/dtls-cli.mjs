// DTLS 1.2 client authentication through the `sslsocket` command: `sslsocket s_server -dtls1_2
// -Verify 1 -CAfile` (the listener's asynchronous certificate check) against `openssl s_client
// -dtls1_2 -cert -key`, data both ways (RFC 5246 §7.4.6 client Certificate over RFC 6347).
import { fileURLToPath } from 'node:url';
import { CASE_WAIT, spawnPeer, waitFor } from './driver.mjs';
import { freeUdpPort } from './dtls.mjs';

const CLI = fileURLToPath(new URL('../packages/cli/bin/sslsocket.js', import.meta.url));

/**
 * Our s_server with `-Verify 1`; openssl s_client with `-cert`/`-key` (`withCert`) sends a line that
 * must arrive, without them the handshake must fail at our server (RFC 5246 §7.4.6:
 * handshake_failure when a required certificate is missing).
 */
async function cliServerVerifiesClient(env, withCert) {
  const server = env.creds.p256;
  const client = env.creds.client;
  const port = await freeUdpPort();
  const ours = await spawnPeer(
    process.execPath,
    [CLI, 's_server', '-dtls1_2', '-accept', String(port), '-cert', server.certPath, '-key', server.keyPath]
      // -Verify: a client certificate is required and checked against -CAfile.
      .concat(['-Verify', '1', '-CAfile', client.certPath]),
    { ready: 'ACCEPT' },
  );
  const identity = withCert ? ['-cert', client.certPath, '-key', client.keyPath] : [];
  const peer = await spawnPeer('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${port}`, ...identity], {
    stdin: 'hello from peer\n',
  });
  try {
    if (withCert) {
      await waitFor(() => ours.output.includes('hello from peer'), CASE_WAIT, 'data at sslsocket s_server');
      if (!ours.output.includes('New, DTLSv1.2')) throw new Error(`no handshake summary: ${ours.output}`);
    } else {
      await waitFor(() => ours.output.includes('handshake_failure'), CASE_WAIT, 'handshake_failure at s_server');
      if (ours.output.includes('hello from peer')) throw new Error('data arrived without a client certificate');
    }
  } finally {
    peer.kill('SIGKILL');
    ours.kill('SIGKILL');
  }
}

export function dtlsCliCases() {
  return [
    {
      name: 'dtls server client certificate -Verify 1 (sslsocket s_server, openssl s_client -cert)',
      run: (env) => cliServerVerifiesClient(env, true),
    },
    {
      name: 'dtls server -Verify 1 refuses a client without certificate (sslsocket s_server, openssl s_client)',
      run: (env) => cliServerVerifiesClient(env, false),
    },
  ];
}
