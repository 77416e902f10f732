/**
 * Resource-limit options: what one connection (CommonLimitOptions) and one listener
 * (ListenerLimitOptions) may cost, each with a safe default. Split from socket-options.ts.
 */

/** Per-connection limits, shared by clients and servers; extended by `CommonOptions`. */
export interface CommonLimitOptions {
  /**
   * Handshake timeout in ms (Erlang's handshake timeout argument; default 30 s). A peer that sends a
   * byte per second or a ClientHello and then nothing is cut when it runs out; node:tls uses 120 s,
   * ours is shorter because an honest handshake takes a few round trips.
   */
  readonly handshakeTimeoutMs?: number;
  /**
   * Closes an established connection after this many ms without a byte in either direction
   * (default: none). The pending recv() or the `error` event gets a TimeoutError.
   */
  readonly idleTimeoutMs?: number;
  /**
   * Bounds what a peer that never reads costs us per connection (default 256 KiB; units: bytes, at
   * least 1). It counts everything the socket holds for the peer: ciphertext the transport accepted
   * and has not yet passed to the operating system (`getstat().pendingWrite`; over TCP, net.Socket's
   * `writableLength`), records sealed and not yet written, and small sends gathered for the next
   * record. Once that reaches the limit, `send()` waits for the transport to drain before sealing
   * more, and a send larger than the room left is sealed in parts: so the socket never holds more
   * than the limit plus one record (2^14 bytes and its overhead, RFC 8446 §5.1); a limit below the
   * transport's own highWaterMark (16 KiB for TCP) acts as that mark, since only a write past it
   * waits for a drain. Not counted: the
   * arrays of sends still waiting (the application's own, referenced, not copied) and the kernel's
   * socket buffer. Sends keep their order and are never dropped: each one's Promise settles once
   * all its bytes were handed to the transport, or rejects when the connection failed first.
   *
   * @example
   * listen(443, { cert, key, sendQueueLimit: 64 * 1024 }); // at most 80 KiB of output per client
   */
  readonly sendQueueLimit?: number;
  /**
   * Erlang `max_handshake_size`: the largest handshake message accepted, in bytes (default 256 KiB,
   * at most 2^24 − 1 as the length field allows, RFC 8446 §4). A larger one from the peer ends the
   * handshake with illegal_parameter (as OpenSSL) as soon as its header arrives, instead of being
   * buffered; a ClientHello or ServerHello above its structural maximum (131,396 / 65,607 bytes)
   * likewise, whatever this limit.
   */
  readonly maxHandshakeSize?: number;
  /** Our record_size_limit (RFC 8449). */
  readonly recordSizeLimit?: number;
}

/** listen() robustness limits against floods and slow peers; extended by `ServerOptions`. */
export interface ListenerLimitOptions {
  /**
   * listen(): connections that may wait for `transportAccept()` (default 1024); past this a new one
   * is reset at once, so a connection flood cannot grow memory behind a slow accept loop.
   */
  readonly maxQueued?: number;
  /**
   * listen(): handshakes this listener runs at once (default 1024). A connection beyond it is
   * closed at once and its `handshake()` rejects with SocketStateError('einval'), so slow or
   * silent peers cannot hold an unbounded number of half-done handshakes — unless a running one
   * has waited on its peer for `minHandshakeStallMs`: that one is cut to make room instead.
   */
  readonly maxConcurrentHandshakes?: number;
  /**
   * listen(): ms a new connection may stay silent before its first byte (default 10 s, or
   * `handshakeTimeoutMs` if shorter). Until it sends, it holds no handshake slot; when this runs out
   * it is closed without an alert (no TLS record arrived: nothing to answer) and `handshake()`
   * rejects with a TimeoutError. An honest client sends its ClientHello right after connecting
   * (RFC 8446 §4.1.2), so 10 s is generous; node:tls has only its 120 s handshake timeout.
   */
  readonly helloTimeoutMs?: number;
  /**
   * listen(): ms a running handshake must have waited on its peer (a read outstanding, no bytes)
   * before it may be cut to make room (default 2 000). Only under pressure: when every slot
   * (`maxConcurrentHandshakes`, or `serve()`'s) is taken and another connection with bytes needs
   * one, the handshake stalled longest is cut with user_canceled + close_notify, as
   * `handshakeTimeoutMs` cuts one, and its `handshake()` rejects with a TimeoutError. A handshake
   * whose bytes keep coming, or that waits on our own work (verifyFun, SNI callback, session
   * store), is never cut. An honest peer answers each flight within a round trip (RFC 8446 §2), so a
   * client that sends a byte or a ClientHello and goes quiet cannot keep good clients out; compare
   * Apache mod_reqtimeout's minimum rate.
   */
  readonly minHandshakeStallMs?: number;
  /**
   * listen(): connections that may wait for their first byte at once (default 1024). A newcomer
   * beyond it closes the OLDEST silent one, so holding many silent sockets never locks out others.
   */
  readonly maxPendingHellos?: number;
}
