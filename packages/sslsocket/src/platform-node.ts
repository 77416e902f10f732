/**
 * What sslsocket takes from the runtime where Node's built-ins exist (Node, Deno, Bun): TCP, files,
 * `stream.Duplex` and the bundled root certificates. Chosen through the `#platform` import's
 * `node` / `deno` / `bun` conditions in package.json; browser bundles get `platform-web` instead,
 * so they never see a `node:` import.
 *
 * @example
 * import { connectTcp } from '#platform';
 * @module
 */
import { readFile } from 'node:fs/promises';
import { Duplex } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { connectDatagram, connectNode, listenDatagram, listenNode } from '@sslsocket/transport/node';

export {
  connectDatagram as connectUdp,
  connectNode as connectTcp,
  Duplex as PlatformDuplex,
  listenDatagram as listenUdp,
  listenNode as listenTcp,
};

/** The DTLS entry points (UDP exists here); loaded on first use. */
export function loadDtls(): Promise<typeof import('./dtls-api.js')> {
  return import('./dtls-api.js');
}

/** A file's text (certificates, keys, CRLs). */
export function readTextFile(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

/** A file's bytes (a DER OCSP response). */
export async function readBinaryFile(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path));
}

/** The runtime's root certificates (node's bundled Mozilla store; Deno's under Deno), PEM. */
export function platformRoots(): readonly string[] {
  return rootCertificates;
}

/** Appends a line to a file (SSLKEYLOGFILE). */
export { appendFileSync as appendLine } from 'node:fs';

/** An environment variable, where the runtime has them. */
export function environment(name: string): string | undefined {
  return process.env[name];
}
