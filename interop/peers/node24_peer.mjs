// A node:tls peer for the ML-KEM interop cases, run by Node 24 (OpenSSL 3.5, which has every ML-KEM
// group). `server PORT CERT KEY GROUPS`: answers one line with "echo: <line>" and prints, with
// enableTrace, OpenSSL's record of the handshake (the test reads the NamedGroup of its key_share).
// `client PORT CA GROUPS`: prints "GROUP <negotiated group>" (getEphemeralKeyInfo), sends "hello",
// prints "DATA <answer>". GROUPS is a colon-separated list as `ecdhCurve` takes it.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

const [mode, port, ...rest] = process.argv.slice(2);
if (mode === 'server') {
  const [cert, key, groups] = rest;
  const server = tls.createServer(
    {
      key: readFileSync(key),
      cert: readFileSync(cert),
      ecdhCurve: groups,
      minVersion: 'TLSv1.3',
      enableTrace: true,
    },
    (socket) => {
      socket.on('data', (d) => {
        socket.end(`echo: ${String(d)}`);
        server.close();
      });
      socket.on('error', (e) => console.log(`ERROR ${e.message}`));
    },
  );
  server.on('tlsClientError', (e) => console.log(`ERROR ${e.message}`));
  server.listen(Number(port), '127.0.0.1', () => console.log('READY'));
} else {
  const [ca, groups] = rest;
  const socket = tls.connect(
    { port: Number(port), host: '127.0.0.1', servername: 'localhost', ca: readFileSync(ca), ecdhCurve: groups },
    () => {
      console.log(`GROUP ${socket.getEphemeralKeyInfo()?.name}`);
      socket.write('hello\n');
    },
  );
  socket.on('data', (d) => {
    console.log(`DATA ${String(d).trim()}`);
    socket.end();
  });
  socket.on('error', (e) => console.log(`ERROR ${e.message}`));
}
