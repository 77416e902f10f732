/**
 * What the TLS 1.3 client learns during its handshake, shared by its states, and the two write-key
 * switches that depend on it: 0-RTT (RFC 8446 §2.3) and the handshake keys after the
 * compatibility-mode ChangeCipherSpec (App. D.4).
 * @module
 */
import type { CipherSuite, PublicKey, SignatureSchemeName } from '@sslsocket/suites';
import { type NegotiatedCertificateTypes, X509_BOTH } from '../certificate-type.js';
import type { ClientHelloState } from '../client-hello.js';
import type { ConnectionConfig } from '../config.js';
import type { ConnectionCore } from '../core.js';
import type { CertificateRequest } from '../messages/certificate.js';
import { Transcript } from '../transcript.js';
import { deriveSecret, earlySecret } from './key-schedule.js';
import { TrafficSecrets } from './traffic.js';

/** What the client learns during the handshake; shared by its states. */
export class ClientHandshake {
  hello: ClientHelloState;
  suite: CipherSuite | undefined;
  helloRetry = false;
  pskAccepted = false;
  group: number | undefined;
  alpn: string | undefined;
  peerRecordSizeLimit: number | undefined;
  certificateRequest: CertificateRequest | undefined;
  peerChain: Uint8Array[] = [];
  peerKey: PublicKey | undefined;
  peerScheme: SignatureSchemeName | undefined;
  ocspResponse: Uint8Array | undefined;
  /** RFC 7250: the certificate types EncryptedExtensions settled, and the server's raw key if one. */
  certificateTypes: NegotiatedCertificateTypes = X509_BOTH;
  peerRawPublicKey: Uint8Array | undefined;
  ccsSent = false;
  /** 0-RTT data went out with the ClientHello; `earlyAccepted` once EncryptedExtensions confirms. */
  earlySent = false;
  earlyAccepted = false;
  handshakeWriteInstalled = false;
  readonly traffic: TrafficSecrets;
  /** The handshake transcript (RFC 8446 §4.4.1), from our ClientHello on. */
  readonly transcript: Transcript;

  /**
   * This handshake's configuration: the connection's, until a handshake paused at the ServerHello
   * continues with more options (see {@link continueWith}).
   */
  private current: ConnectionConfig;

  constructor(core: ConnectionCore, hello: ClientHelloState, config: ConnectionConfig) {
    this.hello = hello;
    this.current = config;
    this.traffic = new TrafficSecrets(core, this);
    this.transcript = new Transcript(core.provider);
    this.traffic.clientRandom = hello.hello.random;
  }

  get config(): ConnectionConfig {
    return this.current;
  }

  /**
   * `handshake: 'hello'`: the waiting ExpectServerHello hands on what `continue()` was given; this
   * handshake's later states read the merged configuration (the connection's stays as created).
   */
  continueWith(update: Partial<ConnectionConfig>): void {
    this.current = { ...this.current, ...update };
  }
}

/**
 * RFC 8446 §2.3, §4.2.10: 0-RTT. The early traffic secret comes from the PSK and the ClientHello;
 * compatibility mode puts its CCS before the first protected record (App. D.4).
 */
export function sendEarlyData(core: ConnectionCore, hs: ClientHandshake): void {
  const psk = hs.hello.psk;
  const data = hs.config.earlyData;
  if (psk?.suite === undefined || data === undefined) return;
  const p = core.provider;
  const h = psk.suiteHash;
  const early = earlySecret(p, h, psk.key);
  const secret = deriveSecret(p, h, early, 'c e traffic', p.digest(h, hs.hello.raw));
  hs.traffic.keylog('CLIENT_EARLY_TRAFFIC_SECRET', secret);
  if (hs.hello.hello.legacySessionId.length > 0) {
    core.record.sendChangeCipherSpec();
    hs.ccsSent = true;
  }
  hs.traffic.use(psk.suite, h);
  hs.traffic.setWriteSecret(secret);
  core.record.writeEarlyData(data);
  hs.earlySent = true;
}

/** Installs the client handshake write key, after the compatibility-mode CCS (App. D.4). */
export function switchToHandshakeWrite(
  core: ConnectionCore,
  hs: ClientHandshake,
  clientHandshakeSecret: Uint8Array,
): void {
  if (hs.handshakeWriteInstalled) return;
  if (hs.hello.hello.legacySessionId.length > 0 && !hs.ccsSent) {
    core.record.sendChangeCipherSpec();
    hs.ccsSent = true;
  }
  hs.traffic.setWriteSecret(clientHandshakeSecret);
  hs.handshakeWriteInstalled = true;
}
