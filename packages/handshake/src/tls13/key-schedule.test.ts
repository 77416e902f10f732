import { nobleProvider as p } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes.js';
import { tv } from '../test/rfc8448.js';
import { Transcript } from '../transcript.js';
import {
  deriveSecret,
  earlySecret,
  finishedVerifyData,
  handshakeSecret,
  hkdfExpandLabel,
  masterSecret,
  resumptionPsk,
  trafficKeys,
} from './key-schedule.js';

// RFC 8448 §3 secrets, recomputed step by step from the trace's inputs.
const S = 3;
const h = 'SHA-256';
const hex = (b: Uint8Array) => toHex(b);

describe('TLS 1.3 key schedule (RFC 8448 §3)', () => {
  const ch = tv(S, 'client', 'construct a ClientHello', 'ClientHello');
  const sh = tv(S, 'server', 'construct a ServerHello', 'ServerHello');
  const shared = tv(S, 'server', 'extract secret "handshake"', 'IKM');
  const early = earlySecret(p, h);
  const hs = handshakeSecret(p, h, early, shared);
  const master = masterSecret(p, h, hs);
  const t = new Transcript(p);
  t.start(h);
  t.update(ch);
  t.update(sh);
  const helloHash = t.current();

  it('early, handshake and master secrets', () => {
    expect(hex(early)).toBe(hex(tv(S, 'server', 'extract secret "early"', 'secret')));
    expect(hex(hs)).toBe(hex(tv(S, 'server', 'extract secret "handshake"', 'secret')));
    expect(hex(master)).toBe(hex(tv(S, 'server', 'extract secret "master"', 'secret')));
  });

  it('handshake traffic secrets, keys and IVs (HKDF-Expand-Label)', () => {
    const shs = deriveSecret(p, h, hs, 's hs traffic', helloHash);
    expect(hex(deriveSecret(p, h, hs, 'c hs traffic', helloHash))).toBe(
      hex(tv(S, 'server', 'derive secret "tls13 c hs traffic"', 'expanded')),
    );
    expect(hex(shs)).toBe(hex(tv(S, 'server', 'derive secret "tls13 s hs traffic"', 'expanded')));
    const keys = trafficKeys(p, h, shs, 16);
    expect(hex(keys.key)).toBe(hex(tv(S, 'server', 'derive write traffic keys for handshake data', 'key expanded')));
    expect(hex(keys.iv)).toBe(hex(tv(S, 'server', 'derive write traffic keys for handshake data', 'iv expanded')));
    expect(hex(hkdfExpandLabel(p, h, shs, 'key', new Uint8Array(0), 16))).toBe(hex(keys.key));
  });

  it('server Finished, application secrets, resumption', () => {
    const shs = deriveSecret(p, h, hs, 's hs traffic', helloHash);
    for (const m of ['EncryptedExtensions', 'Certificate', 'CertificateVerify'])
      t.update(tv(S, 'server', `construct a ${m}`, m));
    const fin = finishedVerifyData(p, h, shs, t.current());
    expect(hex(fin)).toBe(hex(tv(S, 'server', 'calculate finished', 'finished')));
    t.update(tv(S, 'server', 'construct a Finished', 'Finished'));
    const th = t.current();
    expect(hex(deriveSecret(p, h, master, 'c ap traffic', th))).toBe(
      hex(tv(S, 'server', 'derive secret "tls13 c ap traffic"', 'expanded')),
    );
    expect(hex(deriveSecret(p, h, master, 's ap traffic', th))).toBe(
      hex(tv(S, 'server', 'derive secret "tls13 s ap traffic"', 'expanded')),
    );
    expect(hex(deriveSecret(p, h, master, 'exp master', th))).toBe(
      hex(tv(S, 'server', 'derive secret "tls13 exp master"', 'expanded')),
    );
    t.update(tv(S, 'client', 'construct a Finished', 'Finished'));
    const res = deriveSecret(p, h, master, 'res master', t.current());
    expect(hex(res)).toBe(hex(tv(S, 'client', 'derive secret "tls13 res master"', 'expanded')));
    expect(hex(resumptionPsk(p, h, res, Uint8Array.of(0, 0)))).toBe(
      hex(tv(S, 'server', 'generate resumption secret', 'expanded')),
    );
  });
});
