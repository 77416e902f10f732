import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fragmentMessage, parseFragments, Reassembler } from './handshake/fragments.js';
import { decodeUseSrtp, encodeUseSrtp, SRTP_PROFILES, splitSrtpKeyingMaterial, srtpMaterialLength } from './srtp.js';

describe('handshake fragmentation and reassembly (RFC 6347 §4.2.3)', () => {
  it('reassembles any message from its fragments in any order, duplicated, exactly once', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 3000 }),
        fc.integer({ min: 1, max: 700 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (body, size, shuffle) => {
          const frags = fragmentMessage({ type: 11, seq: 0, body }, size).flatMap(parseFragments);
          const order = [...frags, ...frags.slice(0, shuffle.length % (frags.length + 1))];
          for (let i = 0; i < shuffle.length && order.length > 1; i++) {
            const a = (shuffle[i] as number) % order.length;
            [order[0], order[a]] = [order[a] as (typeof order)[0], order[0] as (typeof order)[0]];
          }
          const r = new Reassembler(1 << 20);
          const released = [];
          for (const f of order) {
            r.push(f);
            for (let m = r.next(); m !== null; m = r.next()) released.push(m);
          }
          expect(released).toHaveLength(1);
          expect(released[0]?.body).toEqual(body);
          // A fragment of a released message is 'old' (a retransmission).
          expect(r.push(frags[0] as (typeof frags)[0])).toBe('old');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('drops fragments inconsistent with earlier ones, too far ahead, or over the size limit', () => {
    const r = new Reassembler(100, 4);
    const [a] = fragmentMessage({ type: 11, seq: 0, body: new Uint8Array(50) }, 10).flatMap(parseFragments);
    expect(r.push(a as never)).toBe('new');
    const [b] = fragmentMessage({ type: 12, seq: 0, body: new Uint8Array(50) }, 10).flatMap(parseFragments);
    expect(r.push(b as never)).toBe('dropped');
    const [c] = fragmentMessage({ type: 11, seq: 4, body: new Uint8Array(5) }, 10).flatMap(parseFragments);
    expect(r.push(c as never)).toBe('dropped');
    const [d] = fragmentMessage({ type: 11, seq: 1, body: new Uint8Array(101) }, 200).flatMap(parseFragments);
    expect(r.push(d as never)).toBe('dropped');
  });

  it('stops at a truncated or overlong fragment header instead of reading past it', () => {
    const [frag] = fragmentMessage({ type: 1, seq: 0, body: new Uint8Array(20).fill(3) }, 100);
    expect(parseFragments((frag as Uint8Array).subarray(0, 25))).toEqual([]);
    const bad = (frag as Uint8Array).slice();
    bad[3] = 5; // length 5 < fragment_offset + fragment_length
    expect(parseFragments(bad)).toEqual([]);
  });
});

describe('use_srtp (RFC 5764 §4.1.1) and the SRTP keying material (§4.2)', () => {
  it('round-trips the extension and refuses an odd profile list', () => {
    const data = encodeUseSrtp([1, 7], Uint8Array.of(9));
    expect(decodeUseSrtp(data)).toEqual({ profiles: [1, 7], mki: Uint8Array.of(9) });
    expect(() => decodeUseSrtp(Uint8Array.of(0, 3, 0, 1, 0, 0))).toThrow(/decode_error/);
  });

  it('cuts client key, server key, client salt, server salt in that order', () => {
    for (const name of Object.keys(SRTP_PROFILES) as (keyof typeof SRTP_PROFILES)[]) {
      const n = srtpMaterialLength(name);
      const material = Uint8Array.from({ length: n }, (_, i) => i);
      const { keyLength: k, saltLength: s } = SRTP_PROFILES[name];
      const cut = splitSrtpKeyingMaterial(name, material);
      expect(cut.clientKey[0]).toBe(0);
      expect(cut.serverKey[0]).toBe(k);
      expect(cut.clientSalt[0]).toBe(2 * k);
      expect(cut.serverSalt[0]).toBe(2 * k + s);
      expect(cut.serverSalt.length).toBe(s);
      expect(n).toBe(2 * (k + s));
    }
  });
});
