import type { Duplex } from 'node:stream';
import { PlatformDuplex } from '#platform';
import { SocketStateError } from './errors.js';
import type { SslSocket } from './ssl-socket.js';

/**
 * A Node `stream.Duplex` over an SslSocket, so Node's HTTP stack runs over sslsocket:
 * `https.request({ createConnection: () => toDuplex(socket) })` or
 * `http.createServer().emit('connection', toDuplex(socket))`.
 *
 * @example
 * const duplex = toDuplex(await connect('127.0.0.1', 8443, options));
 */
export function toDuplex(socket: SslSocket): Duplex {
  let reading = false;
  const duplex: Duplex = new PlatformDuplex({
    read() {
      if (reading) return;
      reading = true;
      void (async () => {
        try {
          for (;;) {
            const chunk = await socket.recv(0);
            if (!duplex.push(chunk)) break;
          }
        } catch (error) {
          if (error instanceof SocketStateError && error.reason === 'closed') duplex.push(null);
          else duplex.destroy(error as Error);
        } finally {
          reading = false;
        }
      })();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.send(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)).then(() => callback(), callback);
    },
    final(callback) {
      socket.shutdown('write').then(() => callback(), callback);
    },
    destroy(error, callback) {
      socket.close({ timeoutMs: 1000 }).then(
        () => callback(error),
        () => callback(error),
      );
    },
  });
  // Node's HTTP code reads these from sockets.
  const remote = socket.peername();
  Object.assign(duplex, {
    remoteAddress: remote?.address,
    remotePort: remote?.port,
    encrypted: true,
    setNoDelay: () => duplex,
    setKeepAlive: () => duplex,
    setTimeout: () => duplex,
  });
  return duplex;
}
