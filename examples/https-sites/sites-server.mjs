/**
 * Several HTTPS sites behind ONE sslsocket listener, the way an Erlang web framework serves virtual
 * hosts on `ssl`: the certificate is chosen per connection from the client's SNI name (`sniFun`,
 * Erlang's `sni_fun`), names nobody configured get a generated self-signed certificate, the server
 * session cache is sized from a config file (Erlang's `session_lifetime` and
 * `session_cache_server_max`), and a plain HTTP listener redirects to HTTPS.
 *
 * Node's own HTTP stack parses the requests: every TLS connection is turned into a `stream.Duplex`
 * with `toDuplex()` and handed to `http.Server` as a new connection.
 *
 * @example
 * import { loadConfig, startSites } from './sites-server.mjs';
 * const sites = await startSites(await loadConfig('config.json'));
 * console.log(`https on ${sites.httpsPort}, http on ${sites.httpPort}`);
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { generateSelfSigned, handshake, listen, toDuplex } from 'sslsocket';

/** Every setting the config file may hold, with its default. */
export const DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  httpsPort: 8443,
  /** The plain HTTP listener that redirects; null for none. */
  httpPort: 8080,
  /** Per-site certificates: `<sitesDir>/<name>/cert.pem` and `key.pem` (relative to the config file). */
  sitesDir: 'sites',
  /** Seconds a TLS session stays resumable (Erlang `session_lifetime`). */
  sessionLifetime: 3600,
  /** Sessions the server remembers at most (Erlang `session_cache_server_max`). */
  sessionCacheServerMax: 1000,
  /** 301 instead of 302 for the HTTP to HTTPS redirect (the framework's `permanent_redirect`). */
  permanentRedirect: false,
  /** The HTTPS port written in redirects when a proxy maps ports; default: the listening port. */
  publicHttpsPort: null,
  /** A handshake that takes longer is dropped, so one stalled client cannot hold the acceptor. */
  handshakeTimeoutMs: 5000,
  /** Generated certificates for unknown names kept at most (oldest dropped first). */
  fallbackCacheSize: 64,
  provider: 'node',
});

/** A mistake in the config file, named by its key. */
export class ConfigError extends Error {
  name = 'ConfigError';
}

const TYPES = {
  host: 'string',
  httpsPort: 'port',
  httpPort: 'port|null',
  sitesDir: 'string',
  sessionLifetime: 'count',
  sessionCacheServerMax: 'count',
  permanentRedirect: 'boolean',
  publicHttpsPort: 'port|null',
  handshakeTimeoutMs: 'count',
  fallbackCacheSize: 'count',
  provider: 'provider',
};

function checkValue(key, value) {
  const type = TYPES[key];
  if (type === undefined) throw new ConfigError(`unknown setting '${key}' (known: ${Object.keys(TYPES).join(', ')})`);
  if (value === null && type.endsWith('|null')) return;
  const base = type.replace('|null', '');
  const ok =
    (base === 'string' && typeof value === 'string' && value !== '') ||
    (base === 'boolean' && typeof value === 'boolean') ||
    (base === 'port' && Number.isInteger(value) && value >= 0 && value <= 65535) ||
    (base === 'count' && Number.isInteger(value) && value >= 0) ||
    (base === 'provider' && ['node', 'noble', 'webcrypto'].includes(value));
  if (!ok)
    throw new ConfigError(`setting '${key}' must be a ${type.replace('|', ' or ')}, got ${JSON.stringify(value)}`);
}

/**
 * Reads a JSON config file; unknown keys and wrong types are errors, missing keys take
 * {@link DEFAULTS}. `sitesDir` is resolved against the file's folder.
 */
export async function loadConfig(path) {
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read config ${path}: ${error.message}`);
  }
  return configFrom(parsed, dirname(resolve(path)));
}

/** Validates a config object (as the file would hold it), paths relative to `baseDir`. */
export function configFrom(object, baseDir = process.cwd()) {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    throw new ConfigError('the config must be a JSON object');
  }
  for (const [key, value] of Object.entries(object)) checkValue(key, value);
  const config = { ...DEFAULTS, ...object };
  return Object.freeze({ ...config, sitesDir: resolve(baseDir, config.sitesDir) });
}

/** RFC 1123 host names only: a name from the network must never become a path like `../x`. */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** The sites found on disk: lower-case name -> certificate and key paths. */
export function scanSites(sitesDir) {
  const sites = new Map();
  if (!existsSync(sitesDir)) return sites;
  for (const entry of readdirSync(sitesDir, { withFileTypes: true })) {
    const name = entry.name.toLowerCase();
    if (!entry.isDirectory() || !HOST_NAME.test(name)) continue;
    const certfile = join(sitesDir, entry.name, 'cert.pem');
    const keyfile = join(sitesDir, entry.name, 'key.pem');
    if (existsSync(certfile) && existsSync(keyfile)) sites.set(name, { certfile, keyfile });
  }
  return sites;
}

/**
 * Certificates made on demand for names without a site, one per name (CN and SAN = the name, as
 * mod_ssl_self_signed does), kept in a small cache so a client sending random names cannot make
 * the server hold an unbounded number of keys.
 */
class FallbackCertificates {
  #cache = new Map();
  constructor(size) {
    this.size = Math.max(1, size);
  }

  get(name) {
    const key = name ?? 'localhost';
    let pending = this.#cache.get(key);
    if (pending === undefined) {
      pending = generateSelfSigned({ commonName: key, days: 30 }).then((made) => ({
        cert: made.certificatePem,
        key: made.keyPem,
      }));
      this.#cache.set(key, pending);
      // A failed generation must not stay cached.
      pending.catch(() => this.#cache.delete(key));
      while (this.#cache.size > this.size) this.#cache.delete(this.#cache.keys().next().value);
    }
    return pending;
  }
}

/** `Host: name:port` without the port, lower case; undefined when missing. */
function hostOf(header) {
  if (typeof header !== 'string' || header === '') return undefined;
  const host = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.split(':')[0];
  return host.toLowerCase();
}

/**
 * Starts the HTTPS listener (and the redirecting HTTP listener unless `httpPort` is null).
 * Resolves once both listen; `close()` stops them.
 */
export async function startSites(config, hooks = {}) {
  const sites = scanSites(config.sitesDir);
  const fallback = new FallbackCertificates(config.fallbackCacheSize);
  /** What each TLS connection negotiated, for the response headers. */
  const tlsInfo = new WeakMap();
  const counters = { connections: 0, resumed: 0, handshakeFailures: 0 };

  // Erlang's sni_fun: called with the SNI name (or undefined) during every full handshake.
  const sniFun = (serverName) => {
    const name = serverName?.toLowerCase();
    const site = name === undefined ? undefined : sites.get(name);
    if (site !== undefined) return site;
    return fallback.get(name !== undefined && HOST_NAME.test(name) ? name : undefined);
  };

  const app = http.createServer((request, response) => {
    const info = tlsInfo.get(request.socket);
    const host = hostOf(request.headers.host);
    // RFC 9110 §15.5.20: a request for another name than the one the TLS connection was made for
    // (SNI) is misdirected; answering it would serve a site under another site's certificate.
    if (info?.sniHostname !== undefined && host !== undefined && host !== info.sniHostname.toLowerCase()) {
      response.writeHead(421, { 'content-type': 'text/plain' });
      response.end(`this connection is for ${info.sniHostname}, not ${host}\n`);
      return;
    }
    const known = host !== undefined && sites.has(host);
    const headers = {
      'content-type': 'text/plain; charset=utf-8',
      'x-site': known ? host : 'unknown',
      'x-tls-protocol': info?.protocol ?? '-',
      'x-tls-cipher': info?.selectedCipherSuite ?? '-',
      'x-tls-sni': info?.sniHostname ?? '-',
      'x-tls-resumed': info?.sessionResumption ? 'yes' : 'no',
    };
    response.writeHead(known ? 200 : 404, headers);
    response.end(known ? `Hello from ${host}\n` : `No site named ${host ?? '(no Host header)'} here\n`);
  });

  const listener = await listen(config.httpsPort, {
    host: config.host,
    sniFun,
    provider: config.provider,
    alpnPreferredProtocols: ['http/1.1'],
    handshakeTimeoutMs: config.handshakeTimeoutMs,
    // The server session cache (TLS 1.2 session ids) and every ticket we issue (TLS 1.2 and 1.3)
    // share the configured lifetime; RFC 8446 §4.6.1 caps ticket lifetimes at 7 days.
    sessionLifetime: config.sessionLifetime,
    sessionCacheServerMax: config.sessionCacheServerMax,
    ticketLifetime: Math.min(config.sessionLifetime, 604800),
  });

  // Erlang's transport_accept + handshake: the acceptor only takes TCP connections; each handshake
  // runs on its own with the listener's configuration (one session cache and one set of ticket keys
  // for every connection), so a slow client never holds up the others.
  let open = true;
  const serve = async (transport) => {
    let socket;
    try {
      socket = await handshake(transport);
    } catch (error) {
      counters.handshakeFailures++;
      hooks.onError?.(error);
      return;
    }
    const info = socket.connectionInformation();
    counters.connections++;
    if (info.sessionResumption) counters.resumed++;
    const duplex = toDuplex(socket);
    tlsInfo.set(duplex, info);
    duplex.on('error', (error) => hooks.onError?.(error));
    app.emit('connection', duplex);
  };
  const acceptor = (async () => {
    while (open) {
      let transport;
      try {
        transport = await listener.transportAccept();
      } catch (error) {
        if (!open) return;
        hooks.onError?.(error);
        continue;
      }
      void serve(transport);
    }
  })();

  let redirector;
  if (config.httpPort !== null) {
    const httpsPort = config.publicHttpsPort ?? listener.address.port;
    const status = config.permanentRedirect ? 301 : 302;
    redirector = http.createServer((request, response) => {
      const host = hostOf(request.headers.host) ?? config.host;
      const port = httpsPort === 443 ? '' : `:${httpsPort}`;
      response.writeHead(status, { location: `https://${host}${port}${request.url ?? '/'}`, 'content-length': 0 });
      response.end();
    });
    await new Promise((done, fail) => {
      redirector.once('error', fail);
      redirector.listen(config.httpPort, config.host, done);
    });
  }

  return {
    httpsPort: listener.address.port,
    httpPort: redirector === undefined ? null : redirector.address().port,
    sites: [...sites.keys()],
    counters,
    async close() {
      open = false;
      await listener.close();
      await acceptor;
      app.closeAllConnections?.();
      app.close();
      if (redirector !== undefined) {
        redirector.closeAllConnections();
        await new Promise((done) => redirector.close(() => done()));
      }
    },
  };
}
