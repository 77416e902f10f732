// A short interop smoke run inside `npm test`: a few cases against a real openssl process.
import { execFileSync } from 'node:child_process';
import { DtlsConnection } from '@sslsocket/dtls';
import { ClientConnection, ServerConnection, ServerSessionCache } from '@sslsocket/handshake';
import { ALL_CIPHER_SUITES, nobleProvider } from '@sslsocket/suites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureCases, type InteropEnv, matrixCases, setupCredentials } from './cases.mjs';
import { featureCases12, matrixCases12 } from './cases12.mjs';
import { killAll, makeCredentials, removeCredentials } from './driver.mjs';
import { dtlsGnutlsCases, dtlsOpensslCases } from './dtls.mjs';
import { gnutlsCases, hasProgram, pythonCases } from './peers.mjs';
import { rpkCases } from './rpk.mjs';

const hasOpenssl = (() => {
  try {
    return execFileSync('openssl', ['version'], { encoding: 'utf8' }).startsWith('OpenSSL 3');
  } catch {
    return false;
  }
})();

const SMOKE = [
  'client suite TLS_AES_128_GCM_SHA256',
  'server suite TLS_CHACHA20_POLY1305_SHA256',
  'client scheme rsa_pss_rsae_sha256',
  'server scheme ed25519',
  'client HelloRetryRequest',
  'server client certificate required',
  'client resumption with a ticket',
  'tls12 client suite TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'tls12 server suite TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  'tls12 client resumption with a ticket',
  // DTLS 1.2 (issue #18): both directions, exporters and use_srtp keying material equal on both ends.
  'dtls client ECDHE-ECDSA AES-128-GCM with exporter (openssl s_server)',
  'dtls server ECDHE-RSA AES-256-GCM with exporter (openssl s_client)',
  'dtls server ECDHE-RSA AES-256-GCM at MTU 576 (openssl s_client)',
  'dtls client use_srtp SRTP_AES128_CM_SHA1_80 keying material (openssl s_server)',
];

const PEER_SMOKE = [
  'gnutls server TLS 1.2 without EMS',
  'gnutls client TLS 1.3',
  'python client TLS 1.2 with EMS',
  'dtls client ECDHE-RSA AES-256-GCM (gnutls-serv --udp)',
  'dtls server ECDHE-ECDSA AES-128-GCM (gnutls-cli --udp)',
  'gnutls client raw public keys both ways TLS 1.3',
  'gnutls server raw public keys both ways TLS 1.3',
];

describe.runIf(hasOpenssl)('interop smoke (openssl 3)', () => {
  let env: InteropEnv;
  let creds: ReturnType<typeof setupCredentials>;
  beforeAll(() => {
    creds = setupCredentials(makeCredentials);
    env = {
      lib: { ClientConnection, ServerConnection, ServerSessionCache },
      dtls: { DtlsConnection },
      provider: nobleProvider,
      creds,
      ticketKey: new Uint8Array(32).fill(7),
    };
  });
  afterAll(() => {
    killAll();
    for (const d of creds.dirs) removeCredentials(d);
  });
  const all = [
    ...matrixCases(),
    ...featureCases(),
    ...matrixCases12(ALL_CIPHER_SUITES),
    ...featureCases12(),
    ...dtlsOpensslCases(),
  ];
  // Other stacks (.ci/run installs gnutls-bin): a peer without extended master secret, and Python's ssl.
  const peers = [
    ...(hasProgram('gnutls-cli') && hasProgram('gnutls-serv')
      ? [...gnutlsCases(), ...dtlsGnutlsCases(), ...rpkCases()]
      : []),
    ...(hasProgram('python3') ? pythonCases() : []),
  ].filter((c) => PEER_SMOKE.includes(c.name));
  for (const c of peers) {
    it(c.name, { timeout: 15000 }, async () => {
      try {
        await c.run(env);
      } finally {
        killAll();
      }
    });
  }
  for (const name of SMOKE) {
    it(name, { timeout: 15000 }, async () => {
      const c = all.find((x) => x.name === name);
      expect(c).toBeDefined();
      try {
        await c?.run(env);
      } finally {
        killAll();
      }
    });
  }
});
