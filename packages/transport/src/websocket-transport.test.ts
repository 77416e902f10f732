import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { fromWebSocket } from './index.js';

describe('WebSocket transport', () => {
  it('carries bytes both ways as binary messages, written before open included, and ends on close', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    server.on('connection', (ws) => {
      ws.on('message', (data: Buffer) => {
        ws.send(Buffer.concat([Buffer.from('echo:'), data]));
        ws.close(1000);
      });
    });
    const { port } = server.address() as AddressInfo;
    const transport = fromWebSocket(new WebSocket(`ws://127.0.0.1:${port}/`));
    expect(transport.write(new TextEncoder().encode('abc'))).toBe(true);
    const reply = await transport.read();
    expect(new TextDecoder().decode(reply as Uint8Array)).toBe('echo:abc');
    expect(await transport.read()).toBeNull();
    expect(transport.stats.bytesRead).toBe(8);
    await transport.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a text message fails the read with a typed error', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    server.on('connection', (ws) => ws.send('not binary'));
    const { port } = server.address() as AddressInfo;
    const transport = fromWebSocket(new WebSocket(`ws://127.0.0.1:${port}/`));
    await expect(transport.read()).rejects.toMatchObject({ name: 'TransportError', code: 'EPROTO' });
    transport.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
});
