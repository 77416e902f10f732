/**
 * The running transcript hash (RFC 8446 §4.4.1). Before the cipher suite is known the messages are
 * buffered; `start(hash)` then hashes them. After a HelloRetryRequest the first ClientHello is
 * replaced by a synthetic message_hash message.
 * @module
 */
import type { CryptoProvider, HashAlgorithm, HashContext } from '@sslsocket/suites';

export class Transcript {
  private context: HashContext | undefined;
  private buffered: Uint8Array[] = [];

  constructor(private readonly provider: CryptoProvider) {}

  get algorithm(): HashAlgorithm | undefined {
    return this.context?.algorithm;
  }

  /** Fixes the hash; buffered messages are hashed now. Idempotent for the same hash. */
  start(hash: HashAlgorithm): void {
    if (this.context !== undefined) {
      if (this.context.algorithm !== hash) throw new Error('transcript hash changed');
      return;
    }
    this.context = this.provider.hash(hash);
    for (const m of this.buffered) this.context.update(m);
    this.buffered = [];
  }

  update(message: Uint8Array): void {
    if (this.context === undefined) this.buffered.push(message.slice());
    else this.context.update(message);
  }

  /** The hash of everything so far (the state continues). */
  current(): Uint8Array {
    if (this.context === undefined) throw new Error('transcript hash not started');
    return this.context.clone().digest();
  }

  /** Hash of the transcript plus `extra` bytes, without adding them (PSK binders). */
  currentWith(extra: Uint8Array): Uint8Array {
    if (this.context === undefined) throw new Error('transcript hash not started');
    const c = this.context.clone();
    c.update(extra);
    return c.digest();
  }

  /** An independent copy (post-handshake authentication hashes from the handshake's end). */
  fork(): Transcript {
    const copy = new Transcript(this.provider);
    copy.context = this.context?.clone();
    copy.buffered = [...this.buffered];
    return copy;
  }

  /**
   * RFC 8446 §4.4.1: after HelloRetryRequest, ClientHello1 is replaced by
   * message_hash(254) || 00 00 Hash.length || Hash(ClientHello1).
   */
  replaceWithMessageHash(): void {
    const digest = this.current();
    const hash = this.context?.algorithm as HashAlgorithm;
    this.context = this.provider.hash(hash);
    this.context.update(Uint8Array.of(254, 0, 0, digest.length));
    this.context.update(digest);
  }
}
