// Runs in the browser: a TLS 1.3 client from `sslsocket` over a WebSocket to the local bridge.
import { connect, fromWebSocket } from 'sslsocket';

interface PageParameters {
  readonly bridge: string;
  readonly caPem: string;
}

async function run(parameters: PageParameters): Promise<Record<string, string>> {
  const socket = await connect(fromWebSocket(new WebSocket(parameters.bridge)), {
    host: 'localhost',
    cacerts: [parameters.caPem],
    versions: ['tlsv1.3'],
    alpnAdvertisedProtocols: ['echo/1'],
  });
  await socket.send('hello from the page');
  const echo = new TextDecoder().decode(await socket.recv(0, 10_000));
  const info = socket.connectionInformation();
  await socket.close({ timeoutMs: 1000 });
  return {
    protocol: info.protocol,
    cipher: info.selectedCipherSuite,
    group: info.negotiatedGroup ?? '-',
    alpn: info.alpn ?? '-',
    echo,
  };
}

const target = globalThis as unknown as {
  sslsocketTest: PageParameters;
  sslsocketResult?: Record<string, string> | { error: string };
  document: { body: { textContent: string | null } };
};

run(target.sslsocketTest).then(
  (result) => {
    target.sslsocketResult = result;
    target.document.body.textContent = Object.entries(result)
      .map(([key, value]) => `${key}: ${value}`)
      .join('\n');
  },
  (error: unknown) => {
    target.sslsocketResult = { error: String(error) };
    target.document.body.textContent = `error: ${String(error)}`;
  },
);
