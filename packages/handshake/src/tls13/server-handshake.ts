/**
 * What the TLS 1.3 server learns during its handshake, shared by its states.
 * @module
 */
import type { CipherSuite, PublicKey, SignatureSchemeName } from '@sslsocket/suites';
import { type NegotiatedCertificateTypes, X509_BOTH } from '../certificate-type.js';
import type { ConnectionConfig } from '../config.js';
import type { ConnectionCore } from '../core.js';
import type { ClientHello } from '../messages/hello.js';
import { Transcript } from '../transcript.js';
import { EarlyDataReceiver } from './early-data.js';
import type { AcceptedPsk } from './server-hello.js';
import { TrafficSecrets } from './traffic.js';

/** What the server learns during the handshake; shared by its states. */
export class ServerHandshake {
  firstHello: ClientHello | undefined;
  helloRetry = false;
  cookie: Uint8Array | undefined;
  retryGroup: number | undefined;
  suite: CipherSuite | undefined;
  group: number | undefined;
  psk: AcceptedPsk | undefined;
  /** The scheme of our CertificateVerify (reported in the negotiated parameters). */
  scheme: SignatureSchemeName | undefined;
  serverName: string | undefined;
  alpn: string | undefined;
  peerRecordSizeLimit: number | undefined;
  /** RFC 6066 §4: the max_fragment_length the client asked for (echoed in EncryptedExtensions). */
  maxFragmentLength: number | undefined;
  certificateRequested = false;
  /** RFC 7250: the certificate types chosen from the ClientHello, and the client's raw key if one. */
  certificateTypes: NegotiatedCertificateTypes = X509_BOTH;
  peerRawPublicKey: Uint8Array | undefined;
  peerChain: Uint8Array[] = [];
  peerKey: PublicKey | undefined;
  peerScheme: SignatureSchemeName | undefined;
  ccsSent = false;
  /** The client offered post_handshake_auth (RFC 8446 §4.2.6). */
  postHandshakeAuth = false;
  /** The 0-RTT accounting the record layer consults once the client offers early data. */
  readonly earlyData = new EarlyDataReceiver();
  readonly traffic: TrafficSecrets;
  /** The handshake transcript (RFC 8446 §4.4.1), from the ClientHello on. */
  readonly transcript: Transcript;
  /** 0-RTT accepted (RFC 8446 §4.2.10). */
  earlyAccepted = false;

  constructor(
    core: ConnectionCore,
    /** This handshake's configuration: the connection's, or what a paused handshake continued with. */
    readonly config: ConnectionConfig,
  ) {
    this.traffic = new TrafficSecrets(core, this);
    this.transcript = new Transcript(core.provider);
  }

  /** Lets the record layer consult our 0-RTT accounting (RFC 8446 §4.2.10). */
  attachEarlyData(core: ConnectionCore): EarlyDataReceiver {
    core.record.earlyData = this.earlyData;
    return this.earlyData;
  }
}
