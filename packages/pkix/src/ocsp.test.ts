import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CertificateError,
  decodePem,
  parseCertificate,
  type VerifyChainOptions,
  verifyChain,
  verifyOcspResponse,
} from './index.js';

// Vectors made by `openssl ocsp` (test-vectors/pkix/make-ocsp.mjs), judged an hour after they were made.
const corpus = new URL('../../../test-vectors/pkix/', import.meta.url);
const vectors = JSON.parse(readFileSync(new URL('ocsp/ocsp.json', corpus), 'utf8')) as {
  at: number;
  cases: {
    name: string;
    response: string;
    certificate: string;
    issuer: string;
    expected: { status?: string; responder?: string; error?: string };
  }[];
};
const time = new Date((vectors.at + 3600) * 1000);
const der = (path: string): Uint8Array => new Uint8Array(readFileSync(new URL(path, corpus)));
const pemDer = (path: string): Uint8Array =>
  decodePem(readFileSync(new URL(path, corpus), 'utf8'))[0]?.der as Uint8Array;
const cert = (path: string) => parseCertificate(pemDer(path));

describe('verifyOcspResponse (RFC 6960) on openssl ocsp responses', () => {
  for (const vector of vectors.cases) {
    it(vector.name, async () => {
      const result = verifyOcspResponse(der(vector.response), cert(vector.certificate), cert(vector.issuer), { time });
      if (vector.expected.error !== undefined) {
        const error = await result.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(CertificateError);
        expect((error as CertificateError).reason).toBe('bad_ocsp_response');
        expect((error as CertificateError).alert).toBe('bad_certificate_status_response');
        expect((error as CertificateError).message).toContain(vector.expected.error);
      } else {
        await expect(result).resolves.toMatchObject({
          status: vector.expected.status,
          responder: vector.expected.responder,
        });
      }
    });
  }

  it('reports the revocation time and reason', async () => {
    const status = await verifyOcspResponse(
      der('ocsp/revoked.der'),
      cert('certs/leaf-revoked.pem'),
      cert('certs/inter.pem'),
      { time },
    );
    expect(status.revocationTime).toBeInstanceOf(Date);
    expect(status.revocationReason).toBe(1); // keyCompromise, as make.mjs revoked it
  });

  it('tolerates clock skew on thisUpdate within the clockSkew option only', async () => {
    const early = new Date(vectors.at * 1000 - 120_000);
    const args = [der('ocsp/good.der'), cert('certs/leaf.pem'), cert('certs/inter.pem')] as const;
    await expect(verifyOcspResponse(...args, { time: early })).resolves.toMatchObject({ status: 'good' });
    await expect(verifyOcspResponse(...args, { time: early, clockSkew: 60 })).rejects.toMatchObject({
      reason: 'bad_ocsp_response',
    });
  });

  it('refuses garbage and non-successful responses with a typed error', async () => {
    const args = [cert('certs/leaf.pem'), cert('certs/inter.pem')] as const;
    await expect(verifyOcspResponse(new Uint8Array([1, 2, 3]), ...args)).rejects.toMatchObject({
      reason: 'bad_ocsp_response',
    });
    // OCSPResponse { responseStatus tryLater (3) }
    await expect(verifyOcspResponse(new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x03]), ...args)).rejects.toThrow(
      /tryLater/,
    );
  });
});

describe('verifyChain with ocspCheck', () => {
  const base: VerifyChainOptions = {
    roots: [pemDer('certs/root.pem')],
    untrusted: [pemDer('certs/inter.pem')],
    time,
    hostname: 'good.test',
    purpose: 'sslserver',
  };
  const leaf = pemDer('certs/leaf.pem');
  const revokedLeaf = pemDer('certs/leaf-revoked.pem');
  const staple = (name: string) => [der(`ocsp/${name}.der`)];

  it("'staple' accepts a good staple and requires one", async () => {
    await expect(
      verifyChain([leaf], { ...base, ocspCheck: 'staple', ocspResponses: staple('good') }),
    ).resolves.toBeDefined();
    await expect(verifyChain([leaf], { ...base, ocspCheck: 'staple' })).rejects.toMatchObject({
      reason: 'revocation_status_undetermined',
    });
    await expect(
      verifyChain([leaf], { ...base, ocspCheck: 'staple', ocspResponses: staple('unknown') }),
    ).rejects.toMatchObject({
      reason: 'revocation_status_undetermined',
    });
    await expect(
      verifyChain([leaf], { ...base, ocspCheck: 'staple', ocspResponses: staple('expired') }),
    ).rejects.toMatchObject({
      reason: 'bad_ocsp_response',
      alert: 'bad_certificate_status_response',
    });
  });

  it('revoked is certificate_revoked in every mode', async () => {
    for (const ocspCheck of ['staple', 'best_effort'] as const) {
      await expect(
        verifyChain([revokedLeaf], {
          ...base,
          hostname: 'revoked.test',
          ocspCheck,
          ocspResponses: staple('delegated-revoked'),
        }),
      ).rejects.toMatchObject({ reason: 'cert_revoked', alert: 'certificate_revoked', depth: 0 });
    }
  });

  it("'best_effort' accepts a missing, unusable or unknown staple; false ignores staples", async () => {
    for (const responses of [[], staple('expired'), staple('wrong-responder'), staple('unknown')])
      await expect(
        verifyChain([leaf], { ...base, ocspCheck: 'best_effort', ocspResponses: responses }),
      ).resolves.toBeDefined();
    await expect(
      verifyChain([revokedLeaf], { ...base, hostname: 'revoked.test', ocspResponses: staple('revoked') }),
    ).resolves.toBeDefined();
  });

  it('verifyFun sees an OCSP failure as bad_cert and may override it', async () => {
    const seen: string[] = [];
    await expect(
      verifyChain([revokedLeaf], {
        ...base,
        hostname: 'revoked.test',
        ocspCheck: 'staple',
        ocspResponses: staple('revoked'),
        verifyFun: (_c, event) => {
          if (event.type === 'bad_cert') seen.push(event.reason);
          return event.type === 'bad_cert' ? 'valid' : 'unknown';
        },
      }),
    ).resolves.toBeDefined();
    expect(seen).toEqual(['cert_revoked']);
  });
});
