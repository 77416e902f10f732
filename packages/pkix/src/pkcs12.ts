import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';
import type { PrivateKey } from '@sslsocket/suites';
import { children, encodeTlv, integerValue, oidValue, readTlv, type Tlv } from './der.js';
import { PemError, Pkcs12AlgorithmError } from './errors.js';
import { parsePrivateKey } from './keys.js';
import { decryptPkcs8 } from './pkcs8-encryption.js';
import { KDF_ID, pkcs12Kdf } from './pkcs12-kdf.js';

/** What a PKCS#12 file holds for a TLS endpoint: its key and certificates, the key's own first. */
export interface Pkcs12Contents {
  readonly privateKey: PrivateKey;
  /** DER, the certificate of `privateKey` first (matched by localKeyId), then the others. */
  readonly certificates: readonly Uint8Array[];
}

const OIDS = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
};

type Hash = typeof sha256;
/** The MAC digests RFC 7292 §5 / RFC 9579 use, with their block sizes v (bytes). */
const MAC_HASHES: Readonly<Record<string, [Hash, number]>> = {
  '1.3.14.3.2.26': [sha1 as unknown as Hash, 64],
  '2.16.840.1.101.3.4.2.1': [sha256, 64],
  '2.16.840.1.101.3.4.2.2': [sha384 as unknown as Hash, 128],
  '2.16.840.1.101.3.4.2.3': [sha512 as unknown as Hash, 128],
};

const malformed = (what: string): PemError => new PemError(`malformed PKCS#12: ${what}`);

function at(bytes: Uint8Array, parent: Tlv, index: number, what: string): Tlv {
  const found = children(bytes, parent)[index];
  if (found === undefined) throw malformed(`missing ${what}`);
  return found;
}

const content = (bytes: Uint8Array, tlv: Tlv): Uint8Array => bytes.subarray(tlv.contentStart, tlv.end);

/** The bytes of an `[0] EXPLICIT OCTET STRING` (DER; BER's constructed strings are refused). */
function explicitOctets(bytes: Uint8Array, wrapper: Tlv, what: string): Uint8Array {
  const inner = at(bytes, wrapper, 0, what);
  if (inner.tag !== 0x04)
    throw malformed(`${what} is not a primitive OCTET STRING (BER-encoded files are not supported)`);
  return content(bytes, inner);
}

/** RFC 7292 §5.1 macData: HMAC over the authSafe content with a key from the PKCS#12 KDF. */
function checkMac(bytes: Uint8Array, macData: Tlv, authSafe: Uint8Array, password: string): void {
  const digestInfo = at(bytes, macData, 0, 'mac');
  const algorithm = at(bytes, at(bytes, digestInfo, 0, 'mac algorithm'), 0, 'mac algorithm');
  const digest = content(bytes, at(bytes, digestInfo, 1, 'mac digest'));
  const salt = content(bytes, at(bytes, macData, 1, 'mac salt'));
  const iterationsTlv = children(bytes, macData)[2];
  const iterations = iterationsTlv === undefined ? 1 : Number(integerValue(bytes, iterationsTlv));
  const hashOid = oidValue(bytes, algorithm);
  const known = MAC_HASHES[hashOid];
  if (known === undefined) throw new PemError(`PKCS#12 MAC with an unsupported digest (${hashOid})`);
  const [hash, v] = known;
  const key = pkcs12Kdf(hash, v, password, salt, iterations, hash.outputLen, KDF_ID.mac);
  const expected = hmac(hash, key, authSafe);
  if (expected.length !== digest.length || expected.some((b, i) => b !== digest[i]))
    throw new PemError('wrong password for the PKCS#12 file (its MAC does not verify)');
}

/** EncryptedData (RFC 5652 §8) holding SafeContents, decrypted with PBES2 as PKCS#8 keys are. */
function decryptSafeContents(bytes: Uint8Array, encryptedData: Tlv, password: string): Uint8Array {
  const info = at(bytes, encryptedData, 1, 'EncryptedContentInfo');
  const algorithm = at(bytes, info, 1, 'content encryption algorithm');
  const encrypted = at(bytes, info, 2, 'encrypted content');
  // A PKCS#8 EncryptedPrivateKeyInfo has the same two parts: reuse its PBES2 decryption.
  const asPkcs8 = encodeTlv(
    0x30,
    concatBytes(bytes.subarray(algorithm.start, algorithm.end), encodeTlv(0x04, content(bytes, encrypted))),
  );
  try {
    return decryptPkcs8(asPkcs8, password);
  } catch (cause) {
    if (cause instanceof Pkcs12AlgorithmError) throw cause;
    throw new PemError(`PKCS#12 certificates: ${(cause as Error).message}`, { cause });
  }
}

function localKeyId(bytes: Uint8Array, bag: Tlv): string | undefined {
  const attributes = children(bytes, bag)[2];
  if (attributes === undefined) return undefined;
  for (const attribute of children(bytes, attributes)) {
    const [type, values] = children(bytes, attribute);
    if (type !== undefined && values !== undefined && oidValue(bytes, type) === OIDS.localKeyId) {
      return Array.from(bytes.subarray(values.start, values.end)).join(',');
    }
  }
  return undefined;
}

/**
 * Reads a PKCS#12 file (RFC 7292; node's `pfx`): checks its password MAC, decrypts the PBES2
 * (PBKDF2 + AES-CBC) parts OpenSSL 3 writes by default and the legacy PKCS#12 PBE ones
 * (`openssl pkcs12 -export -legacy`: 3DES keys, 40-bit RC2 certificates; RFC 7292 App. C), and
 * returns the private key with its certificate first. Throws PemError naming the problem: a wrong
 * password, no key, no certificate, or a malformed file; Pkcs12AlgorithmError (a PemError) for RC4,
 * or Triple-DES where the runtime has no node:crypto, with the command to export it again with AES.
 *
 * @example
 * const { privateKey, certificates } = parsePkcs12(readFileSync('server.p12'), 'secret');
 */
export function parsePkcs12(der: Uint8Array, password = ''): Pkcs12Contents {
  let pfx: Tlv;
  try {
    pfx = readTlv(der, 0);
  } catch {
    throw malformed('not DER');
  }
  const authSafeInfo = at(der, pfx, 1, 'authSafe');
  if (oidValue(der, at(der, authSafeInfo, 0, 'authSafe type')) !== OIDS.data)
    throw new PemError('PKCS#12 signed with a public key (not a password) is not supported');
  const authSafe = explicitOctets(der, at(der, authSafeInfo, 1, 'authSafe content'), 'authSafe');
  const macData = children(der, pfx)[2];
  if (macData !== undefined) checkMac(der, macData, authSafe, password);
  const keys: { key: PrivateKey; id: string | undefined }[] = [];
  const certificates: { der: Uint8Array; id: string | undefined }[] = [];
  const authSafeSequence = readTlv(authSafe, 0);
  for (const info of children(authSafe, authSafeSequence)) {
    const type = oidValue(authSafe, at(authSafe, info, 0, 'ContentInfo type'));
    const wrapper = at(authSafe, info, 1, 'ContentInfo content');
    const safeContents =
      type === OIDS.data
        ? explicitOctets(authSafe, wrapper, 'SafeContents')
        : type === OIDS.encryptedData
          ? decryptSafeContents(authSafe, at(authSafe, wrapper, 0, 'EncryptedData'), password)
          : undefined;
    if (safeContents === undefined) continue;
    for (const bag of children(safeContents, readTlv(safeContents, 0))) {
      const bagId = oidValue(safeContents, at(safeContents, bag, 0, 'bag type'));
      const value = at(safeContents, at(safeContents, bag, 1, 'bag value'), 0, 'bag value');
      const valueDer = safeContents.subarray(value.start, value.end);
      const id = localKeyId(safeContents, bag);
      if (bagId === OIDS.keyBag) keys.push({ key: parsePrivateKey(valueDer), id });
      else if (bagId === OIDS.shroudedKeyBag) keys.push({ key: parsePrivateKey(decryptPkcs8(valueDer, password)), id });
      else if (
        bagId === OIDS.certBag &&
        oidValue(safeContents, at(safeContents, value, 0, 'cert type')) === OIDS.x509Certificate
      ) {
        certificates.push({
          der: explicitOctets(safeContents, at(safeContents, value, 1, 'certificate'), 'certificate').slice(),
          id,
        });
      }
    }
  }
  const key = keys[0];
  if (key === undefined) throw new PemError('the PKCS#12 file holds no private key');
  if (certificates.length === 0) throw new PemError('the PKCS#12 file holds no certificate');
  const own = certificates.findIndex((c) => c.id !== undefined && c.id === key.id);
  const ordered = own <= 0 ? certificates : [certificates[own], ...certificates.filter((_, i) => i !== own)];
  return { privateKey: key.key, certificates: ordered.map((c) => (c as { der: Uint8Array }).der) };
}
