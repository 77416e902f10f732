// Reviewer's hostile-peer checks for the ML-KEM groups: a malformed key share, on its own and after
// a HelloRetryRequest to an ML-KEM group, is illegal_parameter (RFC 8446 §4.2.8; draft-ietf-tls-mlkem
// §3: the FIPS 203 §7.2 encapsulation-key check; a ciphertext of the wrong length), never
// internal_error.
import { describe, expect, it } from 'vitest';
import { ClientConnection, ServerConnection } from './connection.js';
import { baseClient, baseServer, mutateOutgoing, pump } from './test/pair.js';
import { alertFor, clientHelloRecord, ext, u16, vec16 } from './test/wire.js';

const MLKEM768 = 0x0201;

/** A ClientHello offering only MLKEM768 with `share` as its key_exchange. */
function helloWithShare(share: number[]): Uint8Array {
  return clientHelloRecord({
    extensions: new Map([
      [10, vec16(u16(MLKEM768))],
      [51, vec16([...u16(MLKEM768), ...vec16(share)])],
    ]),
  });
}

/** Rewrites the key_exchange of the key_share extension in a ServerHello body. */
function rewriteServerShare(body: Uint8Array, change: (share: Uint8Array) => Uint8Array): Uint8Array {
  const sid = body[34] as number;
  let at = 35 + sid + 3; // suite(2) + compression(1)
  const extsStart = at + 2;
  const end = extsStart + (((body[at] as number) << 8) | (body[at + 1] as number));
  const out: number[] = [...body.subarray(0, at)];
  const exts: number[] = [];
  for (at = extsStart; at < end; ) {
    const type = ((body[at] as number) << 8) | (body[at + 1] as number);
    const len = ((body[at + 2] as number) << 8) | (body[at + 3] as number);
    const data = body.subarray(at + 4, at + 4 + len);
    if (type === 51 && data.length > 4) {
      const share = change(data.subarray(4));
      exts.push(...ext(51, [data[0] as number, data[1] as number, ...vec16([...share])]));
    } else exts.push(...ext(type, [...data]));
    at += 4 + len;
  }
  out.push(...vec16(exts));
  return Uint8Array.from(out);
}

describe('hostile ML-KEM key shares', () => {
  it('server: an MLKEM768 encapsulation key one byte short is illegal_parameter', () => {
    expect(alertFor(helloWithShare(new Array(1183).fill(1)), { groups: ['MLKEM768'] })).toBe('illegal_parameter');
  });

  it('server: an MLKEM768 encapsulation key failing the FIPS 203 modulus check is illegal_parameter', () => {
    expect(alertFor(helloWithShare(new Array(1184).fill(0xff)), { groups: ['MLKEM768'] })).toBe('illegal_parameter');
  });

  it.each([
    ['one byte short', (s: Uint8Array) => s.subarray(0, s.length - 1), 'illegal_parameter'],
    ['one byte long', (s: Uint8Array) => Uint8Array.of(...s, 0), 'illegal_parameter'],
    // key_exchange<1..2^16-1> (RFC 8446 §4.2.8): an empty one does not decode at all.
    ['empty', () => new Uint8Array(0), 'decode_error'],
  ])(
    'client after a HelloRetryRequest to MLKEM768: a ciphertext %s is %s',
    (_name, change, alert = 'illegal_parameter') => {
      const c = new ClientConnection(baseClient({ groups: ['x25519', 'MLKEM768'] }));
      const s = new ServerConnection(baseServer({ groups: ['MLKEM768', 'x25519'], honorEccOrder: true }));
      let serverHellos = 0;
      // Message type 2 is both HelloRetryRequest and ServerHello: only the second is the real one.
      mutateOutgoing(s, 2, (body) => (++serverHellos === 2 ? rewriteServerShare(body, change) : body));
      c.start();
      pump(c, s);
      expect(serverHellos).toBe(2);
      expect(c.error?.description).toBe(alert);
    },
  );

  it('client after a HelloRetryRequest to SecP256r1MLKEM768: an off-curve ECDHE half is illegal_parameter', () => {
    const c = new ClientConnection(baseClient({ groups: ['x25519', 'SecP256r1MLKEM768'] }));
    const s = new ServerConnection(baseServer({ groups: ['SecP256r1MLKEM768', 'x25519'], honorEccOrder: true }));
    let serverHellos = 0;
    mutateOutgoing(s, 2, (body) =>
      ++serverHellos === 2
        ? rewriteServerShare(body, (share) => {
            const out = share.slice();
            out[64] = (out[64] as number) ^ 1; // P-256 point (ECDHE half first): y changed
            return out;
          })
        : body,
    );
    c.start();
    pump(c, s);
    expect(c.error?.description).toBe('illegal_parameter');
  });
});
