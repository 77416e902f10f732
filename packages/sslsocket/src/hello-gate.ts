/**
 * The pre-hello stage of a TLS server: an accepted connection waits here for its first bytes before
 * it may take a handshake slot, so silent TCP connections (slowloris) cost a socket and a timer,
 * never a slot that a good client needs.
 * @module
 */
import { type Transport, TransportError } from '@sslsocket/transport';
import { TimeoutError } from './errors.js';
import { HandedBackTransport } from './handed-back-transport.js';

/** Default of `helloTimeoutMs`: see {@link HelloGate}. */
export const DEFAULT_HELLO_TIMEOUT_MS = 10_000;
/** Default of `maxPendingHellos`: see {@link HelloGate}. */
export const DEFAULT_MAX_PENDING_HELLOS = 1024;

/** Transports a gate handed back: their first bytes are in, they need no second wait. */
const greeted = new WeakSet<Transport>();

/** True for a transport {@link HelloGate.wait} resolved with. */
export function sentHello(transport: Transport): boolean {
  return greeted.has(transport);
}

/** Runs `f` after the current turn's poll phase (setTimeout 0 where there is no setImmediate). */
const afterPoll: (f: () => void) => void =
  typeof setImmediate === 'function' ? (f) => void setImmediate(f) : (f) => void setTimeout(f, 0);

/** A connection that has not sent a byte yet. */
interface Pending {
  readonly transport: Transport;
  readonly timer: ReturnType<typeof setTimeout>;
  readonly fail: (error: Error) => void;
  /**
   * Set once a whole turn of the event loop, poll phase included, has passed since the connection
   * was accepted: only then could its first bytes have been read. Until then it is not silent, only
   * unread (a burst of connections accepted in one busy turn has its ClientHellos still in the
   * kernel), and it is never dropped as the oldest.
   */
  readable: boolean;
}

/**
 * Holds accepted connections until their first bytes arrive (RFC 8446 §4.1.2 and RFC 5246 §7.4.1.2:
 * a client's first message on a new connection is its ClientHello, so an honest client sends at
 * once, within one round trip of the TCP handshake).
 *
 * - A connection that sends nothing within `timeoutMs` is closed — a plain TCP close, no alert: no
 *   TLS record came, so there is no record version to answer in and maybe no TLS peer at all (a
 *   port scanner); OpenSSL and node:tls close such a connection the same way. Its wait rejects with
 *   a TimeoutError.
 * - At most `limit` connections wait at once. A newcomer past that closes the OLDEST waiting one
 *   (its wait rejects with a TimeoutError): refusing the newcomer instead would let anyone who holds
 *   `limit` silent sockets open shut everyone else out, while dropping the oldest means an attacker
 *   must open `limit` connections faster than a good client's ClientHello arrives (one RTT).
 *   Only a connection that has had a chance to be read (a whole event-loop turn with its poll
 *   phase since it was accepted) counts as silent: when a burst of more than `limit` connections is
 *   accepted in one busy turn, the gate holds them all for that turn rather than drop honest
 *   clients whose ClientHello already waits in the kernel, so it may briefly exceed `limit` by what
 *   one turn accepts (bounded by the listen backlog).
 *
 * The first chunk read is handed back as the first read of the returned transport.
 *
 * @example
 * const gate = new HelloGate(1024, 10_000);
 * const ready = await gate.wait(transport); // rejects with TimeoutError for a silent peer
 */
export class HelloGate {
  /** Waiting connections, oldest first (a Set keeps insertion order). */
  private readonly pending = new Set<Pending>();

  constructor(
    private readonly limit: number,
    private readonly timeoutMs: number,
  ) {}

  /** Connections waiting for their first byte now (for monitoring). */
  get waiting(): number {
    return this.pending.size;
  }

  /** Closed because they sent nothing in time or were dropped as the oldest (for monitoring). */
  dropped = 0;

  /**
   * Resolves with a transport whose first read returns the first bytes the peer sent. Rejects with
   * a TimeoutError (silent for `timeoutMs`, or dropped as the oldest of a full gate), a
   * TransportError('EOF') if the peer closed before sending anything, or the transport's own error.
   */
  wait(transport: Transport): Promise<Transport> {
    if (this.pending.size >= this.limit) {
      // Entries become readable in insertion order, so the oldest is the only candidate.
      const oldest = this.pending.values().next().value as Pending;
      if (oldest.readable) {
        oldest.fail(new TimeoutError(`no ClientHello: dropped as the oldest of ${this.limit} silent connections`));
      }
    }
    return new Promise<Transport>((resolve, reject) => {
      let done = false;
      const finish = (): boolean => {
        if (done) return false;
        done = true;
        clearTimeout(entry.timer);
        this.pending.delete(entry);
        return true;
      };
      const entry: Pending = {
        transport,
        timer: setTimeout(
          () => entry.fail(new TimeoutError(`no ClientHello within ${this.timeoutMs} ms`)),
          this.timeoutMs,
        ),
        fail: (error) => {
          if (!finish()) return;
          this.dropped++;
          // Nothing was received: a plain close (see above), never an alert.
          transport.destroy();
          reject(error);
        },
        readable: false,
      };
      this.pending.add(entry);
      // setImmediate runs in the check phase after this turn's poll phase; the second one runs after
      // the next poll phase, the first in which a read of this connection can complete.
      afterPoll(() =>
        afterPoll(() => {
          entry.readable = true;
        }),
      );
      transport.read().then(
        (chunk) => {
          if (!finish()) return;
          if (chunk === null) {
            transport.destroy();
            reject(new TransportError('EOF', 'the peer closed the connection before sending a ClientHello'));
          } else {
            const ready = new HandedBackTransport(transport, [chunk], false, undefined);
            greeted.add(ready);
            resolve(ready);
          }
        },
        (error: unknown) => {
          if (!finish()) return;
          transport.destroy();
          reject(error);
        },
      );
    });
  }
}
