import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  ALL_CIPHER_SUITES,
  appendCipherSuites,
  CipherStringError,
  cipherSuites,
  eccs,
  filterCipherSuites,
  formatSuiteTable,
  groupByCode,
  groupByName,
  parseCipherString,
  parseTls13CipherSuites,
  prependCipherSuites,
  schemeByCode,
  signatureAlgs,
  strToSuite,
  suiteByCode,
  suiteToOpensslStr,
  suiteToStr,
  TLS_FALLBACK_SCSV,
  tls12SchemeForCode,
  UnknownCipherSuiteError,
  versions,
} from './index.js';

/** OpenSSL's view: code → [RFC name, OpenSSL name]. */
function opensslSuites(cipherString: string): Map<number, [string, string]> {
  const out = execFileSync('openssl', ['ciphers', '-V', '-stdname', cipherString], { encoding: 'utf8' });
  const map = new Map<number, [string, string]>();
  for (const line of out.split('\n')) {
    const match = /^\s*0x([0-9A-F]{2}),0x([0-9A-F]{2})\s+-\s+(\S+)\s+-\s+(\S+)/.exec(line);
    if (match) map.set(Number.parseInt(`${match[1]}${match[2]}`, 16), [match[3] as string, match[4] as string]);
  }
  return map;
}

describe('cipher-suite registry', () => {
  it('agrees with openssl on code, RFC name and OpenSSL name for every suite both know', () => {
    const openssl = opensslSuites('ALL:COMPLEMENTOFALL:@SECLEVEL=0');
    let compared = 0;
    for (const suite of ALL_CIPHER_SUITES) {
      const theirs = openssl.get(suite.code);
      if (theirs === undefined) continue;
      expect([suite.code, suite.name, suite.opensslName]).toEqual([suite.code, ...theirs]);
      compared++;
    }
    expect(compared).toBeGreaterThan(80);
    // Every OpenSSL suite in the families we implement must be in the registry.
    const families = /^TLS_(AES|CHACHA)|_WITH_(AES_\d+_(GCM|CCM|CBC)|CHACHA20)/;
    const excluded = /DSS|ECDH_(ECDSA|RSA)_|_DH_(RSA|DSS)_|SRP/;
    for (const [code, [rfc]] of openssl) {
      if (families.test(rfc) && !excluded.test(rfc)) expect(suiteByCode(code)?.name, rfc).toBe(rfc);
    }
  });

  it('derives record parameters from the suite name', () => {
    const gcm = strToSuite('ECDHE-RSA-AES128-GCM-SHA256');
    expect(gcm).toMatchObject({ code: 0xc02f, keyExchange: 'ecdhe', authentication: 'rsa', aead: 'AES-128-GCM' });
    expect([gcm.fixedIvLength, gcm.recordIvLength, gcm.tagLength, gcm.keyLength]).toEqual([4, 8, 16, 16]);
    const cbc = strToSuite('TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384');
    expect([cbc.cbc, cbc.macHash, cbc.macKeyLength, cbc.prfHash, cbc.recordIvLength]).toEqual([
      'AES-256-CBC',
      'SHA-384',
      48,
      'SHA-384',
      16,
    ]);
    const chacha = strToSuite('ECDHE-ECDSA-CHACHA20-POLY1305');
    expect([chacha.fixedIvLength, chacha.recordIvLength]).toEqual([12, 0]);
    const ccm8 = strToSuite('TLS_AES_128_CCM_8_SHA256');
    expect([ccm8.aead, ccm8.tagLength, ccm8.versions]).toEqual(['AES-128-CCM-8', 8, ['tlsv1.3']]);
    expect(strToSuite('TLS_PSK_DHE_WITH_AES_128_CCM_8').keyExchange).toBe('dhe_psk');
    expect(TLS_FALLBACK_SCSV.code).toBe(0x5600);
  });

  it('implements the Erlang cipher-suite functions', () => {
    expect(cipherSuites('default', 'tlsv1.3', 'rfc')).toEqual([
      'TLS_AES_256_GCM_SHA384',
      'TLS_AES_128_GCM_SHA256',
      'TLS_CHACHA20_POLY1305_SHA256',
      'TLS_AES_128_CCM_SHA256',
    ]);
    const all12 = cipherSuites('all', 'tlsv1.2');
    expect(all12.some((suite) => suite.authentication === 'anon' || suite.keyExchange.includes('psk'))).toBe(false);
    const anonymous = cipherSuites('anonymous', 'tlsv1.2', 'openssl');
    expect(anonymous).toContain('ADH-AES128-GCM-SHA256');
    expect(anonymous).toContain('PSK-AES128-GCM-SHA256');
    expect(cipherSuites('default', 'tlsv1.2').every((suite) => suite.aead !== undefined)).toBe(true);
    expect(cipherSuites('exclusive', 'tlsv1.2').some((suite) => suite.mac === 'sha')).toBe(false);
    const gcmOnly = filterCipherSuites(all12, { cipher: (c) => c.endsWith('gcm'), keyExchange: (k) => k === 'ecdhe' });
    expect(gcmOnly.map(suiteToOpensslStr)).toEqual([
      'ECDHE-ECDSA-AES256-GCM-SHA384',
      'ECDHE-RSA-AES256-GCM-SHA384',
      'ECDHE-ECDSA-AES128-GCM-SHA256',
      'ECDHE-RSA-AES128-GCM-SHA256',
    ]);
    const chachaFirst = prependCipherSuites({ cipher: (c) => c === 'chacha20_poly1305' }, all12);
    expect(chachaFirst[0]?.cipher).toBe('chacha20_poly1305');
    expect(chachaFirst.length).toBe(all12.length);
    const cbcLast = appendCipherSuites({ mac: (m) => m !== 'aead' }, all12);
    expect(cbcLast.at(-1)?.mac).not.toBe('aead');
    expect(cbcLast.length).toBe(all12.length);
    expect(suiteToStr(strToSuite('AES128-SHA'))).toBe('TLS_RSA_WITH_AES_128_CBC_SHA');
    expect(() => strToSuite('NOT-A-SUITE')).toThrow(UnknownCipherSuiteError);
  });

  it('knows groups, schemes and versions', () => {
    expect(groupByCode(0x11ec)?.name).toBe('X25519MLKEM768');
    expect(groupByName('prime256v1')?.code).toBe(23);
    expect(eccs('tlsv1.2')).not.toContain('X25519MLKEM768');
    expect(eccs('tlsv1.3')).toContain('X25519MLKEM768');
    expect(schemeByCode(0x0804)?.name).toBe('rsa_pss_rsae_sha256');
    expect(tls12SchemeForCode(0x0503)).toBe('ecdsa_sha384');
    expect(tls12SchemeForCode(0x0401)).toBe('rsa_pkcs1_sha256');
    expect(signatureAlgs('exclusive', 'tlsv1.2')).toEqual([
      'rsa_pkcs1_sha256',
      'rsa_pkcs1_sha384',
      'rsa_pkcs1_sha512',
      'ecdsa_sha1',
      'rsa_pkcs1_sha1',
    ]);
    expect(signatureAlgs('default', 'tlsv1.3')).not.toContain('rsa_pkcs1_sha1');
    expect(versions().supported).toEqual(['tlsv1.3', 'tlsv1.2']);
    expect(formatSuiteTable()).toContain('0xC02F  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  });
});

describe('OpenSSL cipher strings', () => {
  const known = new Set(ALL_CIPHER_SUITES.map((suite) => suite.code));
  for (const text of [
    'ECDHE+AESGCM',
    'HIGH:!aNULL:!PSK',
    'kRSA',
    'aRSA+SHA256',
    'ECDHE:!ECDSA',
    'AESCCM8',
    'PSK+CHACHA20',
    'ALL:-AES128:!kPSK',
    'ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA',
    'DHE+AES256:@STRENGTH',
  ]) {
    it(`'${text}' selects what openssl selects`, () => {
      const theirs = [...opensslSuites(`${text}:@SECLEVEL=0`).keys()].filter(
        (code) => known.has(code) && code >> 8 !== 0x13,
      );
      const ours = parseCipherString(text).map((suite) => suite.code);
      expect(new Set(ours)).toEqual(new Set(theirs));
    });
  }

  it('keeps explicit order, moves with +, bans with !', () => {
    expect(parseCipherString('AES256-SHA:AES128-SHA').map((s) => s.opensslName)).toEqual(['AES256-SHA', 'AES128-SHA']);
    expect(parseCipherString('AES128-SHA:AES256-SHA:+AES128').map((s) => s.opensslName)).toEqual([
      'AES256-SHA',
      'AES128-SHA',
    ]);
    expect(parseCipherString('!AES128-SHA:AES128-SHA:AES256-SHA').map((s) => s.opensslName)).toEqual(['AES256-SHA']);
    expect(() => parseCipherString('BOGUS')).toThrow(CipherStringError);
    expect(parseTls13CipherSuites('TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256').map((s) => s.code)).toEqual([
      0x1303, 0x1301,
    ]);
    expect(() => parseTls13CipherSuites('ECDHE-RSA-AES128-GCM-SHA256')).toThrow(UnknownCipherSuiteError);
  });
});
