import type { DhParameters } from '@sslsocket/suites';
import { children, integerValue, readTlv } from './der.js';
import { PemError } from './errors.js';
import { decodePem } from './pem.js';

/** PKCS#3 DHParameter, with the optional privateValueLength. */
export interface ParsedDhParameters extends DhParameters {
  readonly privateValueLength?: number;
}

/**
 * Parses DH parameters (Erlang's `dhfile`/`dh` options): PEM `-----BEGIN DH PARAMETERS-----` or DER,
 * PKCS#3 `DHParameter ::= SEQUENCE { prime INTEGER, base INTEGER, privateValueLength INTEGER OPTIONAL }`.
 * X9.42 parameters (`X9.42 DH PARAMETERS`, SEQUENCE { p, g, q, ... }) are read for p and g too.
 * Throws a PemError saying what is wrong.
 *
 * @example
 * const { p, g } = parseDhParameters(fs.readFileSync('dhparam.pem', 'utf8'));
 */
export function parseDhParameters(input: string | Uint8Array): ParsedDhParameters {
  let der: Uint8Array;
  let x942 = false;
  if (typeof input === 'string' || input[0] !== 0x30) {
    const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
    const block = decodePem(text).find((b) => b.label === 'DH PARAMETERS' || b.label === 'X9.42 DH PARAMETERS');
    if (block === undefined) throw new PemError('no DH PARAMETERS block found');
    der = block.der;
    x942 = block.label.startsWith('X9.42');
  } else der = input;
  const sequence = readTlv(der, 0);
  if (sequence.tag !== 0x30) throw new PemError('DH parameters: expected a SEQUENCE');
  if (sequence.end !== der.length) throw new PemError('DH parameters: trailing data after the SEQUENCE');
  const fields = children(der, sequence);
  const [prime, base, third] = fields;
  if (prime === undefined || base === undefined || prime.tag !== 0x02 || base.tag !== 0x02)
    throw new PemError('DH parameters: expected INTEGER prime and INTEGER base');
  // DER INTEGERs are two's complement: a set top bit in the first content byte is a negative number.
  for (const field of [prime, base])
    if (((der[field.contentStart] as number) & 0x80) !== 0) throw new PemError('DH parameters: negative integer');
  const p = integerValue(der, prime);
  const g = integerValue(der, base);
  if (p < 3n || (p & 1n) === 0n) throw new PemError('DH parameters: the prime must be odd and greater than 2');
  if (g < 2n || g >= p - 1n) throw new PemError('DH parameters: the generator must be between 2 and p - 2');
  // In X9.42 parameters the third INTEGER is q, not a private value length.
  if (!x942 && third !== undefined && third.tag === 0x02 && fields.length === 3) {
    return { p, g, privateValueLength: Number(integerValue(der, third)) };
  }
  return { p, g };
}
