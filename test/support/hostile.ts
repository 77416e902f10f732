// A hostile peer built from our own client: after a real handshake it writes records the engine
// would never send on its own (empty records, warning alerts, ChangeCipherSpec ...), protected
// with the connection's keys, straight to the transport.
import type { SslSocket } from 'sslsocket';

interface CoreWriter {
  writeRecords(contentType: number, data: Uint8Array): unknown;
}

/** Writes `count` records of `type` carrying `data` under the socket's current write keys. */
export function injectRecords(socket: SslSocket, type: number, data: Uint8Array, count: number): void {
  // TypeScript's `private` is not enforced at run time: the record layer's writer is reachable.
  const layer = (socket.connection as unknown as { core: { record: { writer: CoreWriter } } }).core.record;
  for (let i = 0; i < count; i++) layer.writer.writeRecords(type, data);
  const output = socket.connection.takeOutput();
  if (output !== null) socket.transport.write(output);
}

export const ContentType = { changeCipherSpec: 20, alert: 21, handshake: 22, applicationData: 23 } as const;
