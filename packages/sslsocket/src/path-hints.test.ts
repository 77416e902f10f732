import { generateSelfSigned } from '@sslsocket/pkix';
import { describe, expect, it } from 'vitest';
import { listen, OptionError, validateClientOptions, validateServerOptions } from './index.js';
import { looksLikePath } from './option-checks.js';

const optionError = (run: () => unknown): OptionError => {
  try {
    run();
  } catch (error) {
    if (error instanceof OptionError) return error;
    throw error;
  }
  throw new Error('no OptionError');
};

describe('a file path where certificate or key data belongs', () => {
  it("cacerts: ['ca.pem'] is an OptionError that says to use cacertfile", () => {
    const error = optionError(() => validateClientOptions({ cacerts: ['ca.pem'] }));
    expect(error.option).toBe('cacerts');
    expect(error.message).toBe(
      'option cacerts: "ca.pem" looks like a file path, not PEM text or DER bytes: use cacertfile for files',
    );
  });

  it('cert and key paths point to certfile and keyfile, on servers and in sniHosts', () => {
    expect(optionError(() => validateServerOptions({ cert: './certs/server.crt', key: 'x' })).message).toMatch(
      /option cert: ".\/certs\/server.crt" looks like a file path.*use certfile/,
    );
    expect(
      optionError(() => validateClientOptions({ cert: '-----BEGIN CERTIFICATE-----\n', key: 'key.pem' })).message,
    ).toMatch(/option key: "key.pem" looks like a file path.*use keyfile/);
    expect(
      optionError(() =>
        validateServerOptions({ certfile: 'a.pem', keyfile: 'a.key', sniHosts: { 'b.example': { cert: 'b.pem' } } }),
      ).message,
    ).toMatch(/sniHosts\.b\.example\.cert: "b\.pem" looks like a file path.*certfile/);
  });

  it('listen() rejects it before touching the network', async () => {
    const { certificatePem, keyPem } = await generateSelfSigned();
    await expect(listen(0, { cert: 'server.pem', key: keyPem })).rejects.toThrow(/use certfile/);
    await expect(listen(0, { cert: certificatePem, key: keyPem, cacerts: ['C:\\certs\\ca.pem'] })).rejects.toThrow(
      /use cacertfile/,
    );
  });

  it('PEM text and DER bytes are not mistaken for paths', async () => {
    const { certificatePem, certificateDer, keyPem } = await generateSelfSigned();
    expect(looksLikePath(certificatePem)).toBe(false);
    expect(looksLikePath(keyPem)).toBe(false);
    expect(looksLikePath(certificateDer)).toBe(false);
    expect(looksLikePath('/etc/ssl/certs/ca-certificates.crt')).toBe(true);
    expect(() => validateClientOptions({ cacerts: [certificatePem, certificateDer] })).not.toThrow();
  });
});
