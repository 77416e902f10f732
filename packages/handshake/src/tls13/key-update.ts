/**
 * KeyUpdate in both directions (RFC 8446 §4.6.3), with its accounting: a flood guard on KeyUpdates
 * received without application data between them, and a cap on our unanswered update requests.
 * Owned by the TLS 1.3 connected states.
 * @module
 */
import { type HandshakeMessageBytes, Reader } from '@sslsocket/record';
import { TlsAlert } from '@sslsocket/suites';
import type { ConnectionCore } from '../core.js';
import { ConnectionStateError } from '../errors.js';
import { frameHandshake, HandshakeType } from '../messages/handshake-type.js';
import { KeyUpdate } from '../messages/simple.js';
import { nextTrafficSecret } from './key-schedule.js';
import type { TrafficSecrets } from './traffic.js';

/**
 * KeyUpdates accepted in a row with no application data in between in either direction (a flood
 * guard). Data we send counts too: a client that downloads a long stream and rekeys periodically
 * sends nothing itself, and RFC 8446 §4.6.3 sets no limit on KeyUpdates (OpenSSL 1.1.1b and AWS-LC
 * dropped such counts for that reason), while thousands with no data at all are still cut.
 */
const MAX_KEY_UPDATES_IN_A_ROW = 32;

export class KeyUpdates {
  /** KeyUpdates received in a row with no application data between them, in either direction. */
  private inARow = 0;
  /** Our update_requested KeyUpdates not yet answered by a peer KeyUpdate. */
  private unanswered = 0;

  constructor(
    private readonly core: ConnectionCore,
    private readonly traffic: TrafficSecrets,
    /** `maxUnansweredKeyUpdates`: our update_requested KeyUpdates the peer may leave unanswered. */
    private readonly maxUnanswered = 4,
  ) {}

  /** Application data arrived or was sent: the flood guard starts again. */
  applicationData(): void {
    this.inARow = 0;
  }

  /** Sends a KeyUpdate under the current write key, then switches to the next write secret. */
  send(requestPeer: boolean): void {
    const core = this.core;
    const secret = this.traffic.writeSecret;
    if (!core.handshakeComplete || secret === undefined) {
      throw new ConnectionStateError('KeyUpdate before the handshake completed');
    }
    if (core.writeClosed) throw new ConnectionStateError('KeyUpdate after close');
    if (requestPeer) {
      const limit = this.maxUnanswered;
      if (this.unanswered >= limit) {
        throw new ConnectionStateError(`${limit} KeyUpdate requests are still unanswered`);
      }
      this.unanswered++;
    }
    // KeyUpdate is not part of the transcript: write it directly, not through queueHandshake.
    core.record.flush();
    core.record.writeHandshakeOutsideTranscript(frameHandshake(HandshakeType.key_update, new KeyUpdate(requestPeer)));
    this.traffic.setWriteSecret(nextTrafficSecret(core.provider, this.traffic.hash, secret));
    core.emit({ type: 'keyUpdate', direction: 'write' });
  }

  /** Handles a peer KeyUpdate: new read keys, and an answer when asked (RFC 8446 §4.6.3). */
  receive(message: HandshakeMessageBytes): void {
    const core = this.core;
    const update = KeyUpdate.decode(new Reader(message.body));
    if (++this.inARow > MAX_KEY_UPDATES_IN_A_ROW) {
      throw new TlsAlert('unexpected_message', 'too many KeyUpdates without application data either way');
    }
    const traffic = this.traffic;
    traffic.setReadSecret(nextTrafficSecret(core.provider, traffic.hash, traffic.readSecret as Uint8Array));
    core.emit({ type: 'keyUpdate', direction: 'read' });
    if (this.unanswered > 0) this.unanswered--;
    // Answer with update_not_requested, never update_requested, so the two sides cannot loop.
    if (update.requestUpdate && !core.writeClosed) this.send(false);
  }
}
