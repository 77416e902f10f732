import { describe, expect, it } from 'vitest';
import {
  aeadSupported,
  cbcSupported,
  cipherTakesKeyObject,
  ecdhSupported,
  ffdhSupported,
  hashSupported,
  hmacTakesKeyObject,
  montgomerySupported,
  signatureSupported,
} from './features.js';
import { jwkScalarImportWorks } from './keys.js';

// On node (the runtime the test suite runs on) every probe must succeed: a failing probe here means
// the probe itself is wrong and would silently route work to the slow fallback.
describe('feature detection on node', () => {
  it('finds every primitive node:crypto has', () => {
    expect(cipherTakesKeyObject).toBe(true);
    expect([...aeadSupported].sort()).toEqual([
      'AES-128-CCM',
      'AES-128-CCM-8',
      'AES-128-GCM',
      'AES-256-CCM',
      'AES-256-CCM-8',
      'AES-256-GCM',
      'CHACHA20-POLY1305',
    ]);
    expect(cbcSupported.size).toBe(2);
    expect(hashSupported.size).toBe(6);
    expect(ecdhSupported.size).toBe(3);
    expect(montgomerySupported.size).toBe(2);
    expect(signatureSupported.size).toBe(5);
    expect(ffdhSupported).toBe(true);
    expect(jwkScalarImportWorks).toBe(true);
    expect(hmacTakesKeyObject).toBe(true);
  });
});
