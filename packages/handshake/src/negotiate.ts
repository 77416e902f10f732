/**
 * Version-neutral negotiation both sides and both versions share: the configured versions,
 * suites, groups and signature schemes, the server's version choice (RFC 8446 §4.2.1, RFC 7507),
 * and certificate selection by server name (RFC 6066 §3).
 * @module
 */
import {
  type CipherSuite,
  type GroupName,
  groupByCode,
  groupByName,
  type MaybePromise,
  normalizeHostName,
  type ProtocolVersion,
  SIGNATURE_SCHEMES,
  type SignatureSchemeName,
  schemeByName,
  suiteByCode,
  suiteByName,
  TLS_FALLBACK_SCSV,
  TlsAlert,
  versionByName,
} from '@sslsocket/suites';
import type { CertifiedKey, ConnectionConfig } from './config.js';
import { decodeServerName, decodeSupportedVersionsClient } from './messages/extension-bodies.js';
import { ExtensionType, isGrease } from './messages/extensions.js';
import type { ClientHello } from './messages/hello.js';

/** The protocol version codes (RFC 8446 §4.2.1), from the registry. */
export const TLS13 = (versionByName('tlsv1.3') as ProtocolVersion).code;
export const TLS12 = (versionByName('tlsv1.2') as ProtocolVersion).code;

/** A suite by registry name or code. */
export function lookupSuite(s: string | number): CipherSuite | undefined {
  return typeof s === 'number' ? suiteByCode(s) : suiteByName(s);
}

const DEFAULT_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

/** The configured TLS 1.3 suites, in preference order. */
export function configuredSuites(config: ConnectionConfig): CipherSuite[] {
  const wanted = config.cipherSuites ?? DEFAULT_SUITES;
  const out: CipherSuite[] = [];
  for (const s of wanted) {
    const suite = lookupSuite(s);
    if (suite?.versions.includes('tlsv1.3') && suite.aead !== undefined) out.push(suite);
  }
  if (out.length === 0) throw new TlsAlert('internal_error', 'no TLS 1.3 cipher suite configured');
  return out;
}

/** Default groups: every EC group and the two smaller RFC 7919 groups (TLS 1.2 DHE needs them named). */
const DEFAULT_GROUPS: readonly GroupName[] = [
  'x25519',
  'secp256r1',
  'x448',
  'secp384r1',
  'secp521r1',
  'ffdhe2048',
  'ffdhe3072',
];

export function configuredGroups(config: ConnectionConfig): GroupName[] {
  return [...(config.groups ?? DEFAULT_GROUPS)];
}

export function groupCode(name: GroupName): number {
  return (groupByName(name) as { code: number }).code;
}

export function groupName(code: number): GroupName | undefined {
  return groupByCode(code)?.name;
}

const DEFAULT_SCHEMES: SignatureSchemeName[] = SIGNATURE_SCHEMES.filter((s) => s.tls13).map((s) => s.name);

/** Configured signature_algorithms as codes (names or raw codes allowed). */
export function schemeCodes(list: ConnectionConfig['signatureAlgs'] | undefined): number[] {
  return (list ?? DEFAULT_SCHEMES)
    .map((s) => (typeof s === 'number' ? s : (schemeByName(s)?.code ?? -1)))
    .filter((c) => c >= 0);
}

/** The versions this configuration allows, highest first. */
export function configuredVersions(config: ConnectionConfig): ('tlsv1.3' | 'tlsv1.2')[] {
  const wanted = config.versions ?? ['tlsv1.3', 'tlsv1.2'];
  const out: ('tlsv1.3' | 'tlsv1.2')[] = [];
  if (wanted.includes('tlsv1.3')) out.push('tlsv1.3');
  if (wanted.includes('tlsv1.2')) out.push('tlsv1.2');
  if (out.length === 0) throw new TlsAlert('internal_error', 'no supported protocol version configured');
  return out;
}

/** Whether the configuration lists at least one TLS 1.3 suite (or uses the defaults). */
export function hasTls13Suites(config: ConnectionConfig): boolean {
  if (config.cipherSuites === undefined) return true;
  return config.cipherSuites.some((s) => lookupSuite(s)?.versions.includes('tlsv1.3') === true);
}

/** The certificate for the requested name: sniFun, then sniHosts, then the default chain. */
export function selectCertificate(
  config: ConnectionConfig,
  serverName: string | undefined,
): MaybePromise<CertifiedKey | undefined> {
  if (config.sniFun !== undefined) return config.sniFun(serverName);
  // serverName is already normalized (clientServerName); the sniHosts keys are normalized here.
  const hosts = config.sniHosts ?? {};
  const key =
    serverName === undefined ? undefined : Object.keys(hosts).find((k) => normalizeHostName(k) === serverName);
  const byHost = key === undefined ? undefined : hosts[key];
  if (byHost !== undefined) return byHost;
  if (config.certificateChain !== undefined && config.privateKey !== undefined) {
    return { certificateChain: config.certificateChain, privateKey: config.privateKey };
  }
  return undefined;
}

/**
 * The ClientHello's SNI host name in comparison form (lower case, no trailing dot): what sniFun,
 * sniHosts, session checks and the application see, so "Example.COM." finds "example.com".
 */
export function clientServerName(ch: ClientHello): string | undefined {
  const sni = ch.extensions.get(ExtensionType.server_name);
  const name = sni === undefined ? undefined : decodeServerName(sni);
  return name === undefined ? undefined : normalizeHostName(name);
}

/**
 * The version to negotiate: TLS 1.3 when both sides have it, else TLS 1.2; protocol_version when
 * none is shared, inappropriate_fallback (RFC 7507 §3) when a fallback ClientHello reaches a server
 * that supports a higher version than the client now offers.
 */
export function negotiateVersion(config: ConnectionConfig, ch: ClientHello): 'tlsv1.3' | 'tlsv1.2' {
  // RFC 8446 §D.5: legacy_version 0x0300 (SSL 3.0) or lower is protocol_version, whatever
  // supported_versions says. Above 0x0303 without supported_versions is a TLS 1.2 offer (§4.2.1);
  // only TLS 1.1 or lower is protocol_version (RFC 8996).
  if (ch.legacyVersion <= 0x0300) {
    const v = ch.legacyVersion.toString(16).padStart(4, '0');
    throw new TlsAlert('protocol_version', `ClientHello legacy_version 0x${v}`);
  }
  const ours = configuredVersions(config);
  const sv = ch.extensions.get(ExtensionType.supported_versions);
  const theirs =
    sv !== undefined
      ? decodeSupportedVersionsClient(sv).filter((v) => !isGrease(v))
      : ch.legacyVersion >= TLS12
        ? [TLS12]
        : [];
  let chosen: 'tlsv1.3' | 'tlsv1.2' | undefined;
  if (ours.includes('tlsv1.3') && theirs.includes(TLS13)) chosen = 'tlsv1.3';
  else if (ours.includes('tlsv1.2') && theirs.includes(TLS12)) chosen = 'tlsv1.2';
  if (chosen === undefined) throw new TlsAlert('protocol_version', 'no protocol version in common');
  if (ch.cipherSuites.includes(TLS_FALLBACK_SCSV.code) && chosen !== ours[0]) {
    throw new TlsAlert('inappropriate_fallback', 'client fell back to a lower version than we support');
  }
  return chosen;
}
