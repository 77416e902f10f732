import type { ConnectionConfig } from '@sslsocket/handshake';
import { clientEngineConfig, serverEngineConfig } from './engine-config.js';
import { TimeoutError } from './errors.js';
import type { ClientOptions, ServerOptions } from './socket-options.js';
import type { SslSocket } from './ssl-socket.js';

// How connect()/handshake() wait for a handshake: the handshake timeout, the listener's cut, and
// Erlang's `handshake: 'hello'` pause (handshake_continue / handshake_cancel). Split from api.ts.

/** Options of sockets paused by `handshake: 'hello'`, for handshakeContinue. */
const paused = new WeakMap<
  SslSocket,
  { role: 'client' | 'server'; options: ClientOptions | ServerOptions; host?: string }
>();

/** Waits for the handshake, or with `handshake: 'hello'` for the peer's hello. */
export function settled(
  socket: SslSocket,
  options: ClientOptions | ServerOptions,
  host?: string,
  cut?: Promise<never>,
): Promise<SslSocket> {
  if (options.handshake !== 'hello') return withTimeout(socket, options.handshakeTimeoutMs, socket.handshakeDone, cut);
  paused.set(socket, { role: socket.role, options, ...(host === undefined ? {} : { host }) });
  return withTimeout(socket, options.handshakeTimeoutMs, socket.helloReceived);
}

/**
 * Erlang `handshake_continue/2,3`: completes a handshake paused with `handshake: 'hello'`, with
 * options chosen from the hello (`socket.helloReceived` has its extensions).
 *
 * @example
 * const socket = await handshake(transport, { ...options, handshake: 'hello' });
 * const extensions = await socket.helloReceived;
 * await handshakeContinue(socket, { cert, key });
 */
export async function handshakeContinue(
  socket: SslSocket,
  extra: ClientOptions | ServerOptions = {},
): Promise<SslSocket> {
  const state = paused.get(socket);
  if (state === undefined) throw new TypeError('handshakeContinue: the socket was not paused with handshake: hello');
  paused.delete(socket);
  const options = { ...state.options, ...extra, handshake: 'full' as const };
  const config =
    state.role === 'server'
      ? await serverEngineConfig(options as ServerOptions)
      : await clientEngineConfig(options as ClientOptions, state.host);
  const { handshake: _pause, ...rest } = config as ConnectionConfig & { handshake?: unknown };
  await socket.continueHandshake(rest);
  return withTimeout(socket, options.handshakeTimeoutMs);
}

/** Erlang `handshake_cancel/1`: aborts a paused handshake (user_canceled) and closes the transport. */
export async function handshakeCancel(socket: SslSocket): Promise<void> {
  paused.delete(socket);
  await socket.cancelHandshake();
}

export async function withTimeout(
  socket: SslSocket,
  timeoutMs: number | undefined,
  until: Promise<unknown> = socket.handshakeDone,
  /** Rejects when the listener cuts this handshake to make room (see StallWatch): ends it as a timeout. */
  cut?: Promise<never>,
): Promise<SslSocket> {
  const limit = timeoutMs ?? 30_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`TLS handshake did not finish within ${limit} ms`)), limit);
  });
  try {
    await Promise.race([
      until,
      socket.handshakeDone.then(() => undefined),
      timeout,
      ...(cut === undefined ? [] : [cut]),
    ]);
    return socket;
  } catch (error) {
    // A timeout cancels the handshake with an alert; a failed handshake already closes itself.
    socket.abortHandshake(error as Error);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
