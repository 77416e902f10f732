/**
 * KeyUpdate in both directions (RFC 8446 §4.6.3) and the post-handshake messages both sides share.
 * @module
 */
import { type HandshakeMessageBytes, Reader } from '@sslsocket/record';
import { TlsAlert } from '@sslsocket/suites';
import type { ConnectionCore } from '../core.js';
import { frameHandshake, HandshakeType } from '../messages/handshake-type.js';
import { KeyUpdate } from '../messages/simple.js';
import { nextTrafficSecret } from './key-schedule.js';

/** KeyUpdates accepted in a row with no application data in between (a flood guard). */
const MAX_KEY_UPDATES_IN_A_ROW = 32;

/** Sends a KeyUpdate under the current write key, then switches to the next write secret. */
export function sendKeyUpdate(core: ConnectionCore, requestPeer: boolean): void {
  if (!core.handshakeComplete || core.writeSecret === undefined) {
    throw new TlsAlert('internal_error', 'KeyUpdate before the handshake completed');
  }
  if (core.writeClosed) throw new TlsAlert('internal_error', 'KeyUpdate after close');
  if (requestPeer) {
    const limit = core.config.maxUnansweredKeyUpdates ?? 4;
    if (core.unansweredKeyUpdates >= limit) {
      throw new TlsAlert('internal_error', `${limit} KeyUpdate requests are still unanswered`);
    }
    core.unansweredKeyUpdates++;
  }
  // KeyUpdate is not part of the transcript: write it directly, not through queueHandshake.
  core.record.flush();
  core.record.writeHandshakeOutsideTranscript(frameHandshake(HandshakeType.key_update, new KeyUpdate(requestPeer)));
  core.setWriteSecret(nextTrafficSecret(core.provider, core.hash, core.writeSecret));
  core.emit({ type: 'keyUpdate', direction: 'write' });
}

/** Handles a peer KeyUpdate: new read keys, and an answer when asked (RFC 8446 §4.6.3). */
export function receiveKeyUpdate(core: ConnectionCore, message: HandshakeMessageBytes): void {
  const update = KeyUpdate.decode(new Reader(message.body));
  if (++core.keyUpdatesInARow > MAX_KEY_UPDATES_IN_A_ROW) {
    throw new TlsAlert('unexpected_message', 'too many KeyUpdates without application data');
  }
  core.setReadSecret(nextTrafficSecret(core.provider, core.hash, core.readSecret as Uint8Array));
  core.emit({ type: 'keyUpdate', direction: 'read' });
  if (core.unansweredKeyUpdates > 0) core.unansweredKeyUpdates--;
  // Answer with update_not_requested, never update_requested, so the two sides cannot loop.
  if (update.requestUpdate && !core.writeClosed) sendKeyUpdate(core, false);
}
