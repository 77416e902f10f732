import type { Transport } from '@sslsocket/transport';

/**
 * The transport as a node TLSSocket needs it: when the peer's TCP stream ends, sslsocket releases
 * the transport (Erlang closes the socket on ssl_closed), but node lets the application still
 * write after `end` (an echo server answers what came with the peer's close). Here `close()` only
 * waits: the TLSSocket ends the write side itself (`end()` → close_notify, FIN) and destroys the
 * transport when it is done, as net.Socket does.
 */
export function halfOpen(transport: Transport): Transport {
  return new Proxy(transport, {
    get(target, property, receiver) {
      if (property === 'close') return () => target.closed;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
