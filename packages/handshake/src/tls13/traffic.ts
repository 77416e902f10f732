/**
 * The TLS 1.3 traffic keys of one connection (RFC 8446 §7.1, §7.3): the suite and hash, and the
 * current read and write traffic secrets, installed into the record layer as they change.
 * @module
 */
import { Tls13Protection } from '@sslsocket/record';
import type { CipherSuite, CryptoProvider, HashAlgorithm } from '@sslsocket/suites';
import type { ConnectionConfig } from '../config.js';
import type { ConnectionCore, SessionSecrets } from '../core.js';
import {
  deriveSecret,
  earlySecret,
  exportKeyingMaterial,
  handshakeSecret,
  masterSecret,
  trafficKeys,
} from './key-schedule.js';

/**
 * The handshake secrets of RFC 8446 §7.1, derived once the ServerHello is settled, with the suite
 * they belong to. The states after the ServerHello take exactly this.
 */
export interface HandshakeKeys13 {
  readonly suite: CipherSuite;
  readonly clientHandshakeSecret: Uint8Array;
  readonly serverHandshakeSecret: Uint8Array;
  readonly masterSecret: Uint8Array;
}

export class TrafficSecrets {
  suite: CipherSuite | undefined;
  hash: HashAlgorithm = 'SHA-256';
  /** The current traffic secrets (the application ones after the handshake, for KeyUpdate). */
  readSecret: Uint8Array | undefined;
  writeSecret: Uint8Array | undefined;
  /** Names the connection in SSLKEYLOGFILE lines. */
  clientRandom: Uint8Array = new Uint8Array(32);

  constructor(
    private readonly core: ConnectionCore,
    /** The handshake these secrets belong to: its config says where keylog lines go. */
    private owner: { readonly config: ConnectionConfig },
  ) {}

  /**
   * The handshake is over: keep its final configuration only, so that the connected state, which
   * keeps these secrets for KeyUpdate, does not keep the whole handshake (hello, key shares,
   * transcript) alive with them.
   */
  keepConfigOnly(): void {
    const config = this.owner.config;
    this.owner = { config };
  }

  /** Selects the suite whose AEAD and hash the next secrets use. */
  use(suite: CipherSuite, hash: HashAlgorithm = suite.prfHash): void {
    this.suite = suite;
    this.hash = hash;
  }

  private protection(secret: Uint8Array): Tls13Protection {
    const suite = this.suite as CipherSuite;
    const provider = this.core.provider;
    const keys = trafficKeys(provider, this.hash, secret, suite.keyLength);
    return Tls13Protection.create(provider, suite.aead as NonNullable<CipherSuite['aead']>, keys.key, keys.iv);
  }

  setWriteSecret(secret: Uint8Array): void {
    this.core.record.setWriteProtection(this.protection(secret));
    this.writeSecret = secret;
  }

  /** Logs a secret of this connection (SSLKEYLOGFILE). */
  keylog(label: string, secret: Uint8Array): void {
    this.core.keylog(this.owner.config, label, this.clientRandom, secret);
  }

  /**
   * RFC 8446 §7.1, both sides alike: the handshake traffic secrets and the master secret from the
   * PSK (if any), the (EC)DHE shared secret (if any) and the transcript through the ServerHello;
   * both traffic secrets go to the key log.
   */
  handshakeKeys(
    suite: CipherSuite,
    psk: Uint8Array | undefined,
    shared: Uint8Array | undefined,
    transcriptHash: Uint8Array,
  ): HandshakeKeys13 {
    const p = this.core.provider;
    const h = suite.prfHash;
    const secret = handshakeSecret(p, h, earlySecret(p, h, psk), shared);
    const keys: HandshakeKeys13 = {
      suite,
      clientHandshakeSecret: deriveSecret(p, h, secret, 'c hs traffic', transcriptHash),
      serverHandshakeSecret: deriveSecret(p, h, secret, 's hs traffic', transcriptHash),
      masterSecret: masterSecret(p, h, secret),
    };
    this.keylog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', keys.clientHandshakeSecret);
    this.keylog('SERVER_HANDSHAKE_TRAFFIC_SECRET', keys.serverHandshakeSecret);
    return keys;
  }

  /**
   * RFC 8446 §7.1, §7.5, both sides alike: the application traffic secrets and the exporter over the
   * transcript through the server Finished. Installs the connection's exporter and logs all three;
   * the caller installs the traffic secrets in its own order.
   */
  applicationSecrets(master: Uint8Array, transcriptHash: Uint8Array): { client: Uint8Array; server: Uint8Array } {
    const p = this.core.provider;
    const h = this.hash;
    const client = deriveSecret(p, h, master, 'c ap traffic', transcriptHash);
    const server = deriveSecret(p, h, master, 's ap traffic', transcriptHash);
    const exporterSecret = deriveSecret(p, h, master, 'exp master', transcriptHash);
    this.core.secrets = exporter13(p, h, exporterSecret);
    this.keylog('CLIENT_TRAFFIC_SECRET_0', client);
    this.keylog('SERVER_TRAFFIC_SECRET_0', server);
    this.keylog('EXPORTER_SECRET', exporterSecret);
    return { client, server };
  }

  setReadSecret(secret: Uint8Array): void {
    this.core.record.setReadProtection(this.protection(secret));
    this.readSecret = secret;
  }
}

/** RFC 8446 §7.5: the exporter of a connection with this exporter_master_secret. */
export function exporter13(
  provider: CryptoProvider,
  hash: HashAlgorithm,
  exporterMasterSecret: Uint8Array,
): SessionSecrets {
  return new Exporter13(provider, hash, exporterMasterSecret);
}

/** The TLS 1.3 exporter as an object with a method (no per-connection closure kept while idle). */
class Exporter13 implements SessionSecrets {
  constructor(
    private readonly provider: CryptoProvider,
    private readonly hash: HashAlgorithm,
    private readonly exporterMasterSecret: Uint8Array,
  ) {}

  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    const secret = this.exporterMasterSecret;
    return exportKeyingMaterial(this.provider, this.hash, secret, label, context ?? new Uint8Array(0), length);
  }
}
