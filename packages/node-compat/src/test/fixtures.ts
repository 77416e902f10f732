import type { AddressInfo } from 'node:net';
import { generateCaChain } from 'sslsocket';

/** One CA and a leaf for localhost / 127.0.0.1, made once per test file. */
export interface Pki {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

let pki: Promise<Pki> | undefined;

export function testPki(): Promise<Pki> {
  pki ??= generateCaChain().then(({ ca, leaf }) => ({
    caPem: ca.certificatePem,
    certPem: leaf.certificatePem,
    keyPem: leaf.keyPem,
  }));
  return pki;
}

/** Starts a server on 127.0.0.1 with a free port; resolves with the port. */
export function listening(server: {
  listen(port: number, host: string, cb: () => void): unknown;
  address(): unknown;
}): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Resolves with the first emission of `event`. */
export function once<T = unknown>(emitter: NodeJS.EventEmitter, event: string): Promise<T> {
  return new Promise((resolve) => emitter.once(event, (value: T) => resolve(value)));
}
