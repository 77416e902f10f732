import { editDistance } from './edit-distance.js';
import { nodeOptionHint } from './node-option-hints.js';
import { type Check, isObject } from './option-checks.js';
import { CERT_KEY_RULES, CLIENT_RULES, COMMON_RULES, SERVER_RULES } from './option-rules.js';
import { trustsRawPublicKeys } from './raw-public-key-options.js';
import type { CertKeyOptions, ClientOptions, CommonOptions, ServerOptions } from './socket-options.js';
import { hasDefaultRoots } from './trust-store.js';

/** A rejected option, named. */
export class OptionError extends Error {
  override readonly name = 'OptionError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`option ${option}: ${message}`);
  }
}

/** Why an option name is not one of `rules`: Erlang spelling, the other side's option, or the nearest name. */
function unknownReason(key: string, rules: Readonly<Record<string, Check>>, side: string): string {
  const known = Object.keys(rules);
  const camel = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  if (camel !== key && known.includes(camel)) return `unknown ${side} option (options are camelCased: use ${camel})`;
  const node = nodeOptionHint(key, side);
  if (node !== undefined) return `unknown ${side} option: node:tls's ${key} is ${node} here`;
  const other = side === 'client' ? SERVER_RULES : CLIENT_RULES;
  if (Object.hasOwn(other, key)) return `is a ${side === 'client' ? 'server' : 'client'} option, not a ${side} one`;
  const distance = (name: string) => editDistance(key.toLowerCase(), name.toLowerCase());
  const suggestion = [...known].sort((a, b) => distance(a) - distance(b))[0];
  return `unknown ${side} option${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}`;
}

/** Each present option: known on this side, of the right shape, and wired. `undefined` counts as absent. */
function checkEach(options: object, rules: Readonly<Record<string, Check>>, side: string, prefix = ''): void {
  for (const [key, value] of Object.entries(options)) {
    if (!Object.hasOwn(rules, key)) throw new OptionError(prefix + key, unknownReason(key, rules, side));
    if (value === undefined) continue;
    const problem = (rules[key] as Check)(value);
    if (problem !== undefined) throw new OptionError(prefix + key, problem);
  }
}

function hasCert(options: CertKeyOptions): boolean {
  return options.cert !== undefined || options.certfile !== undefined;
}

function checkCertKeyPair(options: CertKeyOptions, prefix: string, keyAlone = false): void {
  const hasKey = options.key !== undefined || options.keyfile !== undefined;
  // RFC 7250: with only a raw public key, the key signs without any certificate.
  if (keyAlone && hasKey && !hasCert(options)) return;
  if (hasCert(options) !== hasKey) {
    throw new OptionError(prefix + (hasCert(options) ? 'key' : 'cert'), 'cert and key go together');
  }
}

function checkObject(options: unknown): asserts options is object {
  if (!isObject(options)) throw new OptionError('options', 'must be an object');
}

function hasRoots(options: CommonOptions): boolean {
  return (
    options.cacerts !== undefined ||
    options.cacertfile !== undefined ||
    options.verifyFun !== undefined ||
    trustsRawPublicKeys(options)
  );
}

/**
 * Checks client options up front, so a typo or a wrong type fails at connect() with the option's
 * name, before any byte is sent.
 *
 * @example
 * validateClientOptions({ verify: 'verify_peer', cacertfile: 'roots.pem' });
 * validateClientOptions({ server_name_indication: 'a' } as never); // OptionError: use serverNameIndication
 */
export function validateClientOptions(options: ClientOptions): ClientOptions {
  checkObject(options);
  checkEach(options, CLIENT_RULES, 'client');
  checkCertKeyPair(options, '', options.rawPublicKey !== undefined);
  // Without cacerts a client trusts the runtime's roots (trust-store.ts), where it has some.
  if ((options.verify ?? 'verify_peer') === 'verify_peer' && !hasRoots(options) && !hasDefaultRoots()) {
    throw new OptionError(
      'verify',
      "verify_peer needs cacerts, cacertfile or verifyFun: this runtime has no bundled roots (or set verify: 'verify_none')",
    );
  }
  // Erlang psk_identity: "the matching secret is found by calling user_lookup_fun".
  if (options.pskIdentity !== undefined && options.userLookupFun === undefined)
    throw new OptionError('pskIdentity', 'needs userLookupFun to find the pre-shared key');
  return options;
}

/**
 * Checks server options up front (listen() and handshake() call it).
 *
 * @example
 * validateServerOptions({ certfile: 'cert.pem', keyfile: 'key.pem', alpnPreferredProtocols: ['h2'] });
 */
export function validateServerOptions(options: ServerOptions): ServerOptions {
  checkObject(options);
  checkEach(options, SERVER_RULES, 'server');
  checkCertKeyPair(options, '', options.rawPublicKey !== undefined);
  for (const [host, entry] of Object.entries(options.sniHosts ?? {})) {
    const prefix = `sniHosts.${host}.`;
    if (!isObject(entry)) throw new OptionError(`sniHosts.${host}`, 'must be an object { cert, key, ... }');
    checkEach(entry, CERT_KEY_RULES, 'sniHosts entry', prefix);
    if (!hasCert(entry)) throw new OptionError(`${prefix}cert`, 'each host needs cert or certfile');
    checkCertKeyPair(entry, prefix);
  }
  // Erlang: "The option sni_fun, and sni_hosts are mutually exclusive."
  if (options.sniHosts !== undefined && options.sniFun !== undefined)
    throw new OptionError('sniFun', 'sniHosts and sniFun are exclusive');
  if (options.failIfNoPeerCert === true && options.verify !== 'verify_peer') {
    throw new OptionError('failIfNoPeerCert', "needs verify: 'verify_peer'");
  }
  if (options.verify === 'verify_peer' && !hasRoots(options)) {
    throw new OptionError('verify', 'verify_peer needs cacerts, cacertfile or verifyFun');
  }
  // Erlang reuse_session is "meaningful only if reuse_sessions is set to true".
  if (options.reuseSession !== undefined && options.reuseSessions === false)
    throw new OptionError('reuseSession', 'a reuse policy needs reuseSessions (it is false)');
  if (options.sessionTickets === 'disabled' && options.ticketKeys !== undefined)
    throw new OptionError('ticketKeys', "given with sessionTickets: 'disabled'");
  if (options.sessionStore !== undefined && options.sessionCache !== undefined)
    throw new OptionError('sessionStore', 'sessionStore and sessionCache are exclusive');
  return options;
}

/** The options `setopts` can change on a connected socket (Erlang setopts/2). */
const SOCKET_OPTIONS: readonly string[] = ['active', 'packet', 'packetSize'];

/**
 * Checks `setopts` options: only the socket options that can change after the handshake, with the
 * same rules as at connect/listen.
 *
 * @example
 * validateSocketOptions({ active: 'once', packet: 4 });
 */
export function validateSocketOptions(options: object): void {
  checkObject(options);
  for (const [key, value] of Object.entries(options)) {
    if (!SOCKET_OPTIONS.includes(key)) {
      throw new OptionError(key, `setopts changes ${SOCKET_OPTIONS.join(', ')}; other options are fixed at connect`);
    }
    if (value === undefined) continue;
    const problem = (COMMON_RULES[key] as Check)(value);
    if (problem !== undefined) throw new OptionError(key, problem);
  }
}
