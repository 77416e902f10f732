import type { TransportListener } from '@sslsocket/transport';
import { SslListenSocket } from './api.js';
import { serverEngineConfig } from './engine-config.js';
import type { ServerOptions } from './socket-options.js';
import { validateServerOptions } from './validate-options.js';

/**
 * An {@link SslListenSocket} over a listener you already have (a `net.Server` adapter, a Deno
 * listener, a test double): the server options are validated and certificates, keys and ticket keys
 * loaded once, as `listen()` does, and `handshakeOn(transport)` runs handshakes on its connections
 * concurrently, all sharing one session cache and ticket keys.
 *
 * Throws OptionError for a bad option or an unreadable certificate or key file.
 *
 * @example
 * const server = await listenOn(await listenNode(0), { cert, key });
 * const socket = await server.handshakeOn(transportFromElsewhere);
 */
export async function listenOn(listener: TransportListener, options: ServerOptions): Promise<SslListenSocket> {
  validateServerOptions(options);
  return new SslListenSocket(listener, options, await serverEngineConfig(options));
}
