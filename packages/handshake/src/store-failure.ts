/**
 * Server resumption hooks that may fail without failing the connection. Keeping a session, opening
 * or issuing a ticket are optional steps: RFC 5246 §7.4.1.2 lets the server decline to cache a
 * session, RFC 8446 §4.6.1 makes tickets optional ("MAY send"), and a ticket or session id the
 * server cannot open only means a full handshake (RFC 5077 §3.4, RFC 8446 §4.2.11). So a store or
 * ticket key provider that throws, rejects or returns an unusable key skips the step, and the
 * application hears of it through a `sessionStoreError` event (OpenSSL likewise ignores a failing
 * new_session_cb).
 * @module
 */
import { isPromiseLike, type MaybePromise, TlsAlert } from '@sslsocket/suites';
import type { ConnectionCore } from './core.js';
import { SessionStoreError } from './errors.js';

/**
 * `step()`, or `fallback` when it throws or rejects; the failure is emitted as a
 * `sessionStoreError` event. Wrap only calls into the application's hooks (and their decoding),
 * never checks of the peer's input, whose alerts must still end the handshake.
 */
export function skipOnStoreFailure<T>(
  core: ConnectionCore,
  operation: SessionStoreError['operation'],
  step: () => MaybePromise<T>,
  fallback: T,
): MaybePromise<T> {
  const skip = (failure: unknown): T => {
    // storeCall wrapped the hook's error in an internal_error alert naming the hook: keep its
    // message, and the hook's own error as the cause.
    const wrapped = failure instanceof TlsAlert && failure.description === 'internal_error';
    const message = failure instanceof Error ? failure.message : String(failure);
    const cause = wrapped && failure.cause !== undefined ? failure.cause : failure;
    core.emit({ type: 'sessionStoreError', error: new SessionStoreError(operation, message, { cause }) });
    return fallback;
  };
  let result: MaybePromise<T>;
  try {
    result = step();
  } catch (failure) {
    return skip(failure);
  }
  return isPromiseLike(result) ? Promise.resolve(result).catch(skip) : result;
}
