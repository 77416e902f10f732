import { readFileSync } from 'node:fs';
import { createNodeProvider } from '@sslsocket/provider-node';
import { type CipherSuite, nobleProvider, suiteByName } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import { concat, fromHex, toHex } from '../bytes.js';
import { deriveKeyBlock, deriveMasterSecret, finishedVerifyData12 } from './keys.js';

interface Vector {
  suite: string;
  premaster: string;
  clientRandom: string;
  serverRandom: string;
  sessionHash: string;
  masterSecret: string;
  extendedMasterSecret: string;
  keyBlock: string;
  clientFinished: string;
}

const file = new URL('../../../../test-vectors/tls12/key-block.json', import.meta.url);
const { vectors } = JSON.parse(readFileSync(file, 'utf8')) as { vectors: Vector[] };

describe.each([
  ['noble', nobleProvider],
  ['node', createNodeProvider()],
])('TLS 1.2 key derivation (%s) against node:crypto-made vectors', (_name, provider) => {
  it.each(vectors.map((v) => [v.suite, v] as const))('%s', (_suite, v) => {
    const suite = suiteByName(v.suite) as CipherSuite;
    const hash = suite.prfHash;
    const cr = fromHex(v.clientRandom);
    const sr = fromHex(v.serverRandom);
    const premaster = fromHex(v.premaster);
    const master = deriveMasterSecret(provider, hash, premaster, cr, sr, undefined);
    expect(toHex(master)).toBe(v.masterSecret);
    expect(toHex(deriveMasterSecret(provider, hash, premaster, cr, sr, fromHex(v.sessionHash)))).toBe(
      v.extendedMasterSecret,
    );
    const keys = { hash, masterSecret: master, clientRandom: cr, serverRandom: sr };
    const block = deriveKeyBlock(provider, suite, keys);
    expect(
      toHex(concat(block.clientMac, block.serverMac, block.clientKey, block.serverKey, block.clientIv, block.serverIv)),
    ).toBe(v.keyBlock);
    expect(toHex(finishedVerifyData12(provider, keys, 'client', fromHex(v.sessionHash)))).toBe(v.clientFinished);
  });
});
