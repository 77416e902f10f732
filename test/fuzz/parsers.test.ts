// Property fuzzing of the other parsers: record framing and handshake reassembly, certificates,
// CRLs, PEM, PKCS#8 keys, DH parameters, the OpenSSL cipher-string parser and the Erlang option
// validator. Any input yields a value or a typed error, never another exception.
import { readFileSync } from 'node:fs';
import {
  decodePem,
  encodePem,
  generateCaChain,
  parseCertificate,
  parseCrl,
  parseDhParameters,
  parsePrivateKey,
} from '@sslsocket/pkix';
import { HandshakeReassembler, RecordReader } from '@sslsocket/record';
import { parseCipherString, parseTls13CipherSuites } from '@sslsocket/suites';
import * as fc from 'fast-check';
import { validateClientOptions, validateServerOptions } from 'sslsocket';
import { describe, expect, it } from 'vitest';
import { inputs, runs, valueOrTyped } from './arbitraries.js';
import { realFlights } from './seeds.js';

const vectors = new URL('../../test-vectors/pkix/', import.meta.url);
const pemFile = (name: string): string => readFileSync(new URL(name, vectors), 'utf8');
const derOf = (pem: string): Uint8Array => (decodePem(pem)[0] as { der: Uint8Array }).der;

const chain = await generateCaChain({ altNames: ['server.test'] });
const certificates = [chain.ca.certificateDer, chain.leaf.certificateDer, derOf(pemFile('certs/ed-leaf.pem'))];
const crls = ['crls/crl-root.pem', 'crls/crl-inter-revoked.pem'].map((f) => derOf(pemFile(f)));
const keys = [derOf(chain.leaf.keyPem)];
const dhParams = [derOf(pemFile('dhparam-ffdhe2048.pem'))];
const flights = await realFlights();

describe('record framing under fuzzing', () => {
  it('the record reader returns records or throws a TlsAlert, however the bytes are split', () => {
    const seeds = flights.records.length > 0 ? flights.records : [new Uint8Array(5)];
    fc.assert(
      fc.property(fc.array(inputs(seeds, 300), { minLength: 1, maxLength: 6 }), (chunks) => {
        const reader = new RecordReader();
        try {
          for (const chunk of chunks) {
            reader.feed(chunk);
            for (let record = reader.next(); record !== null; record = reader.next()) {
              expect(record).not.toBeInstanceOf(Promise);
            }
          }
        } catch (error) {
          expect((error as Error).name).toBe('TlsAlert');
        }
      }),
      { numRuns: runs },
    );
  });

  it('the handshake reassembler returns messages or throws a TlsAlert, within its size limit', () => {
    const seeds = flights.messages.map((m) => {
      const out = new Uint8Array(4 + m.body.length);
      out[0] = m.type;
      out[1] = m.body.length >> 16;
      out[2] = (m.body.length >> 8) & 0xff;
      out[3] = m.body.length & 0xff;
      out.set(m.body, 4);
      return out;
    });
    fc.assert(
      fc.property(fc.array(inputs(seeds.length > 0 ? seeds : [new Uint8Array(4)], 400), { maxLength: 5 }), (parts) => {
        const reassembler = new HandshakeReassembler(1024);
        try {
          for (const part of parts) {
            reassembler.push(part);
            for (let m = reassembler.next(); m !== null; m = reassembler.next()) {
              expect(m.body.length).toBeLessThanOrEqual(1024);
              expect(m.raw.length).toBe(m.body.length + 4);
            }
          }
        } catch (error) {
          expect((error as Error).name).toBe('TlsAlert');
        }
      }),
      { numRuns: runs },
    );
  });
});

describe('PKIX parsers under fuzzing', () => {
  it('certificates: a parsed certificate or a CertificateError', () => {
    fc.assert(
      fc.property(inputs(certificates, 800), (der) => {
        const parsed = valueOrTyped(() => parseCertificate(der), ['CertificateError']);
        if (parsed !== undefined) expect(parsed.der ?? der).toBeDefined();
      }),
      { numRuns: runs },
    );
  });

  it('CRLs: a parsed CRL or a typed error', () => {
    fc.assert(
      fc.property(inputs(crls, 800), (der) => {
        valueOrTyped(() => parseCrl(der), ['CertificateError', 'PemError']);
      }),
      { numRuns: runs },
    );
  });

  it('PEM: blocks or a PemError; encoded blocks decode to themselves', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.uint8Array({ maxLength: 200 }).map((der) => encodePem('CERTIFICATE', der)),
          inputs(
            certificates.map((c) => new TextEncoder().encode(encodePem('CERTIFICATE', c))),
            2000,
          ).map((b) => new TextDecoder().decode(b)),
        ),
        (text) => {
          const blocks = valueOrTyped(() => decodePem(text), ['PemError']);
          for (const block of blocks ?? []) {
            const again = decodePem(encodePem(block.label, block.der));
            expect(again).toHaveLength(1);
            expect(Buffer.from((again[0] as { der: Uint8Array }).der).equals(Buffer.from(block.der))).toBe(true);
          }
        },
      ),
      { numRuns: runs },
    );
  });

  it('PKCS#8 and other private keys: a key or a typed error', () => {
    fc.assert(
      fc.property(inputs(keys, 400), fc.option(fc.string({ maxLength: 8 })), (der, password) => {
        valueOrTyped(() => parsePrivateKey(der, password ?? undefined), ['PemError']);
      }),
      { numRuns: runs },
    );
  });

  it('DH parameters: parameters or a typed error', () => {
    fc.assert(
      fc.property(inputs(dhParams, 600), (der) => {
        valueOrTyped(() => parseDhParameters(der), ['CertificateError', 'PemError']);
      }),
      { numRuns: runs },
    );
  });
});

describe('fuzzing findings', () => {
  it('a PKCS#8 structure with a broken inner schema is a PemError, not a bare pkijs Error', () => {
    // [48,0,135,...]: an empty SEQUENCE followed by junk, found by the PKCS#8 property above.
    const der = Uint8Array.from([48, 0, 135, 2, 1, 0, 48, 19, 6, 7, 42, 134, 72, 206, 61, 2, 1]);
    expect(() => parsePrivateKey(der)).toThrow(expect.objectContaining({ name: 'PemError' }));
  });
});

describe('cipher-string findings', () => {
  it("a selector named like an Object.prototype member ('valueOf', 'constructor') selects nothing", () => {
    for (const name of ['valueOf', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(() => parseCipherString(name)).toThrow(expect.objectContaining({ name: 'CipherStringError' }));
      expect(parseCipherString(`${name}:ECDHE-ECDSA-AES128-GCM-SHA256`)).toHaveLength(1);
    }
  });
});

describe('configuration parsers under fuzzing', () => {
  const words = [
    'ALL',
    'DEFAULT',
    'HIGH',
    'aRSA',
    'ECDHE',
    '!aNULL',
    '+SHA',
    '-RSA',
    '@STRENGTH',
    'AESGCM',
    'COMPLEMENTOFALL',
  ];
  it('cipher strings: suites or a typed error', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 60 }),
          fc.array(fc.constantFrom(...words, ':', '+', '!', '-', ''), { maxLength: 8 }).map((w) => w.join(':')),
        ),
        (text) => {
          valueOrTyped(() => parseCipherString(text), ['CipherStringError', 'UnknownCipherSuiteError']);
          valueOrTyped(() => parseTls13CipherSuites(text), ['CipherStringError', 'UnknownCipherSuiteError']);
        },
      ),
      { numRuns: runs },
    );
  });

  it('the Erlang option validator: the options or an OptionError', () => {
    const names = [
      'versions',
      'verify',
      'ciphers',
      'active',
      'depth',
      'handshakeTimeoutMs',
      'maxHandshakeSize',
      'eccs',
      'alpnAdvertisedProtocols',
      'serverNameIndication',
      'sessionTickets',
      'packet',
      'mode',
      'nope',
    ];
    const values = fc.oneof(
      fc.anything({ maxDepth: 2 }),
      fc.constantFrom('tlsv1.3', 'verify_none', 'verify_peer', 'once', 'binary', ['tlsv1.2'], ['h2'], -1, 0, 1e9),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), values, { maxKeys: 4 }), (options) => {
        valueOrTyped(() => validateClientOptions(options as never), ['OptionError']);
        valueOrTyped(() => validateServerOptions(options as never), ['OptionError']);
      }),
      { numRuns: runs },
    );
  });
});
