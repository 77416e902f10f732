import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clearPemCache, encodePem, PemCache, PemError, pemCache } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'pkix-pemcache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const corpusRoot = new URL('../../../test-vectors/pkix/certs/root.pem', import.meta.url);

describe('PemCache', () => {
  it('parses a file once while it is unchanged and again after it changes', () => {
    const cache = new PemCache();
    const file = join(dir, 'a.pem');
    writeFileSync(file, readFileSync(corpusRoot));
    const first = cache.read(file);
    expect(first.map((b) => b.label)).toEqual(['CERTIFICATE']);
    expect(cache.read(file)).toBe(first); // same parsed object: a cache hit
    const crl = new Uint8Array([0x30, 0x01, 0x05]);
    const two = encodePem('CERTIFICATE', new Uint8Array([0x30, 0x00])) + encodePem('X509 CRL', crl);
    writeFileSync(file, two);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const second = cache.read(file);
    expect(second).not.toBe(first);
    expect(second.map((b) => b.label)).toEqual(['CERTIFICATE', 'X509 CRL']);
    expect(cache.readDer(file, 'X509 CRL')).toEqual([new Uint8Array([0x30, 0x01, 0x05])]);
    expect(cache.size).toBe(1);
    cache.clear(file);
    expect(cache.size).toBe(0);
  });

  it('reads DER files as one block and reports missing files as PemError', () => {
    const cache = new PemCache();
    const file = join(dir, 'b.der');
    writeFileSync(file, new Uint8Array([0x30, 0x00]));
    expect(cache.read(file, 'X509 CRL')).toEqual([
      { label: 'X509 CRL', der: new Uint8Array([0x30, 0x00]), headers: {} },
    ]);
    expect(() => cache.read(join(dir, 'missing.pem'))).toThrow(PemError);
  });

  it('clearPemCache empties the shared cache', () => {
    const file = join(dir, 'c.pem');
    writeFileSync(file, readFileSync(corpusRoot));
    const first = pemCache.read(file);
    expect(pemCache.read(file)).toBe(first);
    clearPemCache();
    expect(pemCache.size).toBe(0);
    expect(pemCache.read(file)).not.toBe(first);
  });
});
