import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import { WebSocketServer } from 'ws';

/**
 * A local WebSocket-to-TCP bridge (what websockify does) that also serves one HTML page: each
 * WebSocket connection opens TCP to `target`, binary messages carry the bytes both ways.
 */
export async function startBridge(
  target: { host: string; port: number },
  page: { html: string; script: string },
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    if (request.url === '/client.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(page.script);
    } else {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(page.html);
    }
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => {
    const tcp = net.connect(target.port, target.host);
    tcp.on('data', (chunk) => ws.send(chunk));
    tcp.on('end', () => ws.close(1000));
    tcp.on('error', () => ws.close(1011));
    ws.on('message', (data: Buffer) => tcp.write(data));
    ws.on('close', () => tcp.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
      }),
  };
}
