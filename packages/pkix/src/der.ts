import { PemError } from './errors.js';

/** One DER element: its tag byte, where its content starts and where it ends (X.690 §8.1). */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

/** Reads the element at `offset`. Only single-byte tags and definite lengths, as DER requires (X.690 §10.1). */
export function readTlv(bytes: Uint8Array, offset: number): Tlv {
  const tag = bytes[offset];
  const first = bytes[offset + 1];
  if (tag === undefined || first === undefined) throw new PemError('truncated DER element');
  let length = first;
  let contentStart = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new PemError('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) {
      const byte = bytes[contentStart + i];
      if (byte === undefined) throw new PemError('truncated DER length');
      length = length * 256 + byte;
    }
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > bytes.length) throw new PemError('DER element runs past its container');
  return { tag, start: offset, contentStart, end };
}

/** The elements inside a constructed element's content. */
export function children(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readTlv(bytes, offset);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** Encodes tag + DER length + content. */
export function encodeTlv(tag: number, content: Uint8Array): Uint8Array {
  const length = content.length;
  let header: number[];
  if (length < 0x80) header = [tag, length];
  else {
    const lengthBytes: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) lengthBytes.unshift(rest & 0xff);
    header = [tag, 0x80 | lengthBytes.length, ...lengthBytes];
  }
  const out = new Uint8Array(header.length + length);
  out.set(header);
  out.set(content, header.length);
  return out;
}

/** X.690 §11.6: the elements of a DER SET OF sort by their encodings, compared as octet strings. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

/** A DER INTEGER's content as an unsigned bigint (callers reject negative values themselves). */
export function integerValue(bytes: Uint8Array, tlv: Tlv): bigint {
  let value = 0n;
  for (let i = tlv.contentStart; i < tlv.end; i++) value = (value << 8n) | BigInt(bytes[i] as number);
  return value;
}

/** An OBJECT IDENTIFIER's content in dotted form (X.690 §8.19). */
export function oidValue(bytes: Uint8Array, tlv: Tlv): string {
  const arcs: number[] = [];
  let value = 0;
  for (let i = tlv.contentStart; i < tlv.end; i++) {
    const byte = bytes[i] as number;
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}
