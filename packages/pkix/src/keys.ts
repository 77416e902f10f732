import { ed448 } from '@noble/curves/ed448.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { PrivateKey, PublicKey } from '@sslsocket/suites';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PemError } from './errors.js';
import { decryptLegacyPem } from './legacy-pem-encryption.js';
import { CURVES, OID } from './oids.js';
import { decodePem } from './pem.js';
import { decryptPkcs8 } from './pkcs8-encryption.js';

export function bytesOf(view: ArrayBuffer | Uint8Array): Uint8Array {
  return view instanceof Uint8Array ? view.slice() : new Uint8Array(view.slice(0));
}

function integer(value: asn1js.Integer): bigint {
  const bytes = value.valueBlock.valueHexView;
  let out = 0n;
  for (const byte of bytes) out = (out << 8n) | BigInt(byte);
  return out;
}

function parseDer(der: Uint8Array): asn1js.AsnType {
  const result = asn1js.fromBER(der as Uint8Array<ArrayBuffer>);
  if (result.offset === -1) throw new PemError(`malformed DER: ${result.result.error}`);
  return result.result;
}

function rsaPublicKey(bytes: Uint8Array): { n: bigint; e: bigint } {
  const key = new pkijs.RSAPublicKey({ schema: parseDer(bytes) });
  return { n: integer(key.modulus), e: integer(key.publicExponent) };
}

/** The provider-shaped public key of a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7). */
export function publicKeyFromSpki(spki: pkijs.PublicKeyInfo): PublicKey {
  const algorithm = spki.algorithm.algorithmId;
  const keyBytes = bytesOf(spki.subjectPublicKey.valueBlock.valueHexView);
  switch (algorithm) {
    case OID.ecPublicKey: {
      const params = spki.algorithm.algorithmParams as asn1js.ObjectIdentifier | undefined;
      const curve = params instanceof asn1js.ObjectIdentifier ? CURVES[params.valueBlock.toString()] : undefined;
      if (curve === undefined) throw new PemError('unsupported EC curve');
      return { kind: 'ec', curve, point: keyBytes };
    }
    case OID.rsaEncryption:
      return { kind: 'rsa', ...rsaPublicKey(keyBytes) };
    case OID.rsassaPss:
      return { kind: 'rsa-pss', ...rsaPublicKey(keyBytes) };
    case OID.ed25519:
      return { kind: 'ed25519', key: keyBytes };
    case OID.ed448:
      return { kind: 'ed448', key: keyBytes };
    default:
      throw new PemError(`unsupported public key algorithm ${algorithm}`);
  }
}

function rsaPrivate(kind: 'rsa' | 'rsa-pss', der: Uint8Array): PrivateKey {
  const key = new pkijs.RSAPrivateKey({ schema: parseDer(der) });
  return {
    kind,
    n: integer(key.modulus),
    e: integer(key.publicExponent),
    d: integer(key.privateExponent),
    p: integer(key.prime1),
    q: integer(key.prime2),
    dp: integer(key.exponent1),
    dq: integer(key.exponent2),
    qi: integer(key.coefficient),
  };
}

/** RFC 5915 ECPrivateKey, read by hand: pkijs insists on curve parameters PKCS#8 leaves out. */
function ecPrivate(der: Uint8Array, curveOid: string | undefined): PrivateKey {
  const sequence = parseDer(der);
  const items = (sequence as asn1js.Sequence).valueBlock?.value ?? [];
  const octets = items[1];
  if (!(octets instanceof asn1js.OctetString)) throw new PemError('malformed EC private key');
  let oid = curveOid;
  let point: Uint8Array | undefined;
  for (const item of items.slice(2)) {
    const tag = item.idBlock.tagNumber;
    const inner = (item as asn1js.Constructed).valueBlock.value?.[0];
    if (item.idBlock.tagClass !== 3 || inner === undefined) continue;
    if (tag === 0 && inner instanceof asn1js.ObjectIdentifier) oid ??= inner.valueBlock.toString();
    if (tag === 1 && inner instanceof asn1js.BitString) point = bytesOf(inner.valueBlock.valueHexView);
  }
  const curve = oid === undefined ? undefined : CURVES[oid];
  if (curve === undefined) throw new PemError('unsupported or missing EC curve in private key');
  if (point === undefined) throw new PemError('EC private key without its public point is not supported');
  return { kind: 'ec', curve, d: bytesOf(octets.valueBlock.valueHexView), point };
}

function edwardsPrivate(kind: 'ed25519' | 'ed448', der: Uint8Array, publicKey: Uint8Array | undefined): PrivateKey {
  // RFC 8410 §7: CurvePrivateKey ::= OCTET STRING, wrapped in the PKCS#8 privateKey OCTET STRING.
  const inner = parseDer(der);
  if (!(inner instanceof asn1js.OctetString)) throw new PemError(`malformed ${kind} private key`);
  const seed = bytesOf(inner.valueBlock.valueHexView);
  // PKCS#8 v1 omits the public key; derive it so every provider can import the key (JWK needs x).
  const derived = publicKey ?? (kind === 'ed25519' ? ed25519.getPublicKey(seed) : ed448.getPublicKey(seed));
  return { kind, seed, key: derived };
}

/** A PKCS#8 PrivateKeyInfo (RFC 5208 / RFC 5958). */
function fromPkcs8(der: Uint8Array): PrivateKey {
  const info = new pkijs.PrivateKeyInfo({ schema: parseDer(der) });
  const algorithm = info.privateKeyAlgorithm.algorithmId;
  const inner = bytesOf(info.privateKey.valueBlock.valueHexView);
  switch (algorithm) {
    case OID.rsaEncryption:
      return rsaPrivate('rsa', inner);
    case OID.rsassaPss:
      return rsaPrivate('rsa-pss', inner);
    case OID.ecPublicKey: {
      const params = info.privateKeyAlgorithm.algorithmParams as asn1js.ObjectIdentifier | undefined;
      return ecPrivate(inner, params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : undefined);
    }
    case OID.ed25519:
    case OID.ed448:
      return edwardsPrivate(algorithm === OID.ed25519 ? 'ed25519' : 'ed448', inner, undefined);
    default:
      throw new PemError(`unsupported private key algorithm ${algorithm}`);
  }
}

/**
 * Parses a private key: PEM (`PRIVATE KEY`, `ENCRYPTED PRIVATE KEY` with `password`,
 * `RSA PRIVATE KEY`, `EC PRIVATE KEY`) or PKCS#8 DER.
 *
 * @example
 * const key = parsePrivateKey(fs.readFileSync('key.pem', 'utf8'));
 */
export function parsePrivateKey(input: string | Uint8Array, password?: string): PrivateKey {
  try {
    return parseKeyInput(input, password);
  } catch (error) {
    // ASN.1 schema mismatches surface from pkijs as plain Errors: a malformed key is a PemError,
    // like every other bad key input (found by test/fuzz/parsers.test.ts).
    if (error instanceof PemError) throw error;
    throw new PemError(`malformed private key: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

function parseKeyInput(input: string | Uint8Array, password?: string): PrivateKey {
  if (input instanceof Uint8Array && input[0] === 0x30) return fromPkcs8(input);
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  for (const block of decodePem(text)) {
    switch (block.label) {
      case 'PRIVATE KEY':
        return fromPkcs8(block.der);
      case 'ENCRYPTED PRIVATE KEY':
        if (password === undefined) throw new PemError('the private key is encrypted: a password is needed');
        return fromPkcs8(decryptPkcs8(block.der, password));
      case 'RSA PRIVATE KEY':
        return rsaPrivate('rsa', decryptLegacyPem(block, password));
      case 'EC PRIVATE KEY':
        return ecPrivate(decryptLegacyPem(block, password), undefined);
      default:
        break;
    }
  }
  throw new PemError('no private key found');
}
