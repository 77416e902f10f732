/**
 * The TLS 1.3 client handshake (RFC 8446 §2, §4, App. A.1): one state class per expected message.
 * Every message that does not fit the current state is unexpected_message.
 * @module
 */
import type { HandshakeMessageBytes } from '@sslsocket/record';
import { type CipherSuite, isPromiseLike, type MaybePromise, TlsAlert } from '@sslsocket/suites';
import { equalBytes } from '../bytes.js';
import { buildClientHello, frameClientHello, helloExtensions, makeKeyShares } from '../client-hello.js';
import { andThen, type ConnectionCore, expectType, type HandshakeState, type LocalRequest } from '../core.js';
import { completePeerShare } from '../key-share-guard.js';
import { decodeCookie, decodeKeyShareServer, decodeU16 } from '../messages/extension-bodies.js';
import { ExtensionType } from '../messages/extensions.js';
import { decodeBody, HandshakeType } from '../messages/handshake-type.js';
import { ClientHello, DOWNGRADE_TLS11, DOWNGRADE_TLS12, ServerHello } from '../messages/hello.js';
import { configuredGroups, groupName, TLS13 } from '../negotiate.js';
import { handleServerHello12 } from '../tls12/client.js';
import { clientConnected12 } from '../tls12/client-connected.js';
import { ClientHandshake, sendEarlyData, switchToHandshakeWrite } from './client-handshake.js';
import { ExpectEncryptedExtensions } from './client-states.js';

/**
 * The client before `start()`: the 'start' request sends the ClientHello (RFC 8446 §4.1.2), with
 * 0-RTT data when the offered ticket allows it (§4.2.10).
 */
export class ClientStart implements HandshakeState {
  readonly name = 'NotStarted';
  constructor(private readonly core: ConnectionCore) {}

  handle(): HandshakeState {
    throw new TlsAlert('unexpected_message', 'message before the ClientHello was sent');
  }

  onLocalRequest(request: LocalRequest): MaybePromise<HandshakeState> | undefined {
    if (request !== 'start') return undefined;
    const core = this.core;
    return andThen(buildClientHello(core, core.config), (hello) => {
      // RFC 8446 §5.1: the first ClientHello may carry legacy_record_version 0x0301 for
      // compatibility; every later record uses 0x0303.
      const hs = new ClientHandshake(core, hello, core.config);
      core.record.setPlaintextWrite(0x0301);
      core.queueHandshake(hello.raw, hs.transcript);
      core.record.flush();
      core.record.setPlaintextWrite(0x0303);
      if (hello.psk?.earlyData === true) sendEarlyData(core, hs);
      return new ExpectServerHello(core, hs);
    });
  }
}

/** RFC 8446 §4.1.3-§4.1.4 checks shared by ServerHello and HelloRetryRequest. */
function checkServerHelloCommon(hs: ClientHandshake, sh: ServerHello, allowed: readonly number[]): CipherSuite {
  // RFC 8446 §D.5: a Hello with legacy_version 0x0300 (SSL 3.0) or lower is protocol_version.
  if (sh.legacyVersion <= 0x0300) throw new TlsAlert('protocol_version', 'ServerHello legacy_version is SSL 3.0');
  const versions = sh.extensions.get(ExtensionType.supported_versions);
  if (versions === undefined) {
    // A TLS 1.2 answer: a TLS 1.3 server downgrading to us sets the sentinel (RFC 8446 §4.1.3).
    const tail = sh.random.subarray(24);
    if (equalBytes(tail, DOWNGRADE_TLS12) || equalBytes(tail, DOWNGRADE_TLS11)) {
      throw new TlsAlert('illegal_parameter', 'downgrade sentinel in ServerHello.random');
    }
    throw new TlsAlert('protocol_version', 'server did not negotiate TLS 1.3');
  }
  if (decodeU16(versions) !== TLS13 || hs.hello.suites.length === 0)
    throw new TlsAlert('illegal_parameter', 'server selected a version we did not offer');
  if (sh.legacyVersion !== 0x0303) throw new TlsAlert('illegal_parameter', 'legacy_version must be 0x0303');
  if (!equalBytes(sh.legacySessionIdEcho, hs.hello.hello.legacySessionId)) {
    throw new TlsAlert('illegal_parameter', 'legacy_session_id_echo does not match');
  }
  if (sh.compressionMethod !== 0) throw new TlsAlert('illegal_parameter', 'compression method must be null');
  const suite = hs.hello.suites.find((s) => s.code === sh.cipherSuite);
  if (suite === undefined) throw new TlsAlert('illegal_parameter', 'server selected a cipher suite we did not offer');
  for (const t of sh.extensions.types()) {
    if (!allowed.includes(t)) throw new TlsAlert('unsupported_extension', `extension ${t} in ServerHello`);
  }
  return suite;
}

export class ExpectServerHello implements HandshakeState {
  readonly name = 'ExpectServerHello';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ClientHandshake,
  ) {}

  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    expectType(message, HandshakeType.server_hello, this.name);
    const sh = decodeBody(message.body, ServerHello.decode);
    if (sh.isHelloRetryRequest) return this.helloRetry(sh, message);
    const paused = this.core.helloPause({ type: 'hello', message: 'ServerHello', extensions: sh.extensions });
    // handshake: 'hello' — the rest of this handshake uses what continue() added to its config.
    if (paused !== undefined) {
      return paused.then((update) => {
        this.hs.continueWith(update);
        return this.afterHello(sh, message);
      });
    }
    return this.afterHello(sh, message);
  }

  private afterHello(sh: ServerHello, message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    const hs = this.hs;
    const core = this.core;
    const offer12 = hs.hello.offer12;
    if (!sh.extensions.has(ExtensionType.supported_versions) && offer12 !== undefined && !hs.helloRetry) {
      const offer = { hello: hs.hello.hello, raw: hs.hello.raw, offer: offer12, offered13: hs.hello.suites.length > 0 };
      return handleServerHello12(core, hs.config, offer, sh, message, undefined, clientConnected12);
    }
    const suite = checkServerHelloCommon(hs, sh, [
      ExtensionType.key_share,
      ExtensionType.pre_shared_key,
      ExtensionType.supported_versions,
    ]);
    // RFC 8446 §4.1.4: after a HelloRetryRequest the suite must not change.
    if (hs.suite !== undefined && hs.suite.code !== suite.code)
      throw new TlsAlert('illegal_parameter', 'suite changed after HRR');
    hs.suite = suite;
    hs.traffic.use(suite);
    core.record.negotiated('tlsv1.3');
    let psk: Uint8Array | undefined;
    const pskExt = sh.extensions.get(ExtensionType.pre_shared_key);
    if (pskExt !== undefined) {
      const offered = hs.hello.psk;
      if (offered === undefined || decodeU16(pskExt) !== 0)
        throw new TlsAlert('illegal_parameter', 'bad selected_identity');
      if (offered.suiteHash !== suite.prfHash)
        throw new TlsAlert('illegal_parameter', 'PSK hash does not match the suite');
      psk = offered.key;
      hs.pskAccepted = true;
    }
    const shareExt = sh.extensions.get(ExtensionType.key_share);
    let shared: MaybePromise<Uint8Array | undefined>;
    if (shareExt !== undefined) {
      const entry = decodeKeyShareServer(shareExt);
      const mine = hs.hello.keyShares.get(entry.group);
      if (mine === undefined) throw new TlsAlert('illegal_parameter', 'key share for a group we did not send');
      hs.group = entry.group;
      shared = completePeerShare(mine, entry.keyExchange, { sender: 'server', tls13: true });
    } else if (psk === undefined || !(hs.config.pskModes ?? []).includes('psk_ke')) {
      throw new TlsAlert('missing_extension', 'ServerHello without key_share');
    }
    hs.transcript.start(suite.prfHash);
    hs.transcript.update(message.raw);
    const finish = (secret: Uint8Array | undefined): HandshakeState => {
      const keys = hs.traffic.handshakeKeys(suite, psk, secret, hs.transcript.current());
      hs.traffic.setReadSecret(keys.serverHandshakeSecret);
      // Switch our write side now (unless 0-RTT still needs the early keys for EndOfEarlyData), so
      // an alert about the server's encrypted flight is protected and the server can read it.
      if (!hs.earlySent) switchToHandshakeWrite(core, hs, keys.clientHandshakeSecret);
      return new ExpectEncryptedExtensions(core, hs, keys);
    };
    if (isPromiseLike(shared)) {
      return shared.then(finish, (e: unknown) => {
        throw new TlsAlert('illegal_parameter', 'invalid server key share', { cause: e });
      });
    }
    return finish(shared);
  }

  /** RFC 8446 §4.1.4: answer a HelloRetryRequest with a second ClientHello. */
  private helloRetry(hrr: ServerHello, message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    const hs = this.hs;
    const core = this.core;
    if (hs.helloRetry) throw new TlsAlert('unexpected_message', 'second HelloRetryRequest');
    hs.helloRetry = true;
    const suite = checkServerHelloCommon(hs, hrr, [
      ExtensionType.key_share,
      ExtensionType.cookie,
      ExtensionType.supported_versions,
    ]);
    hs.suite = suite;
    const shareExt = hrr.extensions.get(ExtensionType.key_share);
    const cookieExt = hrr.extensions.get(ExtensionType.cookie);
    let newShare: string | undefined;
    if (shareExt !== undefined) {
      const group = decodeU16(shareExt);
      const name = groupName(group);
      const offered = name !== undefined && configuredGroups(hs.config).includes(name);
      // The selected group must be one we support and one we did not already send a share for.
      if (!offered || hs.hello.keyShares.has(group))
        throw new TlsAlert('illegal_parameter', 'HRR selected a bad group');
      newShare = name;
    }
    const cookie = cookieExt === undefined ? undefined : decodeCookie(cookieExt);
    if (shareExt === undefined && cookie === undefined) {
      throw new TlsAlert('illegal_parameter', 'HelloRetryRequest would not change the ClientHello');
    }
    // RFC 8446 §4.1.4: early data is rejected after a HelloRetryRequest; the retry is plaintext.
    if (hs.earlySent) core.record.setPlaintextWrite(0x0303);
    hs.transcript.start(suite.prfHash);
    hs.transcript.replaceWithMessageHash();
    hs.transcript.update(message.raw);
    const shares = newShare === undefined ? hs.hello.keyShares : makeKeyShares(core, hs.config, [newShare as never]);
    return andThen(shares, (keyShares) => {
      const psk = hs.hello.psk?.suiteHash === suite.prfHash ? hs.hello.psk : undefined;
      const first = hs.hello.hello;
      const hello = new ClientHello(
        first.legacyVersion,
        first.random,
        first.legacySessionId,
        first.cipherSuites,
        first.compressionMethods,
        helloExtensions(hs.config, keyShares, psk, cookie, hs.hello.grease, hs.hello.offer12),
      );
      const raw = frameClientHello(core, hs.config, hello, psk, (t) => hs.transcript.currentWith(t));
      hs.hello = {
        hello,
        raw,
        keyShares,
        suites: hs.hello.suites,
        psk,
        grease: hs.hello.grease,
        offer12: hs.hello.offer12,
      };
      // RFC 8446 App. D.4: in compatibility mode the dummy CCS goes before the second flight.
      if (first.legacySessionId.length > 0 && !hs.ccsSent) {
        core.record.sendChangeCipherSpec();
        hs.ccsSent = true;
      }
      core.queueHandshake(raw, hs.transcript);
      return this;
    });
  }
}
