/**
 * RFC 6066 §4 max_fragment_length for both versions (RFC 8449 §5 and RFC 8446 §4.2 keep it in TLS
 * 1.3: offered in the ClientHello, echoed in EncryptedExtensions). One place for the codes, the
 * client's offer and check and the server's answer; the size then goes to RecordLayer.applyRecordLimits.
 * @module
 */
import { TlsAlert } from '@sslsocket/suites';
import type { ConnectionConfig } from './config.js';
import { type Extensions, ExtensionType } from './messages/extensions.js';

/** RFC 6066 §4 MaxFragmentLength codes by size. */
export const MAX_FRAGMENT_CODES: Readonly<Record<number, number>> = { 512: 1, 1024: 2, 2048: 3, 4096: 4 };
const MAX_FRAGMENT_SIZES: Readonly<Record<number, number>> = { 1: 512, 2: 1024, 3: 2048, 4: 4096 };

/** Client: adds the extension when config.maxFragmentLength asks for it (TLS 1.2 and 1.3 offers). */
export function offerMaxFragmentLength(config: ConnectionConfig, exts: Extensions): void {
  const wanted = config.maxFragmentLength;
  if (wanted !== undefined) exts.set(ExtensionType.max_fragment_length, Uint8Array.of(MAX_FRAGMENT_CODES[wanted] ?? 4));
}

/**
 * Server: the size a ClientHello's max_fragment_length asks for, checked while the ClientHello is
 * read (before anything is answered); undefined when absent or beside record_size_limit (RFC 8449 §5).
 * @throws TlsAlert illegal_parameter for a code other than 1-4 (RFC 6066 §4)
 */
export function requestedMaxFragmentLength(hello: Extensions): number | undefined {
  const mfl = hello.get(ExtensionType.max_fragment_length);
  if (mfl === undefined || hello.has(ExtensionType.record_size_limit)) return undefined;
  const size = mfl.length === 1 ? MAX_FRAGMENT_SIZES[mfl[0] as number] : undefined;
  if (size === undefined) throw new TlsAlert('illegal_parameter', 'bad max_fragment_length');
  return size;
}

/**
 * Server: echoes an accepted size in `answer` (ServerHello in TLS 1.2, EncryptedExtensions in TLS
 * 1.3) and returns it for RecordLayer.applyRecordLimits.
 */
export function echoMaxFragmentLength(size: number | undefined, answer: Extensions): number | undefined {
  if (size !== undefined)
    answer.set(ExtensionType.max_fragment_length, Uint8Array.of(MAX_FRAGMENT_CODES[size] as number));
  return size;
}

/**
 * Client: checks the server's echo and returns the size both directions keep to (RFC 6066 §4).
 * @throws TlsAlert illegal_parameter when it differs from what we asked
 */
export function acceptMaxFragmentLength(config: ConnectionConfig, echoed: Uint8Array | undefined): number | undefined {
  if (echoed === undefined) return undefined;
  const wanted = config.maxFragmentLength;
  if (wanted === undefined || echoed.length !== 1 || echoed[0] !== MAX_FRAGMENT_CODES[wanted]) {
    throw new TlsAlert('illegal_parameter', 'max_fragment_length does not match our request');
  }
  return wanted;
}
