// #21: a server_name host_name longer than a DNS name can be (255 octets, RFC 1035 §2.3.4) is
// answered with a fatal unrecognized_name (RFC 6066 §3), as OpenSSL's s_server does
// (TLSEXT_MAXLEN_host_name); 255 bytes still go through.
import { describe, expect, it } from 'vitest';
import { decodeServerName } from './messages/extension-bodies.js';
import { alertFor, ascii, clientHelloRecord, vec16 } from './test/wire.js';

/** A host name of `length` bytes made of 63-byte labels ("aaa…a.aaa…a"). */
function longName(length: number): string {
  let name = '';
  while (name.length < length) name += name.length % 64 === 63 ? '.' : 'a';
  return name;
}

/** The server_name extension_data for one host_name entry (RFC 6066 §3). */
const sniBody = (name: string) => vec16([0, ...vec16(ascii(name))]);

describe('server_name longer than a DNS name (RFC 6066 §3, RFC 1035 §2.3.4)', () => {
  it('a 256-byte and a 509-byte (255 labels) host_name get a fatal unrecognized_name', () => {
    const labels = Array.from({ length: 255 }, () => 'a').join('.');
    expect(labels).toHaveLength(509);
    for (const name of [longName(256), labels]) {
      expect(alertFor(clientHelloRecord({ extensions: new Map([[0, sniBody(name)]]) }))).toBe('unrecognized_name');
      expect(() => decodeServerName(new Uint8Array(sniBody(name)))).toThrow(/at most 255/);
    }
  });

  it('a 255-byte host_name is accepted', () => {
    const name = longName(255);
    expect(decodeServerName(new Uint8Array(sniBody(name)))).toBe(name);
    expect(alertFor(clientHelloRecord({ extensions: new Map([[0, sniBody(name)]]) }))).toBe('none');
  });
});
