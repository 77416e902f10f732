/**
 * The `s_server` answers beyond echo and `-www`, as OpenSSL's s_server gives them:
 * `-WWW` serves files (relative to the working directory) for `GET /path`, and `-rev` sends each
 * received line back reversed until a line reads `CLOSE`.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import type { SslSocket } from 'sslsocket';
import type { FlagSpec } from '../args.js';

/** The flags of this file, kept apart so other s_server flags merge beside them. */
export const SERVER_MODE_FLAGS: FlagSpec[] = [
  { name: 'WWW', help: 'serve files from the working directory: GET /path answers with the file' },
  { name: 'rev', help: 'send each line back reversed; a line CLOSE ends the connection' },
];

/** The request head, up to the blank line (at most 16 KiB). */
async function readRequest(socket: SslSocket): Promise<string> {
  let request = '';
  for await (const chunk of socket) {
    request += new TextDecoder().decode(chunk);
    if (/\r?\n\r?\n/.test(request) || request.length > 16384) break;
  }
  return request;
}

function response(status: string, type: string, body: string | Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(`HTTP/1.0 ${status}\r\nContent-type: ${type}\r\n\r\n`);
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const out = new Uint8Array(head.length + bytes.length);
  out.set(head);
  out.set(bytes, head.length);
  return out;
}

/**
 * `-WWW`: `GET /path HTTP/1.x` answers with the file at `path` under `root` (text/html for .html,
 * .htm and .php, text/plain otherwise, as OpenSSL labels them). Unlike OpenSSL, which answers
 * `200 ok` with an error text, a missing file is a 404, a path leaving `root` a 403, and any other
 * request a 400, so HTTP clients see the failure.
 */
export async function serveFiles(socket: SslSocket, root: string): Promise<void> {
  const line = (await readRequest(socket)).split(/\r?\n/, 1)[0] ?? '';
  const match = /^GET \/(\S*) HTTP\/1\.[01]$/.exec(line);
  let answer: Uint8Array;
  if (match === null) answer = response('400 Bad Request', 'text/plain', `'${line}' is not a GET request\r\n`);
  else {
    const name = match[1] as string;
    const path = resolve(root, name);
    if (name.split('/').includes('..') || isAbsolute(name) || !(path === root || path.startsWith(root + sep))) {
      answer = response('403 Forbidden', 'text/plain', `'${name}' leaves the served directory\r\n`);
    } else {
      try {
        const type = /\.(html?|php)$/.test(name) ? 'text/html' : 'text/plain';
        answer = response('200 ok', type, new Uint8Array(await readFile(path)));
      } catch {
        answer = response('404 Not Found', 'text/plain', `cannot open '${name}'\r\n`);
      }
    }
  }
  await socket.send(answer);
  await socket.close({ timeoutMs: 500 });
}

/** `-rev`: each line back reversed (without its line end), until `CLOSE` or the end of input. */
export async function serveReversed(socket: SslSocket): Promise<void> {
  let pending = '';
  for await (const chunk of socket) {
    pending += new TextDecoder().decode(chunk);
    let end = pending.indexOf('\n');
    while (end !== -1) {
      const line = pending.slice(0, end).replace(/\r$/, '');
      pending = pending.slice(end + 1);
      if (line === 'CLOSE') {
        await socket.close({ timeoutMs: 500 });
        return;
      }
      await socket.send(`${[...line].reverse().join('')}\n`);
      end = pending.indexOf('\n');
    }
  }
  await socket.close({ timeoutMs: 500 });
}
