/**
 * Certificate, CertificateRequest and CertificateVerify (RFC 8446 §4.3.2, §4.4.2, §4.4.3).
 * @module
 */
import type { Reader, Writer } from '@sslsocket/record';
import { Extensions } from './extensions.js';

/** RFC 8446 §4.4.2 CertificateEntry (X.509 only; raw public keys are not negotiated). */
export interface CertificateEntry {
  readonly certData: Uint8Array;
  readonly extensions: Extensions;
}

export class Certificate {
  constructor(
    public certificateRequestContext: Uint8Array,
    public entries: CertificateEntry[],
  ) {}

  /** The DER chain, leaf first. */
  get chain(): Uint8Array[] {
    return this.entries.map((e) => e.certData);
  }

  encode(w: Writer): void {
    w.vector8(this.certificateRequestContext);
    const list = w.begin24();
    for (const e of this.entries) {
      w.vector24(e.certData);
      e.extensions.encode(w);
    }
    w.end(list);
  }

  static decode(r: Reader): Certificate {
    const context = r.vector8().slice();
    const list = r.sub24();
    const entries: CertificateEntry[] = [];
    while (!list.atEnd) {
      const certData = list.vector24(1).slice();
      entries.push({ certData, extensions: Extensions.decode(list) });
    }
    r.expectEnd('Certificate');
    return new Certificate(context, entries);
  }
}

export class CertificateRequest {
  constructor(
    public certificateRequestContext: Uint8Array,
    public extensions: Extensions,
  ) {}

  encode(w: Writer): void {
    w.vector8(this.certificateRequestContext);
    this.extensions.encode(w);
  }

  static decode(r: Reader): CertificateRequest {
    const context = r.vector8().slice();
    const extensions = Extensions.decode(r);
    r.expectEnd('CertificateRequest');
    return new CertificateRequest(context, extensions);
  }
}

export class CertificateVerify {
  constructor(
    public algorithm: number,
    public signature: Uint8Array,
  ) {}

  encode(w: Writer): void {
    w.u16(this.algorithm);
    w.vector16(this.signature);
  }

  static decode(r: Reader): CertificateVerify {
    const algorithm = r.u16();
    const signature = r.vector16(1).slice();
    r.expectEnd('CertificateVerify');
    return new CertificateVerify(algorithm, signature);
  }
}
