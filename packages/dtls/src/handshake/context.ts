/**
 * What the DTLS handshake drivers (client.ts, server.ts) share with the connection that runs them:
 * the handshake's accumulated state and the few connection services they call. The connection
 * implements {@link DtlsContext}; the drivers import only this file, so there is no cycle.
 * @module
 */
import { concat, type MasterKeys, Transcript } from '@sslsocket/handshake/tls12-kit';
import type {
  CipherSuite,
  CryptoProvider,
  GroupName,
  PublicKey,
  SignatureSchemeName,
  TlsAlert,
} from '@sslsocket/suites';
import type { DtlsConfig } from '../config.js';
import type { DtlsProtection } from '../record/protection.js';
import type { DtlsRecordLayer } from '../record/record-layer.js';
import type { SrtpProfileName } from '../srtp.js';
import type { DtlsMessage } from './fragments.js';

/** What one DTLS handshake learns (the TLS 1.2 Handshake12 fields DTLS needs). */
export class DtlsHandshakeData {
  readonly transcript: Transcript;
  /** The messages themselves (a client CertificateVerify signs them all, RFC 5246 §7.4.8). */
  private log: Uint8Array[] = [];
  suite: CipherSuite | undefined;
  clientRandom: Uint8Array = new Uint8Array(32);
  serverRandom: Uint8Array = new Uint8Array(32);
  sessionId: Uint8Array = new Uint8Array(0);
  /** An abbreviated handshake resumed a cached session (RFC 5246 §7.3). */
  resumed = false;
  extendedMasterSecret = false;
  /** RFC 7366 encrypt-then-MAC was negotiated (CBC suites only). */
  encryptThenMac = false;
  secureRenegotiation = false;
  alpn: string | undefined;
  serverName: string | undefined;
  srtpProfile: SrtpProfileName | undefined;
  group: GroupName | undefined;
  signatureScheme: SignatureSchemeName | undefined;
  peerChain: Uint8Array[] = [];
  peerKey: PublicKey | undefined;
  keys: MasterKeys | undefined;
  clientVerifyData: Uint8Array = new Uint8Array(0);
  serverVerifyData: Uint8Array = new Uint8Array(0);

  constructor(provider: CryptoProvider) {
    this.transcript = new Transcript(provider);
  }

  update(raw: Uint8Array): void {
    this.transcript.update(raw);
    this.log.push(raw);
  }

  messages(): Uint8Array {
    return concat(...this.log);
  }
}

/** What a completed DTLS handshake agreed. */
export interface DtlsParameters {
  readonly version: 'dtlsv1.2';
  readonly cipherSuite: string;
  readonly cipherSuiteCode: number;
  readonly group: GroupName | undefined;
  readonly signatureScheme: SignatureSchemeName | undefined;
  readonly alpn: string | undefined;
  readonly serverName: string | undefined;
  readonly srtpProfile: SrtpProfileName | undefined;
  readonly peerCertificates: readonly Uint8Array[];
  readonly extendedMasterSecret: boolean;
  /** RFC 7366 encrypt-then-MAC protects the records (CBC suites only). */
  readonly encryptThenMac: boolean;
  readonly secureRenegotiation: boolean;
  /** The handshake resumed an earlier session (abbreviated handshake, RFC 5246 §7.3). */
  readonly resumed: boolean;
}

/** What a completed handshake agreed, for the `handshakeComplete` event. */
export function parametersOf(hs: DtlsHandshakeData): DtlsParameters {
  const suite = hs.suite as CipherSuite;
  return {
    version: 'dtlsv1.2',
    cipherSuite: suite.name,
    cipherSuiteCode: suite.code,
    group: hs.group,
    signatureScheme: hs.signatureScheme,
    alpn: hs.alpn,
    serverName: hs.serverName,
    srtpProfile: hs.srtpProfile,
    peerCertificates: hs.peerChain,
    extendedMasterSecret: hs.extendedMasterSecret,
    encryptThenMac: hs.encryptThenMac,
    secureRenegotiation: hs.secureRenegotiation,
    resumed: hs.resumed,
  };
}

export interface DtlsContext {
  readonly role: 'client' | 'server';
  readonly config: DtlsConfig;
  readonly provider: CryptoProvider;
  readonly records: DtlsRecordLayer;
  readonly hs: DtlsHandshakeData;
  random(length: number): Uint8Array;
  /** Adds one of our handshake messages to the flight being built, and (unless told) to the transcript. */
  queue(type: number, body: Uint8Array, inTranscript?: boolean): DtlsMessage;
  /** Adds ChangeCipherSpec to the flight and moves our writes to the next epoch. */
  queueChangeCipherSpec(protection: DtlsProtection): void;
  /** Sends the flight built; `awaitReply` runs the retransmission timer until the peer answers. */
  sendFlight(awaitReply: boolean): void;
  /** The read protection the peer's ChangeCipherSpec installs (RFC 5246 §7.1). */
  setPendingRead(protection: DtlsProtection): void;
  /** True once the peer's ChangeCipherSpec switched reads (a Finished must follow it). */
  readonly peerChangedCipherSpec: boolean;
  keylog(label: string, clientRandom: Uint8Array, secret: Uint8Array): void;
  /** Sends an alert record in the current write epoch. */
  sendAlert(alert: TlsAlert): void;
  /** The handshake completed: keys for exporters, the event, held writes. */
  complete(): void;
}

/** One side's handshake: consumes the peer's messages in order. */
export interface DtlsHandshakeDriver {
  readonly name: string;
  /** The next state; a Promise while an asynchronous hook (certificate verification) runs. */
  handle(ctx: DtlsContext, message: DtlsMessage): DtlsHandshakeDriver | Promise<DtlsHandshakeDriver>;
}
