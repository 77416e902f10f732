// The listener's and the connection's limits, over TCP: handshake timeout for slow or silent
// peers, idleTimeoutMs for established ones, maxConcurrentHandshakes and maxQueued.
import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, collect, ourClient, ourServer, rawConnect, record, records, sleep } from '../support/peers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('limits against slow and idle peers', () => {
  it('a ClientHello then silence, and a byte every 50 ms, are cut by the handshake timeout', async () => {
    const server = await ourServer(cleanup, { handshakeTimeoutMs: 400 });
    const hello = record(22, Uint8Array.of(1, 0, 1, 0, 3, 3, ...new Uint8Array(40)), 0x0301);
    for (const slow of [false, true]) {
      const started = Date.now();
      const accepted = server.accept().catch((error: unknown) => error);
      const raw = await rawConnect(server.address.port, cleanup);
      let timer: ReturnType<typeof setInterval> | undefined;
      if (slow) {
        let at = 0;
        timer = setInterval(() => raw.writable && raw.write(hello.subarray(at, ++at)), 50);
      } else raw.write(hello.subarray(0, 30));
      expect(await accepted).toMatchObject({ name: 'TimeoutError' });
      clearInterval(timer);
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);
      // The server released the connection: the peer sees its end.
      await new Promise<void>((resolve) => {
        if (raw.readableEnded || raw.destroyed) resolve();
        raw.once('end', () => resolve());
        raw.once('close', () => resolve());
        raw.resume();
      });
    }
  });

  it('the handshake timeout is told to the peer: user_canceled then close_notify, then FIN', async () => {
    const server = await ourServer(cleanup, { handshakeTimeoutMs: 300 });
    // #21: a connection that sent nothing never reaches the handshake: it gets a plain close from
    // the pre-hello stage (helloTimeoutMs, here the shorter handshakeTimeoutMs), no TLS record —
    // without a ClientHello there is no record version to answer in, and OpenSSL and node:tls close
    // such a connection the same way. One that sent part of a ClientHello is a TLS peer and gets
    // the alerts (RFC 8446 §6.1).
    for (const sent of [new Uint8Array(0), record(22, Uint8Array.of(1, 0, 1, 0, 3, 3), 0x0301)]) {
      const accepted = server.accept().catch((error: unknown) => error);
      const raw = await rawConnect(server.address.port, cleanup);
      const received = collect(raw);
      if (sent.length > 0) raw.write(sent);
      expect(await accepted).toMatchObject({ name: 'TimeoutError' });
      const reply = records(await received).map((r) => Array.from(r.fragment));
      expect(reply).toEqual(
        sent.length === 0
          ? []
          : [
              [1, 90],
              [1, 0],
            ],
      );
    }
  });

  it('idleTimeoutMs ends a quiet connection with close_notify', async () => {
    const server = await ourServer(cleanup, { idleTimeoutMs: 200 });
    const accepted = server.accept();
    const client = await ourClient(server.address.port);
    const socket = await accepted;
    expect(await socket.recv(0).catch((error: unknown) => error)).toMatchObject({ name: 'TimeoutError' });
    // The client sees an orderly close, not a truncation.
    expect(await client.recv(0, 2000).catch((error: unknown) => error)).toMatchObject({ reason: 'closed' });
    expect(client.connectionInformation().peerClose).toBe('close_notify');
    await client.close({ timeoutMs: 200 });
  });

  it('idleTimeoutMs closes a quiet established connection and spares a chatty one', async () => {
    const server = await ourServer(cleanup, { idleTimeoutMs: 300 });
    const acceptedQuiet = server.accept();
    const quiet = await ourClient(server.address.port);
    const quietServer = await acceptedQuiet;
    const acceptedChatty = server.accept();
    const chatty = await ourClient(server.address.port);
    const chattyServer = await acceptedChatty;
    const started = Date.now();
    const quietEnd = quietServer.recv(0).catch((error: unknown) => error);
    for (let i = 0; i < 8; i++) {
      await chatty.send('.');
      expect((await chattyServer.recv(1, 1000)).length).toBe(1);
      await sleep(100);
    }
    const failure = await quietEnd;
    expect(failure).toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await expect(quiet.recv(0, 2000)).rejects.toBeInstanceOf(Error);
    await chatty.close({ timeoutMs: 200 });
    await chattyServer.close({ timeoutMs: 200 });
    await quiet.close({ timeoutMs: 200 });
  });

  it('maxConcurrentHandshakes: a handshake beyond the bound is refused at once', async () => {
    const server = await ourServer(cleanup, { maxConcurrentHandshakes: 2, handshakeTimeoutMs: 3000 });
    const running = [server.accept(), server.accept()].map((p) => p.catch((error: unknown) => error));
    // #21: a connection takes a slot once it has sent something (silent ones wait before that).
    const hello = record(22, Uint8Array.of(1, 0, 1, 0, 3, 3), 0x0301);
    for (let i = 0; i < 3; i++) (await rawConnect(server.address.port, cleanup)).write(hello);
    await sleep(100);
    const started = Date.now();
    const third = await server.accept().catch((error: unknown) => error);
    expect(third).toMatchObject({ name: 'SocketStateError', reason: 'einval' });
    expect(Date.now() - started).toBeLessThan(1000);
    // The two silent ones still end at their handshake timeout.
    for (const result of await Promise.all(running)) expect(result).toMatchObject({ name: 'TimeoutError' });
  });

  it('maxQueued: connections beyond the queue bound are reset on arrival', async () => {
    const server = await ourServer(cleanup, { maxQueued: 2 });
    const sockets = await Promise.all(Array.from({ length: 6 }, () => rawConnect(server.address.port, cleanup)));
    const ended = await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<number>((resolve) => {
            socket.once('close', () => resolve(1));
            socket.once('end', () => resolve(1));
            socket.resume();
            setTimeout(() => resolve(0), 800);
          }),
      ),
    );
    expect(ended.reduce((a, b) => a + b, 0)).toBe(4);
  });
});
