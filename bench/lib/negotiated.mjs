// What a row's connections must negotiate: the version and suite of its cfg, whichever stack runs
// it. Each stack's server is configured with exactly one version and one suite, but a client may
// offer more (lemon-tls 0.7's client ignores maxVersion and its suite list), so a row whose server
// were ever configured loosely would compare different work without anyone noticing. The tasks
// check the first connection of every sample on the server side (node:tls serves the client-only
// peers), and bulk samples on the client side too.

const VERSION = { 1.3: 'TLSv1.3', 1.2: 'TLSv1.2', '1.0': 'TLSv1' };

/** The IANA name of the suite a cfg stands for (RFC 8446 §B.4, RFC 5289, RFC 7905, RFC 5246 §A.5). */
export function expectedSuite(cfg) {
  if (cfg.version === '1.0') return 'TLS_RSA_WITH_AES_128_CBC_SHA';
  const chacha = cfg.aead === 'CHACHA20-POLY1305';
  if (cfg.version === '1.3') return chacha ? 'TLS_CHACHA20_POLY1305_SHA256' : 'TLS_AES_128_GCM_SHA256';
  const auth = cfg.cert === 'rsa' ? 'RSA' : 'ECDSA';
  return chacha ? `TLS_ECDHE_${auth}_WITH_CHACHA20_POLY1305_SHA256` : `TLS_ECDHE_${auth}_WITH_AES_128_GCM_SHA256`;
}

/**
 * Why `connection` is not the row's (`negotiated ... , the row is ...`), or undefined when it
 * negotiated cfg's version and suite or its stack cannot tell (no `negotiated()`).
 */
export function negotiationMismatch(connection, cfg) {
  const got = connection.negotiated?.();
  if (got === undefined) return undefined;
  const want = { version: VERSION[cfg.version], suite: expectedSuite(cfg) };
  if (got.version === want.version && got.suite === want.suite) return undefined;
  return `negotiated ${got.version} ${got.suite}, the row is ${want.version} ${want.suite}`;
}
