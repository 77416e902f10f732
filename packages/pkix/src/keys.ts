import { ed448 } from '@noble/curves/ed448.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { PrivateKey, PublicKey } from '@sslsocket/suites';
import { children, integerValue, type Tlv } from './der.js';
import { bitStringOf, contextTag, elementsOf, expectTag, octetsOf, oidOf, readWhole, TAG } from './der-reader.js';
import { PemError } from './errors.js';
import { decryptLegacyPem } from './legacy-pem-encryption.js';
import { CURVES, OID } from './oids.js';
import { decodePem } from './pem.js';
import { decryptPkcs8 } from './pkcs8-encryption.js';

export function bytesOf(view: ArrayBuffer | Uint8Array): Uint8Array {
  return view instanceof Uint8Array ? view.slice() : new Uint8Array(view.slice(0));
}

/** An INTEGER's content octets as an unsigned bigint (key components are positive). */
function integer(bytes: Uint8Array, tlv: Tlv | undefined, what: string): bigint {
  return integerValue(bytes, expectTag(tlv, TAG.integer, what));
}

/** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1). */
function rsaPublicKey(bytes: Uint8Array): { n: bigint; e: bigint } {
  const [n, e] = elementsOf(bytes, readWhole(bytes, 'RSAPublicKey'), 'RSAPublicKey');
  return { n: integer(bytes, n, 'RSA modulus'), e: integer(bytes, e, 'RSA publicExponent') };
}

/**
 * The provider-shaped public key of a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), given as its DER.
 *
 * @example
 * const key = publicKeyFromSpki(parseCertificate(der).spki); // { kind: 'ec', curve: 'P-256', point }
 */
export function publicKeyFromSpki(spki: Uint8Array): PublicKey {
  const [algorithmTlv, keyTlv] = elementsOf(spki, readWhole(spki, 'SubjectPublicKeyInfo'), 'SubjectPublicKeyInfo');
  const [oidTlv, params] = elementsOf(spki, algorithmTlv, 'algorithm');
  const algorithm = oidOf(spki, oidTlv, 'algorithm');
  const keyBytes = bitStringOf(spki, keyTlv, 'subjectPublicKey').bits.slice();
  switch (algorithm) {
    case OID.ecPublicKey: {
      const curve = params?.tag === TAG.oid ? CURVES[oidOf(spki, params, 'namedCurve')] : undefined;
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

/** RSAPrivateKey (RFC 8017 §A.1.2): version, n, e, d, p, q, dP, dQ, qInv. */
function rsaPrivate(kind: 'rsa' | 'rsa-pss', der: Uint8Array): PrivateKey {
  const fields = elementsOf(der, readWhole(der, 'RSAPrivateKey'), 'RSAPrivateKey');
  const [n, e, d, p, q, dp, dq, qi] = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'].map((name, i) =>
    integer(der, fields[i + 1], `RSA private key ${name}`),
  ) as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
  return { kind, n, e, d, p, q, dp, dq, qi };
}

/** RFC 5915 ECPrivateKey: version, privateKey OCTET STRING, [0] parameters, [1] publicKey. */
function ecPrivate(der: Uint8Array, curveOid: string | undefined): PrivateKey {
  const items = elementsOf(der, readWhole(der, 'ECPrivateKey'), 'ECPrivateKey');
  const d = octetsOf(der, items[1], 'EC private key').slice();
  let oid = curveOid;
  let point: Uint8Array | undefined;
  for (const item of items.slice(2)) {
    const [inner] = item.tag === contextTag(0, true) || item.tag === contextTag(1, true) ? children(der, item) : [];
    if (inner === undefined) continue;
    if (item.tag === contextTag(0, true) && inner.tag === TAG.oid) oid ??= oidOf(der, inner, 'namedCurve');
    if (item.tag === contextTag(1, true) && inner.tag === TAG.bitString)
      point = bitStringOf(der, inner, 'EC public key').bits.slice();
  }
  const curve = oid === undefined ? undefined : CURVES[oid];
  if (curve === undefined) throw new PemError('unsupported or missing EC curve in private key');
  if (point === undefined) throw new PemError('EC private key without its public point is not supported');
  return { kind: 'ec', curve, d, point };
}

function edwardsPrivate(kind: 'ed25519' | 'ed448', der: Uint8Array, publicKey: Uint8Array | undefined): PrivateKey {
  // RFC 8410 §7: CurvePrivateKey ::= OCTET STRING, wrapped in the PKCS#8 privateKey OCTET STRING.
  const seed = octetsOf(der, readWhole(der, `${kind} private key`), `malformed ${kind} private key`).slice();
  // PKCS#8 v1 omits the public key; derive it so every provider can import the key (JWK needs x).
  const derived = publicKey ?? (kind === 'ed25519' ? ed25519.getPublicKey(seed) : ed448.getPublicKey(seed));
  return { kind, seed, key: derived };
}

/** A PKCS#8 PrivateKeyInfo (RFC 5208 / RFC 5958). */
function fromPkcs8(der: Uint8Array): PrivateKey {
  const [version, algorithmTlv, privateKey] = elementsOf(der, readWhole(der, 'PrivateKeyInfo'), 'PrivateKeyInfo');
  expectTag(version, TAG.integer, 'PrivateKeyInfo version');
  const [oidTlv, params] = elementsOf(der, algorithmTlv, 'privateKeyAlgorithm');
  const algorithm = oidOf(der, oidTlv, 'privateKeyAlgorithm');
  const inner = octetsOf(der, privateKey, 'privateKey').slice();
  switch (algorithm) {
    case OID.rsaEncryption:
      return rsaPrivate('rsa', inner);
    case OID.rsassaPss:
      return rsaPrivate('rsa-pss', inner);
    case OID.ecPublicKey: {
      return ecPrivate(inner, params?.tag === TAG.oid ? oidOf(der, params, 'namedCurve') : undefined);
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
    // Any other error while reading the structure means a malformed key: a PemError,
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
