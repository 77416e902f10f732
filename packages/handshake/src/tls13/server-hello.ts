/**
 * The server's reading of a ClientHello (RFC 8446 §4.1.1-§4.1.2, §4.2): version, suite, group, PSK
 * and certificate selection. Pure decisions; the state machine in server.ts acts on them.
 * @module
 */
import {
  type CipherSuite,
  type GroupName,
  isPromiseLike,
  type MaybePromise,
  suiteByCode,
  TlsAlert,
} from '@sslsocket/suites';
import { equalBytes } from '../bytes.js';
import type { ConnectionConfig } from '../config.js';
import { andThen, type ConnectionCore } from '../core.js';
import {
  bindersLength,
  decodeKeyShareClient,
  decodeNamedGroupList,
  decodeOfferedPsks,
  decodePskModes,
  decodeSupportedVersionsClient,
  type KeyShareEntry,
} from '../messages/extension-bodies.js';
import { ExtensionType, isGrease } from '../messages/extensions.js';
import type { ClientHello } from '../messages/hello.js';
import { configuredGroups, configuredSuites, groupCode, TLS13 } from '../negotiate.js';
import { skipOnStoreFailure } from '../store-failure.js';
import { currentTicketKeys, hasTicketKeys } from '../ticket-keys.js';
import { openTicket, type TicketState } from '../tickets.js';
import { binderKey, earlySecret, finishedVerifyData, hashLength } from './key-schedule.js';

/** RFC 8446 §4.2.1: the client must offer TLS 1.3 in supported_versions. */
export function checkVersions(ch: ClientHello): void {
  const sv = ch.extensions.get(ExtensionType.supported_versions);
  if (sv === undefined) throw new TlsAlert('protocol_version', 'client does not offer TLS 1.3');
  const versions = decodeSupportedVersionsClient(sv).filter((v) => !isGrease(v));
  if (!versions.includes(TLS13)) throw new TlsAlert('protocol_version', 'client does not offer TLS 1.3');
  // RFC 8446 §4.1.2: TLS 1.3 ClientHellos carry exactly the null compression method.
  if (ch.compressionMethods.length !== 1 || ch.compressionMethods[0] !== 0) {
    throw new TlsAlert('illegal_parameter', 'compression methods must be exactly [null]');
  }
  // RFC 8446 §4.2.11: pre_shared_key must be the last extension.
  const types = ch.extensions.types();
  const psk = types.indexOf(ExtensionType.pre_shared_key);
  if (psk >= 0 && psk !== types.length - 1) throw new TlsAlert('illegal_parameter', 'pre_shared_key is not last');
}

/** Suite choice: ours first when honorCipherOrder (default), else the client's. */
export function selectSuite(
  config: ConnectionConfig,
  ch: ClientHello,
  hash?: CipherSuite['prfHash'],
): CipherSuite | undefined {
  const ours = configuredSuites(config).filter((s) => hash === undefined || s.prfHash === hash);
  if (config.honorCipherOrder === false) {
    for (const code of ch.cipherSuites) {
      const s = ours.find((o) => o.code === code);
      if (s !== undefined) return s;
    }
    return undefined;
  }
  return ours.find((s) => ch.cipherSuites.includes(s.code));
}

/** The client's key shares and groups, GREASE removed. */
export interface GroupOffer {
  readonly groups: number[];
  readonly shares: KeyShareEntry[];
}

export function groupOffer(ch: ClientHello): GroupOffer {
  const sg = ch.extensions.get(ExtensionType.supported_groups);
  const ks = ch.extensions.get(ExtensionType.key_share);
  const groups = sg === undefined ? [] : decodeNamedGroupList(sg).filter((g) => !isGrease(g));
  const shares = ks === undefined ? [] : decodeKeyShareClient(ks).filter((e) => !isGrease(e.group));
  // RFC 8446 §4.2.8: each share must be for a group in supported_groups.
  for (const s of shares) {
    if (!groups.includes(s.group))
      throw new TlsAlert('illegal_parameter', 'key share for a group not in supported_groups');
  }
  if ((sg === undefined) !== (ks === undefined)) {
    throw new TlsAlert('missing_extension', 'supported_groups and key_share must come together');
  }
  return { groups, shares };
}

/**
 * Group choice (RFC 8446 §4.2.8): a share the client already sent for a group we support wins
 * (no HelloRetryRequest); otherwise the best mutual group, which then needs a HelloRetryRequest.
 */
export function selectGroup(
  config: ConnectionConfig,
  offer: GroupOffer,
): { group: number; share: KeyShareEntry | undefined } | undefined {
  const ours = configuredGroups(config).map(groupCode);
  const mutual =
    config.honorEccOrder === false
      ? offer.groups.filter((g) => ours.includes(g))
      : ours.filter((g) => offer.groups.includes(g));
  if (mutual.length === 0) return undefined;
  if (config.honorEccOrder === true) {
    const g = mutual[0] as number;
    return { group: g, share: offer.shares.find((s) => s.group === g) };
  }
  for (const g of mutual) {
    const share = offer.shares.find((s) => s.group === g);
    if (share !== undefined) return { group: g, share };
  }
  return { group: mutual[0] as number, share: undefined };
}

/** A PSK the server accepted (binder verified). */
export interface AcceptedPsk {
  readonly key: Uint8Array;
  readonly suite: CipherSuite;
  /** psk_dhe_ke (1) or psk_ke (0). */
  readonly mode: number;
  readonly ticket: TicketState | undefined;
  /** Which offered identity was chosen (0-RTT needs the first), and its bytes. */
  readonly index: number;
  readonly identity: Uint8Array;
  /** The client's view of the ticket age minus ours, ms (0-RTT freshness, RFC 8446 §8.3). */
  readonly ageSkew: number;
}

/**
 * Looks for a usable PSK (RFC 8446 §4.2.11): a ticket we can open, or an external identity from
 * userLookupFun; the first identity that resolves is checked against its binder (decrypt_error if
 * wrong). `prefixHash(truncated, hash)` hashes the transcript through the truncated ClientHello.
 */
export function findPsk(
  core: ConnectionCore,
  config: ConnectionConfig,
  ch: ClientHello,
  raw: Uint8Array,
  prefixHash: (truncated: Uint8Array, hash: CipherSuite['prfHash']) => Uint8Array,
): MaybePromise<AcceptedPsk | undefined> {
  const ext = ch.extensions.get(ExtensionType.pre_shared_key);
  if (ext === undefined) return undefined;
  const modesExt = ch.extensions.get(ExtensionType.psk_key_exchange_modes);
  // RFC 8446 §4.2.9: a client offering a PSK must send psk_key_exchange_modes.
  if (modesExt === undefined) throw new TlsAlert('missing_extension', 'pre_shared_key without psk_key_exchange_modes');
  const offered = decodeOfferedPsks(ext);
  const clientModes = decodePskModes(modesExt);
  const ourModes = (config.pskModes ?? ['psk_dhe_ke', 'psk_ke']).map((m) => (m === 'psk_ke' ? 0 : 1));
  const mode = ourModes.find((m) => clientModes.includes(m));
  if (mode === undefined) return undefined;
  const truncated = raw.subarray(0, raw.length - bindersLength(offered.binders));
  const check = (
    index: number,
    key: Uint8Array,
    suite: CipherSuite,
    external: boolean,
    ticket: TicketState | undefined,
  ): AcceptedPsk => {
    const h = suite.prfHash;
    const binder = offered.binders[index] as Uint8Array;
    if (binder.length !== hashLength(h)) throw new TlsAlert('decrypt_error', 'PSK binder has the wrong length');
    const expected = finishedVerifyData(
      core.provider,
      h,
      binderKey(core.provider, h, earlySecret(core.provider, h, key), external),
      prefixHash(truncated, h),
    );
    if (!equalBytes(expected, binder)) throw new TlsAlert('decrypt_error', 'PSK binder is wrong');
    const clientAge = ((offered.identities[index]?.obfuscatedTicketAge ?? 0) - (ticket?.ticketAgeAdd ?? 0)) >>> 0;
    const ageSkew = ticket === undefined ? 0 : clientAge - (core.now() - ticket.issuedAt);
    return {
      key,
      suite,
      mode,
      ticket,
      index,
      ageSkew,
      identity: offered.identities[index]?.identity ?? new Uint8Array(0),
    };
  };
  const keys = config.ticketKeys;
  const store = config.ticketStore;
  // Tickets first, identity by identity (opening may be asynchronous), then external PSKs.
  const tryTicket = (i: number): MaybePromise<AcceptedPsk | undefined> => {
    const id = offered.identities[i];
    if (id === undefined || (!hasTicketKeys(keys) && store === undefined)) return external();
    // A failing store or key provider only means this ticket is not accepted (RFC 8446 §4.2.11:
    // the server may decline any PSK): the next identity, else a full handshake.
    const opened =
      store !== undefined
        ? skipOnStoreFailure(core, 'openTicket', () => store.open(id.identity), undefined)
        : andThen(
            skipOnStoreFailure(core, 'openTicket', () => currentTicketKeys(keys), []),
            (list) => (list.length === 0 ? undefined : openTicket(core.provider, list, id.identity)),
          );
    const use = (state: TicketState | undefined): MaybePromise<AcceptedPsk | undefined> => {
      if (state === undefined) return tryTicket(i + 1);
      const age = core.now() - state.issuedAt;
      const suite = suiteByCode(state.cipherSuite);
      const usable = suite !== undefined ? selectSuite(config, ch, suite.prfHash) : undefined;
      if (age >= 0 && age <= state.lifetime * 1000 && usable !== undefined)
        return check(i, state.psk, usable, false, state);
      return tryTicket(i + 1);
    };
    return isPromiseLike(opened) ? opened.then(use) : use(opened);
  };
  const external = (): MaybePromise<AcceptedPsk | undefined> => {
    const lookup = config.userLookupFun;
    const first = offered.identities[0];
    if (lookup === undefined || first === undefined) return undefined;
    const resolve = (key: Uint8Array | undefined): AcceptedPsk | undefined => {
      if (key === undefined) return undefined;
      const suite = selectSuite(config, ch, 'SHA-256');
      return suite === undefined ? undefined : check(0, key, suite, true, undefined);
    };
    const found = lookup(first.identity);
    return isPromiseLike(found) ? found.then(resolve) : resolve(found);
  };
  return tryTicket(0);
}
export type { GroupName };
