/**
 * DTLS 1.2 session resumption by session id (RFC 6347 §4.2.4 Figure 2, RFC 5246 §7.3 abbreviated
 * handshake): the server keeps sessions as the TLS 1.2 engine does, in `config.sessionStore` (values
 * in the stable encoding of `session-codec.ts`) or the older `config.sessionCache`; the client offers `config.session` (a {@link Session12} from an
 * earlier `session` event). On a hit the server's flight is ServerHello, ChangeCipherSpec, Finished;
 * the client answers with ChangeCipherSpec and Finished, its last flight.
 * @module
 */
import { decodeStoredSession12, messages, type ServerSession12, type Session12 } from '@sslsocket/handshake';
import { equalBytes, saveSession12, storeCall } from '@sslsocket/handshake/tls12-kit';
import { type CipherSuite, isPromiseLike, type MaybePromise, TlsAlert } from '@sslsocket/suites';
import type { DtlsProtection } from '../record/protection.js';
import { Established, expectType } from './common.js';
import type { DtlsContext, DtlsHandshakeDriver } from './context.js';
import { type DtlsMessage, messageBytes } from './fragments.js';
import type { DtlsClientHello } from './hello.js';
import { andThen, dtlsSuites, protections, verifyData } from './keys.js';

const T = messages.HandshakeType;

/** Milliseconds on the configured clock. */
function now(ctx: DtlsContext): number {
  return ctx.config.clock?.now() ?? Date.now();
}

/** Erlang `session_lifetime` default, as the TLS engine's (seconds). */
const DEFAULT_SESSION_LIFETIME = 7200;

/** Whether the server keeps sessions by id (and so issues session ids). */
function keepsSessions(ctx: DtlsContext): boolean {
  return ctx.config.sessionStore !== undefined || ctx.config.sessionCache !== undefined;
}

/** The session kept under `id` in `sessionStore` (or the older `sessionCache`), if live. */
function lookup(ctx: DtlsContext, id: Uint8Array): MaybePromise<ServerSession12 | undefined> {
  const config = ctx.config;
  const store = config.sessionStore;
  if (store === undefined) return config.sessionCache?.get(id, now(ctx));
  // As in TLS: a failing store skips resumption (a full handshake), it does not fail the association.
  let got: MaybePromise<Uint8Array | undefined>;
  try {
    got = storeCall('session store get', () => store.get(id));
  } catch {
    got = undefined;
  }
  if (isPromiseLike(got)) got = Promise.resolve(got).catch(() => undefined);
  return andThen(got, (value) => {
    const session = value === undefined ? undefined : decodeStoredSession12(value);
    if (session === undefined) return undefined;
    // Checked here too, so a store whose expiry is coarse never resumes a stale session.
    const age = now(ctx) - session.createdAt;
    return age >= 0 && age <= (config.sessionLifetime ?? DEFAULT_SESSION_LIFETIME) * 1000 ? session : undefined;
  });
}

/**
 * Server: the kept session the ClientHello asks for, when it may be resumed: known and live, its
 * suite still offered and enabled, the same server_name (RFC 6066 §3), the policy agreeing, and
 * RFC 7627 §5.3: a session without extended master secret is not resumed when the client now
 * offers it (full handshake), and one with it is refused (handshake_failure) when the client
 * does not.
 */
export function findServerSession(ctx: DtlsContext, ch: DtlsClientHello): MaybePromise<ServerSession12 | undefined> {
  if (!keepsSessions(ctx) || ch.sessionId.length === 0) return undefined;
  return andThen(lookup(ctx, ch.sessionId), (session) => {
    if (session === undefined) return undefined;
    if (session.extendedMasterSecret && !ctx.hs.extendedMasterSecret) {
      throw new TlsAlert('handshake_failure', 'resuming an extended-master-secret session without the extension');
    }
    if (!session.extendedMasterSecret && ctx.hs.extendedMasterSecret) return undefined;
    if (!ch.cipherSuites.includes(session.cipherSuite)) return undefined;
    if (!dtlsSuites(ctx.config).some((s) => s.code === session.cipherSuite)) return undefined;
    if (session.serverName !== (ctx.hs.serverName ?? '')) return undefined;
    const policy = ctx.config.reuseSessionPolicy;
    const info = {
      sessionId: ch.sessionId,
      peerCertificates: session.peerCertificates,
      cipherSuite: session.cipherSuite,
    };
    return policy === undefined || policy(info) ? session : undefined;
  });
}

/** Server, full handshake: the session id to issue (32 random bytes) when sessions are kept. */
export function newSessionId(ctx: DtlsContext): Uint8Array {
  return keepsSessions(ctx) ? ctx.random(32) : new Uint8Array(0);
}

/**
 * Server, full handshake complete: keeps the session under the id the ServerHello carried. The
 * association does not wait for a store: a failed write only means the session is not resumable.
 */
export function storeServerSession(ctx: DtlsContext): void {
  try {
    const saved = saveServerSession(ctx);
    if (isPromiseLike(saved)) saved.then(undefined, () => undefined);
  } catch {
    // storeCall turned the store's error into a TlsAlert; the association itself is fine.
  }
}

function saveServerSession(ctx: DtlsContext): MaybePromise<void> {
  const hs = ctx.hs;
  if (!keepsSessions(ctx) || hs.sessionId.length === 0 || hs.keys === undefined || hs.resumed) return;
  return saveSession12(ctx.config, hs.sessionId, {
    cipherSuite: (hs.suite as CipherSuite).code,
    masterSecret: hs.keys.masterSecret,
    extendedMasterSecret: hs.extendedMasterSecret,
    createdAt: now(ctx),
    serverName: hs.serverName ?? '',
    alpn: hs.alpn ?? '',
    peerCertificates: hs.peerChain,
  });
}

/**
 * Server, resumed: after the ServerHello is queued, the keys from the cached master secret, our
 * ChangeCipherSpec and Finished (RFC 5246 §7.3: the server finishes first), timed as any flight
 * that awaits an answer.
 */
export function sendResumedServerFlight(ctx: DtlsContext, session: ServerSession12): DtlsHandshakeDriver {
  const hs = ctx.hs;
  hs.resumed = true;
  hs.group = undefined;
  hs.signatureScheme = undefined;
  hs.peerChain = [...session.peerCertificates];
  setResumedKeys(ctx, session.masterSecret);
  const keys = protections(ctx);
  ctx.setPendingRead(keys.client);
  ctx.queueChangeCipherSpec(keys.server);
  hs.serverVerifyData = verifyData(ctx, 'server');
  ctx.queue(T.finished, hs.serverVerifyData);
  ctx.sendFlight(true);
  return new ExpectResumedFinished('client', undefined);
}

/** Client: the session id to offer, from `config.session` when it is a TLS 1.2 session. */
export function offeredSessionId(ctx: DtlsContext): Uint8Array {
  const s = ctx.config.session;
  return s !== undefined && s.version === 'tlsv1.2' ? s.sessionId : new Uint8Array(0);
}

/**
 * Client: whether the ServerHello resumes the offered session (it echoes a non-empty id, RFC 5246
 * §7.4.1.3); then checks it keeps the session's suite and EMS (RFC 7627 §5.3), takes the keys and
 * returns the state that waits for the server's Finished.
 */
export function clientResumes(ctx: DtlsContext, sh: messages.ServerHello): DtlsHandshakeDriver | undefined {
  const s = ctx.config.session;
  if (s === undefined || s.version !== 'tlsv1.2' || s.sessionId.length === 0) return undefined;
  if (!equalBytes(s.sessionId, sh.legacySessionIdEcho)) return undefined;
  const hs = ctx.hs;
  if (sh.cipherSuite !== s.cipherSuite) {
    throw new TlsAlert('illegal_parameter', 'resumed session with a different cipher suite');
  }
  if (hs.extendedMasterSecret !== s.extendedMasterSecret) {
    throw new TlsAlert('handshake_failure', 'resumed session changes extended master secret (RFC 7627 §5.3)');
  }
  hs.resumed = true;
  hs.peerChain = [...s.peerCertificates];
  setResumedKeys(ctx, s.masterSecret);
  const keys = protections(ctx);
  ctx.setPendingRead(keys.server);
  return new ExpectResumedFinished('server', keys.client);
}

/** Client, full handshake complete: the session the server's id lets us resume later. */
export function clientSession(ctx: DtlsContext): Session12 | undefined {
  const hs = ctx.hs;
  if (hs.resumed || hs.sessionId.length === 0 || hs.keys === undefined) return undefined;
  return {
    version: 'tlsv1.2',
    sessionId: hs.sessionId,
    ticket: undefined,
    masterSecret: hs.keys.masterSecret,
    cipherSuite: (hs.suite as CipherSuite).code,
    extendedMasterSecret: hs.extendedMasterSecret,
    lifetime: 7200,
    receivedAt: now(ctx),
    serverName: hs.serverName,
    alpn: hs.alpn,
    peerCertificates: hs.peerChain,
  };
}

function setResumedKeys(ctx: DtlsContext, masterSecret: Uint8Array): void {
  const hs = ctx.hs;
  const suite = hs.suite as CipherSuite;
  hs.keys = { hash: suite.prfHash, masterSecret, clientRandom: hs.clientRandom, serverRandom: hs.serverRandom };
  ctx.keylog('CLIENT_RANDOM', hs.clientRandom, masterSecret);
}

/** The peer's ChangeCipherSpec and Finished in an abbreviated handshake. */
class ExpectResumedFinished implements DtlsHandshakeDriver {
  readonly name: string;
  constructor(
    private readonly peer: 'client' | 'server',
    /** Client: the write protection our ChangeCipherSpec installs. */
    private readonly writeKeys: DtlsProtection | undefined,
  ) {
    this.name = peer === 'server' ? 'ExpectServerFinished' : 'ExpectClientFinished';
  }

  handle(ctx: DtlsContext, message: DtlsMessage): DtlsHandshakeDriver {
    expectType(message, T.finished, this.name);
    if (!ctx.peerChangedCipherSpec) throw new TlsAlert('unexpected_message', 'Finished before ChangeCipherSpec');
    const hs = ctx.hs;
    const expected = verifyData(ctx, this.peer);
    if (!equalBytes(expected, message.body)) throw new TlsAlert('decrypt_error', 'Finished verify_data mismatch');
    hs.update(messageBytes(message));
    if (this.writeKeys !== undefined) {
      hs.serverVerifyData = expected;
      ctx.queueChangeCipherSpec(this.writeKeys);
      hs.clientVerifyData = verifyData(ctx, 'client');
      ctx.queue(T.finished, hs.clientVerifyData);
      // RFC 6347 §4.2.4: our last flight is not timed; it is resent when the server's repeats.
      ctx.sendFlight(false);
    } else {
      hs.clientVerifyData = expected;
    }
    ctx.complete();
    return new Established();
  }
}
