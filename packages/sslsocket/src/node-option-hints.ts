/**
 * node:tls option names and what sslsocket calls them, so code ported from `tls.connect()` /
 * `tls.createServer()` gets a pointer instead of a bare "unknown option". (For node's API itself,
 * use `@sslsocket/node-compat`.)
 */
const COMMON: Readonly<Record<string, string>> = {
  ca: 'cacerts',
  passphrase: 'password',
  rejectUnauthorized: "verify ('verify_none' for rejectUnauthorized: false)",
  minVersion: "versions (e.g. ['tlsv1.3', 'tlsv1.2'])",
  maxVersion: "versions (e.g. ['tlsv1.3'])",
  ecdhCurve: 'eccs',
  sigalgs: 'signatureAlgs',
  pfx: 'cert and key (PEM)',
  checkServerIdentity: 'customizeHostnameCheck or verifyFun',
  handshakeTimeout: 'handshakeTimeoutMs',
  enableTrace: 'keylog',
};

const CLIENT: Readonly<Record<string, string>> = {
  ALPNProtocols: 'alpnAdvertisedProtocols',
  servername: 'serverNameIndication',
  session: 'reuseSession',
};

const SERVER: Readonly<Record<string, string>> = {
  ALPNProtocols: 'alpnPreferredProtocols',
  requestCert: "verify: 'verify_peer'",
  SNICallback: 'sniFun',
  sessionTimeout: 'sessionLifetime / ticketLifetime',
};

/** The sslsocket option for a node:tls option name on this side, or undefined. */
export function nodeOptionHint(name: string, side: string): string | undefined {
  const table = side === 'server' ? SERVER : CLIENT;
  return Object.hasOwn(table, name) ? table[name] : Object.hasOwn(COMMON, name) ? COMMON[name] : undefined;
}
