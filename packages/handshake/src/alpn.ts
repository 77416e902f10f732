/**
 * ALPN negotiation (RFC 7301 §3), the same for TLS 1.3 (EncryptedExtensions) and TLS 1.2
 * (ServerHello): the server picks, the client checks the pick.
 * @module
 */
import { TlsAlert } from '@sslsocket/suites';
import type { ConnectionConfig } from './config.js';
import { decodeAlpn } from './messages/extension-bodies.js';

/**
 * Server: our first protocol the client offers; undefined when either side has none, and
 * no_application_protocol when both have some but none is shared (RFC 7301 §3.2).
 */
export function selectAlpn(config: ConnectionConfig, offered: Uint8Array | undefined): string | undefined {
  if (offered === undefined || config.alpn === undefined || config.alpn.length === 0) return undefined;
  const names = decodeAlpn(offered).map((p) => new TextDecoder().decode(p));
  const chosen = config.alpn.find((p) => names.includes(p));
  if (chosen === undefined) throw new TlsAlert('no_application_protocol', 'no ALPN protocol in common');
  return chosen;
}

/** Client: the server's pick must be exactly one protocol, one we offered (RFC 7301 §3.1). */
export function acceptAlpn(config: ConnectionConfig, answer: Uint8Array | undefined): string | undefined {
  if (answer === undefined) return undefined;
  const list = decodeAlpn(answer);
  const chosen = new TextDecoder().decode(list[0]);
  if (list.length !== 1 || !(config.alpn ?? []).includes(chosen)) {
    throw new TlsAlert('illegal_parameter', 'server chose an ALPN protocol we did not offer');
  }
  return chosen;
}
