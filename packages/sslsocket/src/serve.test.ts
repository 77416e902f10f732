import * as net from 'node:net';
import { generateCaChain } from '@sslsocket/pkix';
import { TlsAlert } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import { connect, listen, TimeoutError } from './index.js';

describe('SslListenSocket.serve()', () => {
  it('a plain-HTTP client and an idle TCP client neither stop nor stall the server; handler errors stay local', async () => {
    const { ca, leaf } = await generateCaChain();
    const server = await listen(0, {
      host: '127.0.0.1',
      cert: leaf.certificatePem,
      key: leaf.keyPem,
      handshakeTimeoutMs: 2000,
    });
    const errors: Error[] = [];
    let served = 0;
    const serving = server.serve(
      async (socket) => {
        served++;
        const request = new TextDecoder().decode(await socket.recv(0, 5000));
        if (request === 'throw') throw new Error('handler failed');
        await socket.send(`echo ${request}`);
        await socket.close();
      },
      { onError: (error) => errors.push(error) },
    );
    const { port } = server.address;
    // An idle client first: with one-at-a-time handshakes everyone behind it would wait 2 s.
    const idle = net.connect(port, '127.0.0.1');
    // The timeout now sends user_canceled + close_notify before the FIN: read them to see the end.
    idle.resume();
    await new Promise((resolve) => idle.once('connect', resolve));
    const plain = net.connect(port, '127.0.0.1', () => plain.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    plain.on('error', () => undefined);
    plain.resume();
    const options = { cacerts: [ca.certificatePem], serverNameIndication: 'localhost', reuseSessions: false };
    const started = Date.now();
    const failing = await connect('127.0.0.1', port, options);
    await failing.send('throw');
    const client = await connect('127.0.0.1', port, options);
    await client.send('hello');
    expect(new TextDecoder().decode(await client.recv(0, 5000))).toBe('echo hello');
    expect(Date.now() - started).toBeLessThan(1500);
    await client.close();
    await new Promise((resolve) => idle.once('close', resolve));
    expect(served).toBe(2);
    expect(errors.some((e) => e instanceof TlsAlert)).toBe(true);
    expect(errors.some((e) => e instanceof TimeoutError)).toBe(true);
    expect(errors.some((e) => e.message === 'handler failed')).toBe(true);
    await server.close();
    await serving.done;
  });
});
