import type { CertifiedKey, ConnectionConfig, Session12, Session13, VerifyCertificate } from '@sslsocket/handshake';
import { CertificateError, parseCertificate, parseDhParameters, verifyChain } from '@sslsocket/pkix';
import {
  type CipherSuite,
  type CryptoProvider,
  nobleProvider,
  normalizeHostName,
  parseCipherString,
  strToSuite,
  TlsAlert,
  webcryptoProvider,
} from '@sslsocket/suites';
import { defaultProvider } from '#default-provider';
import { readBinaryFile } from '#platform';
import { loadCertKey, loadKey, loadRoots, readCached } from './credential-files.js';
import { BoundedEarlyDataReplay } from './early-data-replay.js';
import { combinedKeylog } from './keylog-file.js';
import { rawPublicKeyConfig } from './raw-public-key-config.js';
import { serverSessionConfig } from './session-config.js';
import { signatureAlgsToEngine } from './signature-algs.js';
import type { ClientOptions, CommonOptions, ServerOptions } from './socket-options.js';
import type { Tls12ClientOptions, Tls12CommonOptions, Tls12ServerOptions } from './tls12-options.js';
import { defaultRoots, hasDefaultRoots, rootsFor } from './trust-store.js';
import { OptionError } from './validate-options.js';

const TLS13_DEFAULT_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

function bytesOf(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? new TextEncoder().encode(value) : value;
}

/**
 * Resolves the provider option. Unset (or 'node') means the build's default: `nodeProvider` on
 * Node, Deno and Bun, `nobleProvider` elsewhere, picked by the `#default-provider` import
 * conditions in package.json so a browser bundle never sees `node:crypto` (see README for the
 * measured reason).
 */
export async function resolveProvider(option: CommonOptions['provider']): Promise<CryptoProvider> {
  if (option === 'noble') return nobleProvider;
  if (typeof option === 'object') return option;
  if (option === 'webcrypto') return webcryptoProvider;
  // 'node' or unset: the build's default, chosen by package.json import conditions.
  return defaultProvider;
}

function suitesFrom(ciphers: CommonOptions['ciphers']): number[] | undefined {
  if (ciphers === undefined) return undefined;
  try {
    if (typeof ciphers === 'string' && !ciphers.split(':').every((name) => name.startsWith('TLS_'))) {
      // As in OpenSSL, a cipher string selects TLS 1.2 suites and leaves the TLS 1.3 defaults alone.
      const tls12 = parseCipherString(ciphers).map((suite) => suite.code);
      return [...TLS13_DEFAULT_SUITES.map((name) => strToSuite(name).code), ...tls12];
    }
    const list: CipherSuite[] =
      typeof ciphers === 'string'
        ? ciphers.split(':').map((name) => strToSuite(name))
        : ciphers.map((entry) => (typeof entry === 'string' ? strToSuite(entry) : entry));
    return list.map((suite) => suite.code);
  } catch (cause) {
    throw new OptionError('ciphers', (cause as Error).message);
  }
}

/** Where a connection's verifier leaves what it learned besides the key (the stapled OCSP response). */
export interface PeerAuthSink {
  ocspResponse?: Uint8Array;
  /**
   * Lets the verifier go of what it holds (the options, the roots): set by the verifier, called by
   * the socket once the peer can no longer send a Certificate to verify (a TLS 1.3 client after
   * the handshake, RFC 8446 §4.6.2: only the client authenticates after it). Without it every idle
   * client connection kept its whole options object alive (#17).
   */
  release?: (() => void) | undefined;
}

/** The verification hook the engine calls with the peer's chain. */
function verifier(
  options: CommonOptions & { ocspStapling?: boolean; ocspCheck?: 'staple' | 'best_effort' | false },
  roots: readonly Uint8Array[],
  provider: CryptoProvider,
  hostname: string | undefined,
  purpose: 'sslserver' | 'sslclient',
  sink: PeerAuthSink = {},
): VerifyCertificate {
  if ((options.verify ?? (purpose === 'sslserver' ? 'verify_peer' : 'verify_none')) === 'verify_none') {
    // Holds only the sink: nothing to release.
    return (chain, ctx) => {
      if (ctx.ocspResponse !== undefined) sink.ocspResponse = ctx.ocspResponse;
      return parseCertificate(chain[0] as Uint8Array).publicKey;
    };
  }
  let held: { options: typeof options; roots: readonly Uint8Array[]; provider: CryptoProvider } | undefined = {
    options,
    roots,
    provider,
  };
  sink.release = () => {
    held = undefined;
    sink.release = undefined;
  };
  return async (chain, ctx) => {
    if (held === undefined) throw new TlsAlert('unexpected_message', 'no certificate is expected from the peer now');
    const { options, roots, provider } = held;
    if (ctx.ocspResponse !== undefined) sink.ocspResponse = ctx.ocspResponse;
    const isIp = hostname !== undefined && (/^\d+\.\d+\.\d+\.\d+$/.test(hostname) || hostname.includes(':'));
    const result = await verifyChain(chain, {
      // A large store (the default one) is narrowed to the roots that can anchor this chain.
      roots: roots.length > 16 ? rootsFor(chain, roots) : roots,
      provider,
      purpose,
      ...(hostname === undefined ? {} : isIp ? { ip: hostname } : { hostname }),
      ...(options.depth === undefined ? {} : { maxDepth: options.depth }),
      ...(options.partialChain === undefined ? {} : { partialChain: options.partialChain }),
      ...(options.verifyFun === undefined ? {} : { verifyFun: options.verifyFun }),
      // RFC 6066 §8: the staple reaches verifyFun as its initial state (Erlang's UserState), and the
      // pkix OCSP verifier (RFC 6960) judges it unless ocspCheck is false.
      ...(options.ocspStapling === true ? { verifyFunState: { ocspResponse: ctx.ocspResponse } } : {}),
      ...(options.ocspStapling === true && options.ocspCheck !== false
        ? {
            ocspCheck: options.ocspCheck ?? 'best_effort',
            ocspResponses: ctx.ocspResponse === undefined ? [] : [ctx.ocspResponse],
          }
        : {}),
      ...(options.customizeHostnameCheck === undefined
        ? {}
        : { customizeHostnameCheck: options.customizeHostnameCheck }),
      ...(options.crlCheck === undefined || options.crlCheck === false ? {} : { crlCheck: options.crlCheck }),
      ...(options.crlCache === undefined ? {} : { crlCache: options.crlCache }),
      ...(options.profile === undefined ? {} : { profile: options.profile }),
    });
    return result.publicKey;
  };
}

function tls12Common(options: Tls12CommonOptions): Partial<ConnectionConfig> {
  return {
    ...(options.secureRenegotiate === undefined ? {} : { secureRenegotiate: options.secureRenegotiate }),
    ...(options.requireExtendedMasterSecret === undefined
      ? {}
      : { requireExtendedMasterSecret: options.requireExtendedMasterSecret }),
    ...(options.extendedMasterSecret === undefined ? {} : { extendedMasterSecret: options.extendedMasterSecret }),
    ...(options.encryptThenMac === undefined ? {} : { encryptThenMac: options.encryptThenMac }),
    ...(options.userLookupFun === undefined ? {} : { userLookupFun: options.userLookupFun }),
  };
}

function commonConfig(
  options: CommonOptions & Tls12CommonOptions,
  provider: CryptoProvider,
): Partial<ConnectionConfig> {
  const suites = suitesFrom(options.ciphers);
  // keepSecrets needs the engine's keylog events; SSLKEYLOGFILE adds a file writer.
  const keylog = combinedKeylog(options.keylog, options.keepSecrets === true);
  return {
    ...tls12Common(options),
    provider,
    ...(options.versions === undefined ? {} : { versions: options.versions }),
    ...(suites === undefined ? {} : { cipherSuites: suites }),
    ...(options.eccs === undefined ? {} : { groups: options.eccs }),
    ...(options.certificateCompression === undefined ? {} : { certificateCompression: options.certificateCompression }),
    ...(options.signatureAlgs === undefined ? {} : { signatureAlgs: signatureAlgsToEngine(options.signatureAlgs) }),
    ...(options.signatureAlgsCert === undefined ? {} : { signatureAlgsCert: options.signatureAlgsCert }),
    ...(keylog === undefined ? {} : { keylog }),
    ...(options.maxHandshakeSize === undefined ? {} : { maxHandshakeSize: options.maxHandshakeSize }),
    ...(options.recordSizeLimit === undefined ? {} : { recordSizeLimit: options.recordSizeLimit }),
    ...(options.handshake === 'hello' ? { handshake: 'hello' } : {}),
    ...(options.pskModes === undefined ? {} : { pskModes: options.pskModes }),
  };
}

/**
 * TLS 1.3 external PSK from the same options as TLS 1.2 PSK (Erlang `psk_identity` +
 * `user_lookup_fun`): TLS 1.3 has no identity hint, so the key is looked up with an empty hint
 * before the ClientHello (RFC 8446 §4.2.11). Undefined when TLS 1.3 is off or no key is found.
 */
async function externalPsk(
  options: ClientOptions & Tls12ClientOptions,
): Promise<{ identity: Uint8Array; key: Uint8Array } | undefined> {
  if (options.pskIdentity === undefined || options.userLookupFun === undefined) return undefined;
  if (options.versions !== undefined && !options.versions.includes('tlsv1.3')) return undefined;
  const key = await options.userLookupFun(new Uint8Array(0));
  return key === undefined ? undefined : { identity: bytesOf(options.pskIdentity), key };
}

/** RFC 7250: the raw public key settings, with our key loaded alone when no certificate is given. */
async function ownRawPublicKey(
  options: CommonOptions,
  certified: CertifiedKey | undefined,
): Promise<Partial<ConnectionConfig>> {
  const privateKey =
    certified?.privateKey ?? (options.rawPublicKey === undefined ? undefined : await loadKey(options, ''));
  return rawPublicKeyConfig(options, certified?.certificateChain[0], privateKey);
}

/** Builds the engine configuration for a client connecting to `host`. */
export async function clientEngineConfig(
  options: ClientOptions & Tls12ClientOptions,
  host: string | undefined,
  sink?: PeerAuthSink,
): Promise<ConnectionConfig> {
  const provider = await resolveProvider(options.provider);
  const roots = await loadRoots(options);
  const sni = options.serverNameIndication ?? host;
  const serverName = sni === 'disable' ? undefined : sni;
  const certified = await loadCertKey(options, '');
  const rpk = await ownRawPublicKey(options, certified);
  const psk = await externalPsk(options);
  // verify_peer (the default) without cacerts: the runtime's roots (OTP 25+ cacerts_get()).
  const useDefault = options.verify !== 'verify_none' && roots.length === 0 && options.verifyFun === undefined;
  if (useDefault && !hasDefaultRoots()) {
    throw new OptionError(
      'verify',
      "verify_peer needs cacerts or cacertfile here: this runtime has no bundled roots (or set verify: 'verify_none')",
    );
  }
  const config: ConnectionConfig = {
    ...commonConfig(options, provider),
    provider,
    serverName:
      serverName === undefined || /^\d+\.\d+\.\d+\.\d+$/.test(serverName) || serverName.includes(':')
        ? false
        : serverName,
    verifyCertificate: verifier(options, useDefault ? defaultRoots() : roots, provider, serverName, 'sslserver', sink),
    ...(options.alpnAdvertisedProtocols === undefined ? {} : { alpn: options.alpnAdvertisedProtocols }),
    ...(certified === undefined
      ? {}
      : { certificateChain: certified.certificateChain, privateKey: certified.privateKey }),
    ...(options.middleboxCompMode === undefined ? {} : { middleboxCompat: options.middleboxCompMode }),
    // reuseSession is a socket.savedSessions entry (the validator checked it is an object).
    ...(options.reuseSession !== undefined && typeof options.reuseSession === 'object'
      ? { session: options.reuseSession as Session13 | Session12 }
      : {}),
    ...(options.pskIdentity === undefined ? {} : { pskIdentity: bytesOf(options.pskIdentity) }),
    ...(options.fallback === undefined ? {} : { fallback: options.fallback }),
    ...(options.earlyData === undefined ? {} : { earlyData: bytesOf(options.earlyData) }),
    ...(options.maxFragmentLength === undefined ? {} : { maxFragmentLength: options.maxFragmentLength }),
    ...(options.postHandshakeAuth === true ? { postHandshakeAuth: true } : {}),
    ...(options.ocspStapling === true ? { ocspStapling: true } : {}),
    ...(psk === undefined ? {} : { externalPsk: psk }),
    ...rpk,
  };
  return config;
}

/** Erlang `dh` / `dhfile`: custom DHE parameters. */
async function loadDh(options: Tls12ServerOptions): Promise<{ p: bigint; g: bigint } | undefined> {
  // Erlang: dh, when given, takes precedence over dhfile.
  const source = options.dh ?? (options.dhfile !== undefined ? await readCached(options.dhfile, 'dhfile') : undefined);
  if (source === undefined) return undefined;
  try {
    const parsed = parseDhParameters(source);
    return { p: parsed.p, g: parsed.g };
  } catch (cause) {
    throw new OptionError(options.dh !== undefined ? 'dh' : 'dhfile', (cause as Error).message);
  }
}

/** The TLS 1.2 server settings: reuse policy, renegotiation, DHE parameters, PSK hint. */
async function tls12Server(options: Tls12ServerOptions): Promise<Partial<ConnectionConfig>> {
  const dh = await loadDh(options);
  const policy = options.reuseSession;
  return {
    ...(policy === undefined
      ? {}
      : {
          reuseSessionPolicy: (info: {
            sessionId: Uint8Array;
            peerCertificates: readonly Uint8Array[];
            cipherSuite: number;
          }) => policy(info.sessionId, info.peerCertificates[0], 0, info.cipherSuite),
        }),
    ...(options.clientRenegotiation === undefined ? {} : { clientRenegotiation: options.clientRenegotiation }),
    ...(dh === undefined ? {} : { dhParameters: dh }),
    ...(options.pskIdentity === undefined ? {} : { pskIdentityHint: bytesOf(options.pskIdentity) }),
  };
}

/** A fixed OCSP staple: `ocspResponse` bytes, else `ocspResponseFile` (a function is called per connection). */
async function staticStaple(options: ServerOptions): Promise<{ ocspResponse?: Uint8Array }> {
  if (options.ocspResponse instanceof Uint8Array) return { ocspResponse: options.ocspResponse };
  if (options.ocspResponse !== undefined || options.ocspResponseFile === undefined) return {};
  try {
    return { ocspResponse: await readBinaryFile(options.ocspResponseFile) };
  } catch (cause) {
    throw new OptionError('ocspResponseFile', `cannot read ${options.ocspResponseFile}: ${(cause as Error).message}`);
  }
}

/** Builds the engine configuration for a server. */
export async function serverEngineConfig(options: ServerOptions & Tls12ServerOptions): Promise<ConnectionConfig> {
  const provider = await resolveProvider(options.provider);
  const roots = await loadRoots(options);
  const certified = await loadCertKey(options, '');
  const sniHosts: Record<string, CertifiedKey> = {};
  for (const [name, entry] of Object.entries(options.sniHosts ?? {})) {
    const loaded = await loadCertKey(entry, `sniHosts.${name}.`);
    if (loaded !== undefined) sniHosts[normalizeHostName(name)] = loaded;
  }
  const rpk = await ownRawPublicKey(options, certified);
  if (
    certified === undefined &&
    rpk.rawPublicKey === undefined &&
    options.sniFun === undefined &&
    Object.keys(sniHosts).length === 0
  ) {
    throw new OptionError(
      'cert',
      'a server needs cert and key (or certfile and keyfile, sniHosts, sniFun, or rawPublicKey and key)',
    );
  }
  const sniFun = options.sniFun;
  const config: ConnectionConfig = {
    ...commonConfig(options, provider),
    provider,
    ...(certified === undefined
      ? {}
      : { certificateChain: certified.certificateChain, privateKey: certified.privateKey }),
    ...(Object.keys(sniHosts).length === 0 ? {} : { sniHosts }),
    ...(sniFun === undefined
      ? {}
      : {
          sniFun: async (name: string | undefined) => {
            const entry = await sniFun(name);
            return entry === undefined ? undefined : loadCertKey(entry, 'sniFun.');
          },
        }),
    ...(options.alpnPreferredProtocols === undefined ? {} : { alpn: options.alpnPreferredProtocols }),
    // postHandshakeAuth: no CertificateRequest in the handshake; requestClientCertificate() asks later.
    verifyPeer: options.verify === 'verify_peer' && options.postHandshakeAuth !== true,
    failIfNoPeerCert: options.failIfNoPeerCert === true,
    verifyCertificate: verifier(options, roots, provider, undefined, 'sslclient'),
    ...(options.honorCipherOrder === undefined ? {} : { honorCipherOrder: options.honorCipherOrder }),
    ...(options.honorEccOrder === undefined ? {} : { honorEccOrder: options.honorEccOrder }),
    ...serverSessionConfig(options, provider),
    ...(await tls12Server(options)),
    ...(options.earlyData === 'enabled'
      ? { maxEarlyDataSize: options.maxEarlyDataSize ?? 16384, earlyDataReplay: earlyDataReplay(options) }
      : {}),
    ...(await staticStaple(options)),
    ...rpk,
  };
  return config;
}

/**
 * The listener's single-use record of 0-RTT tickets, kept while a ticket can be used: its lifetime
 * (default 7200 s, as the engine's) plus the engine's ticket-age window (10 s).
 */
function earlyDataReplay(options: ServerOptions): BoundedEarlyDataReplay {
  return new BoundedEarlyDataReplay({ retainMs: (options.ticketLifetime ?? 7200) * 1000 + 10_000 });
}

export { clearPemCache } from './credential-files.js';
export { CertificateError };
