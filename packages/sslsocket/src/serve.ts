import { type Transport, TransportError } from '@sslsocket/transport';
import type { ServerOptions } from './socket-options.js';
import type { SslSocket } from './ssl-socket.js';

/** What {@link serve} needs of a listener: `SslListenSocket` has both. */
export interface ServableListener {
  transportAccept(): Promise<Transport>;
  handshakeOn(transport: Transport, extra?: ServerOptions): Promise<SslSocket>;
}

/** Options of `serve()`. */
export interface ServeOptions {
  /**
   * Told about every connection that ended in failure: a handshake that failed (a plain-HTTP
   * client gets a TlsAlert, a silent one a TimeoutError after `handshakeTimeoutMs`) or a handler
   * that threw. Default: ignored. The server carries on either way.
   */
  readonly onError?: (error: Error, socket: SslSocket | undefined) => void;
  /** Handshakes in progress at once (default 128); past that, accepting waits for one to finish. */
  readonly maxConcurrentHandshakes?: number;
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
  const report = (error: unknown, socket: SslSocket | undefined): void => {
    try {
      options.onError?.(error instanceof Error ? error : new Error(String(error)), socket);
    } catch {
      // A failing error reporter must not stop the server either.
    }
  };
  let handshaking = 0;
  let slotFreed: (() => void) | undefined;
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
      socket = await listener.handshakeOn(transport, options.extra);
    } catch (error) {
      report(error, undefined);
      return;
    } finally {
      handshaking--;
      slotFreed?.();
    }
    await runHandler(socket);
  };
  const loop = async (): Promise<void> => {
    for (;;) {
      while (handshaking >= limit) {
        await new Promise<void>((resolve) => {
          slotFreed = resolve;
        });
        slotFreed = undefined;
      }
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
      handshaking++;
      void handshake(transport);
    }
  };
  const done = loop();
  return {
    done,
    get handshaking() {
      return handshaking;
    },
  };
}
