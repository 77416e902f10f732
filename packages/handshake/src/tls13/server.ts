/**
 * The TLS 1.3 server handshake (RFC 8446 §2, §4, App. A.2): one state class per expected message.
 * @module
 */

import type { HandshakeMessageBytes } from '@sslsocket/record';
import { type CipherSuite, type GroupName, type MaybePromise, TlsAlert } from '@sslsocket/suites';
import { selectAlpn } from '../alpn.js';
import { equalBytes, toHex } from '../bytes.js';
import { rawPublicKeyCredential, selectCertificateTypes } from '../certificate-type.js';
import type { CertifiedKey } from '../config.js';
import { andThen, type ConnectionCore, expectType, type HandshakeState } from '../core.js';
import { acceptPeerShare } from '../key-share-guard.js';
import { requestedMaxFragmentLength } from '../max-fragment.js';
import {
  decodeCookie,
  decodeRecordSizeLimit,
  decodeSignatureSchemeList,
  encodeCookie,
  encodeU16,
} from '../messages/extension-bodies.js';
import { Extensions, ExtensionType } from '../messages/extensions.js';
import { decodeBody, frameHandshake, HandshakeType } from '../messages/handshake-type.js';
import { ClientHello, HELLO_RETRY_REQUEST_RANDOM, ServerHello } from '../messages/hello.js';
import { clientServerName, groupName, negotiateVersion, schemeCodes, selectCertificate, TLS13 } from '../negotiate.js';
import { handleClientHello12 } from '../tls12/server.js';
import { serverConnected12 } from '../tls12/server-connected.js';
import { chooseScheme } from './auth.js';
import { rejectedEarlyDataBound } from './early-data.js';
import { deriveSecret, earlySecret } from './key-schedule.js';
import { type ServerSigner, sendServerFlight } from './server-flight.js';
import { ServerHandshake } from './server-handshake.js';
import { checkVersions, findPsk, groupOffer, selectGroup, selectSuite } from './server-hello.js';

/** RFC 8446 §4.2.10, §8: whether to accept the client's 0-RTT data. */
function acceptEarlyData(hs: ServerHandshake): boolean {
  const psk = hs.psk;
  const ticket = psk?.ticket;
  const config = hs.config;
  if (psk === undefined || ticket === undefined || hs.helloRetry || psk.index !== 0) return false;
  if ((config.maxEarlyDataSize ?? 0) === 0 || ticket.maxEarlyDataSize === 0) return false;
  // The same suite, the same ALPN, and a fresh ticket age.
  if (hs.suite?.code !== ticket.cipherSuite || (hs.alpn ?? '') !== ticket.alpn) return false;
  if (Math.abs(psk.ageSkew) > (config.earlyDataAgeWindow ?? 10000)) return false;
  const replay = config.earlyDataReplay;
  if (replay !== undefined) {
    const id = toHex(psk.identity);
    if (replay.has(id)) return false;
    replay.add(id);
  }
  return true;
}

/** RFC 8446 §4.1.2: the second ClientHello must repeat the first except for the retry changes. */
function checkSecondHello(first: ClientHello, second: ClientHello): void {
  const changeable: number[] = [
    ExtensionType.key_share,
    ExtensionType.cookie,
    ExtensionType.early_data,
    ExtensionType.pre_shared_key,
    ExtensionType.padding,
  ];
  const same =
    equalBytes(first.random, second.random) &&
    equalBytes(first.legacySessionId, second.legacySessionId) &&
    first.cipherSuites.join() === second.cipherSuites.join();
  if (!same) throw new TlsAlert('illegal_parameter', 'second ClientHello changed');
  for (const e of first.extensions.list) {
    if (changeable.includes(e.type)) continue;
    const again = second.extensions.get(e.type);
    if (again === undefined || !equalBytes(again, e.data))
      throw new TlsAlert('illegal_parameter', `extension ${e.type} changed`);
  }
}

export class ExpectClientHello implements HandshakeState {
  readonly name = 'ExpectClientHello';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ServerHandshake,
  ) {}

  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    expectType(message, HandshakeType.client_hello, this.name);
    const core = this.core;
    const ch = decodeBody(message.body, ClientHello.decode);
    const paused = core.helloPause({ type: 'hello', message: 'ClientHello', extensions: ch.extensions });
    // handshake: 'hello' — the handshake goes on with what continue() added to the configuration.
    if (paused !== undefined) {
      return paused.then((update) => {
        const hs = new ServerHandshake(core, { ...this.hs.config, ...update });
        return new ExpectClientHello(core, hs).afterHello(message, ch);
      });
    }
    return this.afterHello(message, ch);
  }

  private afterHello(message: HandshakeMessageBytes, ch: ClientHello): MaybePromise<HandshakeState> {
    const core = this.core;
    const hs = this.hs;
    const config = hs.config;
    if (hs.firstHello === undefined && negotiateVersion(config, ch) === 'tlsv1.2') {
      return handleClientHello12(core, config, ch, message, undefined, serverConnected12);
    }
    checkVersions(ch);
    core.record.negotiated('tlsv1.3');
    // RFC 8446 §4.2.6: post-handshake authentication only if the client offered it.
    hs.postHandshakeAuth = ch.extensions.has(ExtensionType.post_handshake_auth);
    hs.traffic.clientRandom = ch.random;
    if (hs.firstHello !== undefined) {
      checkSecondHello(hs.firstHello, ch);
      const cookie = ch.extensions.get(ExtensionType.cookie);
      if (hs.cookie !== undefined && (cookie === undefined || !equalBytes(decodeCookie(cookie), hs.cookie))) {
        throw new TlsAlert('illegal_parameter', 'cookie does not match');
      }
    }
    const offer = groupOffer(ch);
    const prefixHash = (truncated: Uint8Array, h: CipherSuite['prfHash']): Uint8Array =>
      hs.helloRetry ? hs.transcript.currentWith(truncated) : core.provider.digest(h, truncated);
    return andThen(findPsk(core, config, ch, message.raw, prefixHash), (psk) => {
      const suite = psk?.suite ?? selectSuite(config, ch);
      if (suite === undefined) throw new TlsAlert('handshake_failure', 'no cipher suite in common');
      if (hs.suite !== undefined && hs.suite.code !== suite.code)
        throw new TlsAlert('illegal_parameter', 'suite changed');
      hs.suite = suite;
      hs.psk = psk;
      const needDhe = psk === undefined || psk.mode === 1;
      const choice = needDhe ? selectGroup(config, offer) : undefined;
      if (needDhe && choice === undefined) throw new TlsAlert('handshake_failure', 'no group in common');
      if (hs.helloRetry && choice !== undefined && choice.share === undefined) {
        throw new TlsAlert('illegal_parameter', 'second ClientHello lacks the requested key share');
      }
      if (hs.helloRetry && hs.retryGroup !== undefined && choice?.group !== hs.retryGroup) {
        throw new TlsAlert('illegal_parameter', 'second ClientHello did not use the requested group');
      }
      const forced = config.helloRetryAlways === true && !hs.helloRetry;
      if (!hs.helloRetry && ((choice !== undefined && choice.share === undefined) || forced)) {
        const withCookie = forced || (config.helloRetryCookie !== undefined && config.helloRetryCookie !== false);
        return this.sendHelloRetryRequest(
          ch,
          message.raw,
          suite,
          choice?.share === undefined ? choice?.group : undefined,
          withCookie,
        );
      }
      if (!hs.helloRetry) {
        hs.transcript.start(suite.prfHash);
        hs.transcript.update(message.raw);
      } else {
        hs.transcript.update(message.raw);
      }
      this.negotiateExtensions(ch);
      let clientEarlySecret: Uint8Array | undefined;
      if (ch.extensions.has(ExtensionType.early_data)) {
        hs.earlyAccepted = acceptEarlyData(hs);
        // Reported on the server too, so connectionInformation() can say 'accepted' / 'rejected'.
        core.emit({ type: 'earlyData', accepted: hs.earlyAccepted });
        if (hs.earlyAccepted) {
          const p = core.provider;
          const h = suite.prfHash;
          const early = earlySecret(p, h, psk?.key);
          clientEarlySecret = deriveSecret(p, h, early, 'c e traffic', hs.transcript.current());
          hs.traffic.keylog('CLIENT_EARLY_TRAFFIC_SECRET', clientEarlySecret);
        }
      }
      // RFC 7250: with a certificate, its type (and the client's) comes from the ClientHello.
      if (psk === undefined) hs.certificateTypes = selectCertificateTypes(config, ch.extensions);
      const certificate: MaybePromise<CertifiedKey | undefined> =
        psk === undefined
          ? hs.certificateTypes.server === 'raw_public_key'
            ? rawPublicKeyCredential(config)
            : selectCertificate(config, hs.serverName)
          : undefined;
      return andThen(certificate, (certified) => {
        let signer: ServerSigner | undefined;
        if (psk === undefined) {
          const sigs = ch.extensions.get(ExtensionType.signature_algorithms);
          if (sigs === undefined) throw new TlsAlert('missing_extension', 'signature_algorithms is required');
          // RFC 7250 §4.2: a server holding only a raw public key cannot serve an X.509-only client.
          if (certified === undefined && config.rawPublicKey !== undefined)
            throw new TlsAlert('unsupported_certificate', 'only a raw public key here; the client did not offer one');
          if (certified === undefined) throw new TlsAlert('unrecognized_name', 'no certificate for this server name');
          const scheme = chooseScheme(
            certified.privateKey,
            decodeSignatureSchemeList(sigs),
            schemeCodes(config.signatureAlgs),
          );
          hs.scheme = scheme;
          signer = { certified, scheme };
        }
        hs.group = choice?.group;
        const name = choice === undefined ? undefined : (groupName(choice.group) as GroupName);
        const response =
          choice?.share === undefined || name === undefined
            ? undefined
            : acceptPeerShare(core.provider, name, choice.share.keyExchange, config.keyShareSecret?.(name));
        return andThen(response, (r) =>
          sendServerFlight(core, hs, ch, {
            suite,
            share: r === undefined || choice === undefined ? undefined : { group: choice.group, response: r },
            signer,
            clientEarlySecret,
          }),
        );
      });
    });
  }

  /** SNI, ALPN and record_size_limit (RFC 6066 §3, RFC 7301 §3.2, RFC 8449 §4). */
  private negotiateExtensions(ch: ClientHello): void {
    const hs = this.hs;
    const config = hs.config;
    hs.serverName = clientServerName(ch);
    hs.alpn = selectAlpn(config, ch.extensions.get(ExtensionType.application_layer_protocol_negotiation));
    const limit = ch.extensions.get(ExtensionType.record_size_limit);
    if (limit !== undefined) hs.peerRecordSizeLimit = decodeRecordSizeLimit(limit);
    // RFC 6066 §4: checked here, before the ServerHello; echoed in EncryptedExtensions.
    hs.maxFragmentLength = requestedMaxFragmentLength(ch.extensions);
  }

  private sendHelloRetryRequest(
    ch: ClientHello,
    raw: Uint8Array,
    suite: CipherSuite,
    group: number | undefined,
    withCookie: boolean,
  ): HandshakeState {
    const core = this.core;
    const hs = this.hs;
    hs.helloRetry = true;
    hs.firstHello = ch;
    hs.retryGroup = group;
    const exts = new Extensions();
    if (group !== undefined) exts.set(ExtensionType.key_share, encodeU16(group));
    if (withCookie) {
      const make = hs.config.helloRetryCookie;
      hs.cookie = typeof make === 'function' ? make(raw) : core.random(32);
      exts.set(ExtensionType.cookie, encodeCookie(hs.cookie));
    }
    exts.set(ExtensionType.supported_versions, encodeU16(TLS13));
    const hrr = new ServerHello(0x0303, HELLO_RETRY_REQUEST_RANDOM, ch.legacySessionId, suite.code, 0, exts);
    hs.transcript.start(suite.prfHash);
    hs.transcript.update(raw);
    hs.transcript.replaceWithMessageHash();
    core.queueHandshake(frameHandshake(HandshakeType.server_hello, hrr), hs.transcript);
    // RFC 8446 §4.2.10: 0-RTT sent with the first ClientHello is dropped after a retry.
    if (ch.extensions.has(ExtensionType.early_data))
      hs.attachEarlyData(core).ignoreAfterRetry(rejectedEarlyDataBound(hs.config));
    // RFC 8446 App. D.4: a compatibility-mode server sends CCS right after its first message.
    if (ch.legacySessionId.length > 0) {
      core.record.sendChangeCipherSpec();
      hs.ccsSent = true;
    }
    return this;
  }
}
