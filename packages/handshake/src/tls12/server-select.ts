/**
 * The TLS 1.2 server's choices from a ClientHello: the protocol version (RFC 8446 §4.2.1, RFC 7507
 * fallback), and the suite together with the group and signature pair it needs (RFC 5246
 * §7.4.1.4.1, RFC 8422 §5.1, RFC 7919 §4).
 * @module
 */
import { type CipherSuite, type GroupName, groupByCode } from '@sslsocket/suites';
import type { CertifiedKey, ConnectionConfig } from '../config.js';
import { decodeNamedGroupList, decodeSignatureSchemeList } from '../messages/extension-bodies.js';
import { ExtensionType } from '../messages/extensions.js';
import type { ClientHello } from '../messages/hello.js';
import { configuredGroups } from '../negotiate.js';
import {
  chooseScheme12,
  configuredSuites12,
  ecGroups12,
  ffdheGroups,
  keyFitsSuite,
  type Scheme12,
  schemeCodes12,
  suiteNeedsCertificate,
  suiteSignsKeyExchange,
} from './suites.js';

const CURVE_GROUP = { 'P-256': 0x17, 'P-384': 0x18, 'P-521': 0x19 } as const;

/** What the server settles for a full TLS 1.2 handshake. */
export interface Selection12 {
  readonly suite: CipherSuite;
  readonly group: GroupName | undefined;
  readonly scheme: Scheme12 | undefined;
}

function pickGroup(config: ConnectionConfig, ours: GroupName[], offered: number[] | undefined): GroupName | undefined {
  if (offered === undefined) return ours[0];
  const theirs = offered.map((c) => groupByCode(c)?.name).filter((n): n is GroupName => n !== undefined);
  if (config.honorEccOrder === false) return theirs.find((g) => ours.includes(g));
  return ours.find((g) => theirs.includes(g));
}

/**
 * The first suite, in our order (or the client's with honorCipherOrder false), that the client
 * offers and that we can serve: a fitting certificate, a signature pair the client accepts, a
 * shared group, a PSK lookup for the PSK family.
 */
export function selectSuite12(
  config: ConnectionConfig,
  ch: ClientHello,
  certified: CertifiedKey | undefined,
): Selection12 | undefined {
  const ours = configuredSuites12(config);
  const order =
    config.honorCipherOrder === false
      ? ch.cipherSuites.map((c) => ours.find((s) => s.code === c)).filter((s): s is CipherSuite => s !== undefined)
      : ours.filter((s) => ch.cipherSuites.includes(s.code));
  const groupsExt = ch.extensions.get(ExtensionType.supported_groups);
  const offeredGroups = groupsExt === undefined ? undefined : decodeNamedGroupList(groupsExt);
  const sigExt = ch.extensions.get(ExtensionType.signature_algorithms);
  const clientSchemes = sigExt === undefined ? undefined : decodeSignatureSchemeList(sigExt);
  const groups = configuredGroups(config);
  const ec = ecGroups12(groups);
  const ff = ffdheGroups(groups);
  const clientFf = offeredGroups?.filter((c) => groupByCode(c)?.kind === 'ffdhe') ?? [];
  for (const suite of order) {
    if (suiteNeedsCertificate(suite) && (certified === undefined || !keyFitsSuite(certified.privateKey, suite)))
      continue;
    // RFC 8422 §5.1: an ECDSA certificate's curve must be one the client supports.
    const key = certified?.privateKey;
    if (suite.authentication === 'ecdsa' && key?.kind === 'ec' && offeredGroups !== undefined) {
      if (!offeredGroups.includes(CURVE_GROUP[key.curve])) continue;
    }
    if (suite.authentication === 'psk' && config.userLookupFun === undefined) continue;
    let scheme: Scheme12 | undefined;
    if (suiteSignsKeyExchange(suite)) {
      scheme = chooseScheme12(
        (certified as CertifiedKey).privateKey,
        clientSchemes,
        schemeCodes12(config.signatureAlgs),
      );
      if (scheme === undefined) continue;
    }
    let group: GroupName | undefined;
    const kx = suite.keyExchange;
    if (kx === 'ecdhe' || kx === 'ecdhe_psk' || kx === 'ecdh_anon') {
      // RFC 8422 §4: without supported_groups the client is assumed to support secp256r1.
      group =
        offeredGroups === undefined
          ? ec.includes('secp256r1')
            ? 'secp256r1'
            : undefined
          : pickGroup(config, ec, offeredGroups);
      if (group === undefined) continue;
    } else if (kx === 'dhe' || kx === 'dhe_psk' || kx === 'dh_anon') {
      if (clientFf.length > 0) {
        // RFC 7919 §4: a client naming FFDHE groups gets one of them, or no DHE suite at all.
        group = pickGroup(config, ff, clientFf);
        if (group === undefined) continue;
      } else if (config.dhParameters === undefined) {
        group = 'ffdhe2048';
      }
    }
    return { suite, group, scheme };
  }
  return undefined;
}
