/**
 * Decoding of a DER OCSPResponse (RFC 6960 §4.2.1) into the fields verification needs.
 * @module
 */
import { type AlgorithmIdentifier, algorithmOf } from './certificate.js';
import { children, type Tlv } from './der.js';
import {
  bitStringOf,
  contentOf,
  contextTag,
  elementsOf,
  encodingOf,
  expectTag,
  octetsOf,
  oidOf,
  readWhole,
  smallIntegerOf,
  TAG,
  timeOf,
} from './der-reader.js';
import { PemError } from './errors.js';

/** One SingleResponse: the CertID it answers for and the status (RFC 6960 §4.2.1). */
export interface SingleResponse {
  readonly hashOid: string;
  readonly issuerNameHash: Uint8Array;
  readonly issuerKeyHash: Uint8Array;
  readonly serial: Uint8Array;
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly revocationTime?: Date;
  readonly revocationReason?: number;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
}

/** A BasicOCSPResponse (RFC 6960 §4.2.1). */
export interface BasicResponse {
  /** The ResponseData's DER, what the signature covers. */
  readonly tbs: Uint8Array;
  /** ResponderID: byName (the Name's DER) or byKey (SHA-1 of the responder's key, RFC 6960 §4.2.2.3). */
  readonly responderName: Uint8Array | undefined;
  readonly responderKeyHash: Uint8Array | undefined;
  readonly producedAt: Date;
  readonly responses: readonly SingleResponse[];
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
  /** The certificates sent along (DER), where a delegated responder's is found. */
  readonly certs: readonly Uint8Array[];
}

/** OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT OPTIONAL }. */
export function decodeOcspResponse(der: Uint8Array): { status: number; type?: string; response?: Uint8Array } {
  const [status, bytes, extra] = elementsOf(der, readWhole(der, 'OCSPResponse'), 'OCSPResponse');
  if (extra !== undefined) throw new PemError('OCSPResponse: unexpected field');
  const code = smallIntegerOf(der, status, 'responseStatus', TAG.enumerated);
  if (bytes === undefined) return { status: code };
  const [inner] = elementsOf(der, bytes, 'responseBytes', contextTag(0, true));
  const [type, response] = elementsOf(der, inner, 'ResponseBytes');
  return { status: code, type: oidOf(der, type, 'responseType'), response: octetsOf(der, response, 'response') };
}

/** CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT NULL }. */
function certStatusOf(
  der: Uint8Array,
  tlv: Tlv | undefined,
): Pick<SingleResponse, 'status' | 'revocationTime' | 'revocationReason'> {
  if (tlv?.tag === contextTag(0, false)) return { status: 'good' };
  if (tlv?.tag === contextTag(2, false)) return { status: 'unknown' };
  if (tlv?.tag !== contextTag(1, true)) throw new PemError('OCSP certStatus is none of good, revoked, unknown');
  const [time, reason] = children(der, tlv);
  const revocationTime = timeOf(der, time, 'revocationTime');
  if (reason === undefined) return { status: 'revoked', revocationTime };
  const [code] = elementsOf(der, reason, 'revocationReason', contextTag(0, true));
  return {
    status: 'revoked',
    revocationTime,
    revocationReason: smallIntegerOf(der, code, 'CRLReason', TAG.enumerated),
  };
}

function singleResponseOf(der: Uint8Array, tlv: Tlv): SingleResponse {
  const [certId, status, thisUpdate, ...rest] = elementsOf(der, tlv, 'SingleResponse');
  const [hash, nameHash, keyHash, serial] = elementsOf(der, certId, 'CertID');
  const next = rest.find((field) => field.tag === contextTag(0, true));
  return {
    hashOid: algorithmOf(der, hash, 'CertID hashAlgorithm').oid,
    issuerNameHash: octetsOf(der, nameHash, 'issuerNameHash').slice(),
    issuerKeyHash: octetsOf(der, keyHash, 'issuerKeyHash').slice(),
    serial: contentOf(der, expectTag(serial, TAG.integer, 'CertID serialNumber')).slice(),
    ...certStatusOf(der, status),
    thisUpdate: timeOf(der, thisUpdate, 'thisUpdate'),
    nextUpdate: next === undefined ? undefined : timeOf(der, children(der, next)[0], 'nextUpdate'),
  };
}

/** BasicOCSPResponse ::= SEQUENCE { tbsResponseData, signatureAlgorithm, signature, certs [0] EXPLICIT OPTIONAL }. */
export function decodeBasicResponse(der: Uint8Array): BasicResponse {
  const [data, algorithm, signature, certs] = elementsOf(der, readWhole(der, 'BasicOCSPResponse'), 'BasicOCSPResponse');
  const fields = elementsOf(der, data, 'ResponseData');
  const index = fields[0]?.tag === contextTag(0, true) ? 1 : 0;
  const [responder, producedAt, responses] = fields.slice(index, index + 3);
  let responderName: Uint8Array | undefined;
  let responderKeyHash: Uint8Array | undefined;
  if (responder?.tag === contextTag(1, true)) {
    const [name] = children(der, responder);
    responderName = encodingOf(der, expectTag(name, TAG.sequence, 'ResponderID byName')).slice();
  } else {
    const [hash] = elementsOf(der, responder, 'ResponderID', contextTag(2, true));
    responderKeyHash = octetsOf(der, hash, 'ResponderID byKey').slice();
  }
  const certList =
    certs === undefined
      ? []
      : elementsOf(der, children(der, expectTag(certs, contextTag(0, true), 'certs'))[0], 'certs');
  return {
    tbs: encodingOf(der, data as Tlv).slice(),
    responderName,
    responderKeyHash,
    producedAt: timeOf(der, producedAt, 'producedAt'),
    responses: elementsOf(der, responses, 'responses').map((single) => singleResponseOf(der, single)),
    signatureAlgorithm: algorithmOf(der, algorithm, 'signatureAlgorithm'),
    signature: bitStringOf(der, signature, 'signature').bits.slice(),
    certs: certList.map((cert) => encodingOf(der, cert).slice()),
  };
}
