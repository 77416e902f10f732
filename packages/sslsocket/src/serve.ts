import { type Transport, TransportError } from '@sslsocket/transport';
import { SlotLine } from './slot-line.js';
import { SlotPressure } from './slot-pressure.js';
import type { ServerOptions } from './socket-options.js';
import type { SslSocket } from './ssl-socket.js';

/** What {@link serve} needs of a listener: `SslListenSocket` has both. */
export interface ServableListener {
  transportAccept(): Promise<Transport>;
  handshakeOn(transport: Transport, extra?: ServerOptions): Promise<SslSocket>;
  /** The pre-hello stage: resolves once the peer sent its first bytes (see `SslListenSocket.awaitHello`). */
  awaitHello?(transport: Transport): Promise<Transport>;
  /** Cuts the handshake stalled on its peer longest, if any (see `SslListenSocket.cutStalledHandshake`). */
  cutStalledHandshake?(): boolean;
}

/** Options of `serve()`. */
export interface ServeOptions {
  /**
   * Told about every connection that ended in failure: a handshake that failed (a plain-HTTP
   * client gets a TlsAlert, a silent one a TimeoutError after `handshakeTimeoutMs`) or a handler
   * that threw. Default: ignored. The server carries on either way.
   */
  readonly onError?: (error: Error, socket: SslSocket | undefined) => void;
  /**
   * Handshakes in progress at once (default 128). A connection counts only once its first bytes
   * arrived (the listener's `helloTimeoutMs` / `maxPendingHellos` bound silent ones); past the
   * limit it waits in line for a slot, while accepting goes on. While anyone waits, a running
   * handshake that has waited on its peer for the listener's `minHandshakeStallMs` (default 2 s) is
   * cut (user_canceled + close_notify) to free its slot, longest stalled first; its TimeoutError
   * goes to `onError`, and `listener.queue.stalled` counts it.
   */
  readonly maxConcurrentHandshakes?: number;
  /**
   * Connections that sent their first bytes and wait in line for a handshake slot (default 1024);
   * a newcomer beyond it closes the one that has waited longest, whose error goes to `onError`.
   */
  readonly maxWaitingHandshakes?: number;
  /** Extra server options for every handshake (as `handshakeOn(transport, extra)`). */
  readonly extra?: ServerOptions;
}

/** A running `serve()` loop. */
export interface Serving {
  /** Resolves when the loop has stopped (the listener was closed). */
  readonly done: Promise<void>;
  /** Connections whose handshake is in progress now. */
  readonly handshaking: number;
}

/**
 * Accepts connections for ever and runs each handshake on its own, so one slow, silent or
 * non-TLS client never holds up the others; each established socket goes to `handler`, whose
 * errors (thrown or rejected) are reported to `onError` and close that socket only. The loop ends
 * when the listener is closed.
 *
 * This is the safe form of `for (;;) handler(await server.accept())`, which handshakes one client
 * at a time and stops at the first failed handshake.
 *
 * @example
 * const server = await listen(8443, { certfile: 'cert.pem', keyfile: 'key.pem' });
 * server.serve(async (socket) => {
 *   for await (const chunk of socket) await socket.send(chunk);
 * }, { onError: (error) => console.warn(formatError(error)) });
 */
export function serve(
  listener: ServableListener,
  handler: (socket: SslSocket) => unknown,
  options: ServeOptions = {},
): Serving {
  const limit = options.maxConcurrentHandshakes ?? 128;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('maxConcurrentHandshakes must be a positive integer');
  const slots = new SlotLine(limit, options.maxWaitingHandshakes ?? 1024);
  const report = (error: unknown, socket: SslSocket | undefined): void => {
    try {
      options.onError?.(error instanceof Error ? error : new Error(String(error)), socket);
    } catch {
      // A failing error reporter must not stop the server either.
    }
  };
  const pressure = new SlotPressure(slots, listener);
  const runHandler = async (socket: SslSocket): Promise<void> => {
    try {
      await handler(socket);
    } catch (error) {
      report(error, socket);
      await socket.close({ timeoutMs: 1000 }).catch(() => undefined);
    }
  };
  const handshake = async (transport: Transport): Promise<void> => {
    let socket: SslSocket;
    try {
      // Silent connections never take a slot: they wait in the listener's pre-hello stage.
      const ready = listener.awaitHello === undefined ? transport : await listener.awaitHello(transport);
      const slot = slots.take(ready);
      if (slots.waiting > 0) pressure.start();
      await slot;
      try {
        socket = await listener.handshakeOn(ready, options.extra);
      } finally {
        slots.release();
      }
    } catch (error) {
      report(error, undefined);
      return;
    }
    await runHandler(socket);
  };
  const loop = async (): Promise<void> => {
    for (;;) {
      let transport: Transport;
      try {
        transport = await listener.transportAccept();
      } catch (error) {
        if (error instanceof TransportError && error.code === 'CLOSED') return;
        // An accept that failed (a connection reset while queued) is that connection's problem.
        report(error, undefined);
        await new Promise((resolve) => setTimeout(resolve, 10));
        continue;
      }
      void handshake(transport);
    }
  };
  const done = loop();
  return {
    done,
    get handshaking() {
      return slots.running;
    },
  };
}
